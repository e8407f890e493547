"""The joint disclosure decision on small hand-made tables: which figures are hidden, and
that none that is hidden follows from the shown ones."""

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
    assert _hidden_months(hidden, "B") == [1, 2]


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
    assert {k[2] for k in hidden} == {"B", "C"}
    assert disclosed == 0
    # With C at 5, B alone would follow from the city: the smallest other (C) is hidden.
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
