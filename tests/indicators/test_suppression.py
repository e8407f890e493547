"""The joint disclosure decision on small hand-made tables: which figures are hidden, and
that no hidden one can be narrowed down to a range narrower than the threshold."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from indicators.disclosure import CellKey, Family, solve
from indicators.suppression import min_count

FAMILY = Family(measures=("m",), size="count", threshold=3, monthly_output=True)


def _atoms(rows: list[tuple[str, int, float]]) -> pd.DataFrame:
    """(region, month, count) rows of one year, as the atoms of a family."""
    return pd.DataFrame(
        {
            "region_code": [r for r, _, _ in rows],
            "year": 2022,
            "month": [m for _, m, _ in rows],
            "sex": "total",
            "age_group": "all",
            "size": [c for _, _, c in rows],
        }
    )


def _year_and_months(atoms: pd.DataFrame) -> list[tuple[CellKey, np.ndarray]]:
    cells: list[tuple[CellKey, np.ndarray]] = []
    for region, rows in atoms.groupby("region_code").indices.items():
        cells.append((("time", "year", region, 2022, 0, "total", "all"), rows))
        for row in rows:
            month = int(atoms.loc[row, "month"])
            cells.append((("time", "month", region, 2022, month, "total", "all"), np.array([row])))
    return cells


def _hidden_months(hidden: set[CellKey], region: str) -> list[int]:
    return sorted(k[4] for k in hidden if k[1] == "month" and k[2] == region)


def test_a_small_month_hides_the_smallest_month_above_zero_beside_it() -> None:
    atoms = _atoms([("A", 1, 1.0), ("A", 2, 0.0), ("A", 3, 9.0), ("A", 4, 5.0)])
    hidden, disclosed = solve(atoms, _year_and_months(atoms), [], FAMILY)
    # The year (15) minus the shown months would give the 1 away; hiding the 0 would not
    # help (a shown 0 is known), so the 5 is hidden too.
    assert _hidden_months(hidden, "A") == [1, 4]
    assert ("time", "year", "A", 2022, 0, "total", "all") not in hidden
    assert disclosed == 0


def test_two_small_months_protect_each_other() -> None:
    atoms = _atoms([("B", 1, 2.0), ("B", 2, 1.0), ("B", 3, 30.0)])
    hidden, _ = solve(atoms, _year_and_months(atoms), [], FAMILY)
    # The 2 and the 1 alone under the shown year 33 and month 30 are known to sum to 3, and
    # each hidden one is at least 1: each is 1 or 2, a range narrower than the threshold.
    # The 30 is hidden too (a month before the year): each month can then be 1 to 31.
    assert _hidden_months(hidden, "B") == [1, 2, 3]
    assert ("time", "year", "B", 2022, 0, "total", "all") not in hidden
    two_months = _atoms([("B", 1, 2.0), ("B", 2, 9.0)])
    hidden, _ = solve(two_months, _year_and_months(two_months), [], FAMILY)
    assert _hidden_months(hidden, "B") == [1, 2]  # each can be 1 to 10


def test_a_zero_beside_a_small_year_is_not_hidden() -> None:
    atoms = _atoms([("C", 1, 1.0), ("C", 2, 0.0), ("C", 3, 0.0)])
    hidden, _ = solve(atoms, _year_and_months(atoms), [], FAMILY)
    # The year is 1 and hidden itself; the zeros say nothing about the 1.
    assert _hidden_months(hidden, "C") == [1]
    assert ("time", "year", "C", 2022, 0, "total", "all") in hidden


def test_a_merged_district_and_one_of_its_parts_cannot_give_the_other_away() -> None:
    # Järva (today) = Rinkeby-Kista + Spånga-Tensta (the time); Spånga-Tensta's 2 is small.
    atoms = _atoms([("RK", 1, 4.0), ("ST", 1, 2.0)])
    cells: list[tuple[CellKey, np.ndarray]] = [
        (("time", "year", "RK", 2022, 0, "total", "all"), np.array([0])),
        (("time", "year", "ST", 2022, 0, "total", "all"), np.array([1])),
        (("today", "year", "J", 2022, 0, "total", "all"), np.array([0, 1])),
    ]
    hidden, disclosed = solve(atoms, cells, [], FAMILY)
    assert {k[2] for k in hidden} == {"ST", "RK"}
    assert disclosed == 0


def test_a_sum_the_data_satisfy_is_used_like_a_shown_figure() -> None:
    # The city's 10 = A 7 + B 2 + C 1: with the city shown and A shown, B and C hide each
    # other; a constraint (city = A + B + C) adds nothing new here but must not break it.
    atoms = _atoms([("0180", 1, 10.0), ("A", 1, 7.0), ("B", 1, 2.0), ("C", 1, 1.0)])
    cells: list[tuple[CellKey, np.ndarray]] = [
        (("time", "year", r, 2022, 0, "total", "all"), np.array([i]))
        for i, r in enumerate(["0180", "A", "B", "C"])
    ]
    constraint = (np.array([0, 1, 2, 3]), np.array([1.0, -1.0, -1.0, -1.0]))
    hidden, disclosed = solve(atoms, cells, [constraint], FAMILY)
    # B and C alone would be known to sum to 3, each at least 1: so A is hidden too.
    assert {k[2] for k in hidden} == {"A", "B", "C"}
    assert disclosed == 0
    # With C at 5, B alone would follow from the city: the smallest other (C) is hidden,
    # and B + C = 7 leaves each a range of 1 to 6.
    atoms.loc[3, "size"] = 5.0
    atoms.loc[0, "size"] = 14.0
    hidden, _ = solve(atoms, cells, [constraint], FAMILY)
    assert {k[2] for k in hidden} == {"B", "C"}


def test_threshold_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DASHBOARD_MIN_COUNT", raising=False)
    assert min_count() == 3
    monkeypatch.setenv("DASHBOARD_MIN_COUNT", "5")
    assert min_count() == 5
    monkeypatch.setenv("DASHBOARD_MIN_COUNT", "0")
    with pytest.raises(ValueError, match="DASHBOARD_MIN_COUNT"):
        min_count()


def test_a_table_with_category_identities_leaves_no_hidden_range_narrower_than_3() -> None:
    """A protected count by district, month and category, where the total is the sum of its
    categories exactly (as 3–7 kap. is the sum of its chapters): after the decision a reader
    who knows every shown figure, the identities and that a hidden figure is at least 1 can
    narrow no hidden figure down to fewer than 3 values (an independent LP per figure)."""
    from scipy.optimize import linprog

    rng = np.random.default_rng(7)
    rows = []
    for region in ("A", "B", "C"):
        for month in range(1, 7):
            parts = rng.choice([0, 1, 2, 4, 7, 12], size=4).astype(float)
            for band, value in zip(("k3", "k4", "k5", "k6"), parts, strict=True):
                rows.append((region, month, band, value))
            rows.append((region, month, "all", float(parts.sum())))
    atoms = pd.DataFrame(
        {"region_code": [r[0] for r in rows], "year": 2022, "month": [r[1] for r in rows],
         "sex": "total", "age_group": [r[2] for r in rows], "size": [r[3] for r in rows]}
    )  # fmt: skip
    cells: list[tuple[CellKey, np.ndarray]] = []
    for (region, band), index in atoms.groupby(["region_code", "age_group"]).indices.items():
        cells.append((("time", "year", region, 2022, 0, "total", band), index))
        for i in index:
            month = int(atoms.loc[i, "month"])
            cells.append((("time", "month", region, 2022, month, "total", band), np.array([i])))
    constraints = [
        (np.concatenate([g.index[g["age_group"] == "all"], g.index[g["age_group"] != "all"]]),
         np.array([1.0, -1.0, -1.0, -1.0, -1.0]))
        for _, g in atoms.groupby(["region_code", "month"])
    ]  # fmt: skip
    family = Family(measures=("m",), size="count", threshold=3, by_age=True)
    hidden, disclosed = solve(atoms, cells, constraints, family)
    assert disclosed == 0 and len(hidden) > 10
    size = atoms["size"].to_numpy()
    vectors = {}
    for key, index in cells:
        vector = np.zeros(len(atoms))
        vector[index] = 1.0
        vectors[key] = vector
    shown = [k for k in vectors if k not in hidden]
    a_eq = np.array([vectors[k] for k in shown] + [np.bincount(m, c, len(atoms))
                                                    for m, c in constraints])  # fmt: skip
    b_eq = np.array([vectors[k] @ size for k in shown] + [0.0] * len(constraints))
    positive = [vectors[k] for k in hidden if vectors[k] @ size > 0]
    narrow = []
    for key in hidden:
        low = linprog(vectors[key], A_ub=-np.array(positive), b_ub=-np.ones(len(positive)),
                      A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")  # fmt: skip
        high = linprog(-vectors[key], A_ub=-np.array(positive), b_ub=-np.ones(len(positive)),
                       A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")  # fmt: skip
        top = np.inf if high.status == 3 else -high.fun
        if top - low.fun < 3 - 1e-7:
            narrow.append((key, low.fun, top))
    assert narrow == []
