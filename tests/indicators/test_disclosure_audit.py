"""A disclosure audit over every output a reader sees: the values of every indicator of a
protected source on both boundaries and with every breakdown, the year-to-date comparisons
named in status sentences, and the crime page's years and months when its source is
protected. Every figure is written as a sum of the stored observations (each at least 0).
What a reader knows: every shown figure, the sums the data satisfy (city = districts, total
= women + men, all ages = the age groups), and that a hidden figure is at least 1 (zeros
are shown). A linear program (scipy's HiGHS) gives each hidden figure's smallest and largest
possible value; the range must not be narrower than the threshold. Built here from the
outputs, independently of indicators.disclosure. Figures their owner publishes (BRÅ, the
police's events) are shown as published and not audited."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from catalogue.catalogue import Catalogue, load_catalogue
from indicators import reported_crime
from indicators.basis import Request
from indicators.compute import compute
from indicators.protection import count_threshold, crime_decision
from indicators.suppression import min_count
from store import reference_data
from store.regions import RegionLifetimes
from tests.indicators.builders import add_batch

CITY = "0180"
REQUESTS = [
    Request(boundaries=b, by_sex=s, by_age=a)
    for b in ("time", "today")
    for s, a in ((False, False), (True, False), (False, True))
]

pytestmark = pytest.mark.slow  # whole-store work: the slow tier


@dataclass(frozen=True)
class Figure:
    boundaries: str
    region: str
    year: int
    months: tuple[int, int] | None  # None: the whole year as published (yearly figures)
    sex: str
    age: str
    size: float | None  # None when hidden
    label: str


@dataclass
class Family:
    measures: tuple[str, ...]
    size: str  # "count" or "respondents"
    threshold: int = 3
    figures: dict[tuple[object, ...], Figure] = field(default_factory=dict)

    def add(self, figure: Figure) -> None:
        key = (figure.boundaries, figure.region, figure.year, figure.months, figure.sex,
               figure.age)  # fmt: skip
        known = self.figures.get(key)
        # Shown anywhere is shown: a figure hidden on one page and shown on another is shown.
        if known is None or (known.size is None and figure.size is not None):
            self.figures[key] = figure


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def _families(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> dict[tuple, Family]:
    """Every figure every output shows or hides, per set of measures."""
    families: dict[tuple, Family] = {}
    protected = {
        str(r[0]) for r in con.execute(
            "SELECT id FROM source WHERE disclosure = 'protected'").fetchall()
    }  # fmt: skip
    for definition in catalogue.definitions.values():
        if definition.type == "published_rate" or definition.source not in protected:
            continue
        counts = definition.type in ("count", "rate")
        family = families.setdefault(
            tuple(definition.measures),
            Family(tuple(definition.measures), "count" if counts else "respondents", 0),
        )
        family.threshold = max(
            family.threshold,
            count_threshold(definition, catalogue)
            if counts
            else definition.suppression.min_respondents,
        )
        for request in REQUESTS:
            frame = compute(con, definition, catalogue, request)
            for row in frame.to_dict("records"):
                _add_row(family, row, request.boundaries, counts, definition.id)
    for category in reported_crime.categories(con):
        if reference_data.measure_source(con, category.count_measure) not in protected:
            continue
        family = families.setdefault(
            (category.count_measure,), Family((category.count_measure,), "count", min_count())
        )
        decision = crime_decision(con, catalogue, category.count_measure)
        for boundaries in ("time", "today"):
            codes = list(reported_crime.available_regions(con, category, boundaries)["code"])
            for granularity in ("month", "year"):
                frame = reported_crime.crime_series(
                    con, category, codes, kind="count", boundaries=boundaries,
                    granularity=granularity, decision=decision,
                )  # fmt: skip
                for row in frame.to_dict("records"):
                    if not row["complete"]:
                        continue
                    month = int(row["month"]) if granularity == "month" else None
                    family.add(Figure(
                        boundaries, str(row["region_code"]), int(row["year"]),
                        (month, month) if month else (1, 12), "total", "all",
                        None if row["suppressed"] else float(row["count"]),
                        f"brottssidan {category.label} {row['region_name']} {row['year']} "
                        f"{month or ''}",
                    ))  # fmt: skip
    return families


def _add_row(
    family: Family, row: dict[str, object], boundaries: str, counts: bool, indicator: str
) -> None:
    reason = row["missing_reason"]
    if reason not in ("", "suppressed"):
        return  # not published at all
    size = row["numerator"] if counts else row["respondents"]
    if not row["suppressed"] and (size is None or pd.isna(size)):
        return  # a share without respondents publishes no count
    first, last = int(row.get("first_month") or 1), int(row["last_month"])
    months = None if int(row["n_months"]) == 12 and (first, last) == (1, 12) else (first, last)
    label = f"{indicator} {boundaries} {row['region_name']} {row['year']} {row['sex']} "
    family.add(Figure(
        boundaries, str(row["region_code"]), int(row["year"]), months, str(row["sex"]),
        str(row["age_group"]), None if row["suppressed"] else float(size), label + str(months),
    ))  # fmt: skip
    if counts and (row["ytd_hidden"] or pd.notna(row["ytd_previous"])):
        family.add(Figure(
            boundaries, str(row["region_code"]), int(row["year"]) - 1, (1, last),
            str(row["sex"]), str(row["age_group"]),
            None if row["ytd_hidden"] else float(row["ytd_previous"]),
            f"{label}samma månader året före",
        ))  # fmt: skip


def _atoms(con: duckdb.DuckDBPyConnection, measures: tuple[str, ...], size: str) -> pd.DataFrame:
    atoms = con.execute(
        """
        SELECT o.region_code, o.year, coalesce(o.month, 0) AS month, o.sex, o.age_group,
               sum(o.value) AS total, sum(o.respondents) AS respondents, r.kind
        FROM observation_in_force($m) AS o JOIN region AS r ON r.code = o.region_code
        GROUP BY ALL ORDER BY ALL
        """,
        {"m": list(measures)},
    ).df()
    today = dict(reference_data.today_region_map(con).itertuples(index=False, name=None))
    return atoms.assign(
        size=(atoms["total"] if size == "count" else atoms["respondents"]).astype(float),
        today=atoms["region_code"].map(today).fillna(atoms["region_code"]),
    )


def _members(atoms: pd.DataFrame, figure: Figure) -> np.ndarray:
    region = atoms["region_code"] if figure.boundaries == "time" else atoms["today"]
    mask = (region == figure.region) & (atoms["year"] == figure.year)
    mask &= (atoms["sex"] == figure.sex) & (atoms["age_group"] == figure.age)
    if figure.months is not None:
        mask &= atoms["month"].between(*figure.months) | (atoms["month"] == 0)
    return np.flatnonzero(mask.to_numpy())


def _true_sums(atoms: pd.DataFrame) -> Iterator[np.ndarray]:
    """Rows (over the atoms) of the sums the data really satisfy."""
    size = atoms["size"].to_numpy(dtype=float)

    def row(whole: np.ndarray, parts: np.ndarray) -> np.ndarray | None:
        if len(whole) != 1 or not len(parts) or np.isnan(size[whole]).any():
            return None
        if np.isnan(size[parts]).any() or abs(size[whole].sum() - size[parts].sum()) > 1e-6:
            return None
        vector = np.zeros(len(atoms))
        vector[whole], vector[parts] = 1.0, -1.0
        return vector

    for _, group in atoms.groupby(["year", "month", "sex", "age_group"]):
        where = group.index.to_numpy()
        found = row(where[group["region_code"].to_numpy() == CITY],
                    where[group["kind"].to_numpy() == "district"])  # fmt: skip
        if found is not None:
            yield found
    for column, total, other in (("sex", "total", "age_group"), ("age_group", "all", "sex")):
        for _, group in atoms.groupby(["region_code", "year", "month", other]):
            where = group.index.to_numpy()
            is_total = group[column].to_numpy() == total
            found = row(where[is_total], where[~is_total])
            if found is not None:
                yield found


def recoverable(
    con: duckdb.DuckDBPyConnection, families: dict[tuple, Family]
) -> tuple[list[str], int]:
    """The hidden figures a reader can narrow down to a range narrower than the threshold
    (and any small figure shown), and how many were hidden."""
    found, hidden_total = [], 0
    for family in families.values():
        atoms = _atoms(con, family.measures, family.size)
        if atoms.empty:
            continue
        size = atoms["size"].to_numpy(dtype=float)
        shown_rows, shown_values, secrets = [], [], []
        for figure in family.figures.values():
            members = _members(atoms, figure)
            if not len(members):
                continue
            vector = np.zeros(len(atoms))
            vector[members] = 1.0
            true = float(np.nansum(size[members]))
            if figure.size is None:
                secrets.append((figure, vector, true))
                continue
            # The figure is the sum we think it is: else the audit would test the wrong thing.
            assert true == pytest.approx(figure.size), figure.label
            small = figure.size < family.threshold
            if small and (family.size == "respondents" or figure.size > 0):
                found.append(f"shown although small: {figure.label}")
            shown_rows.append(vector)
            shown_values.append(figure.size)
        hidden_total += len(secrets)
        if not secrets:
            continue
        # An atom no figure sums (no respondents) is unknown to a reader but not to the data:
        # a NaN size is 0 in every sum.
        sums = list(_true_sums(atoms))
        a_eq = np.array(shown_rows + sums) if shown_rows or sums else None
        b_eq = np.array(shown_values + [0.0] * len(sums)) if a_eq is not None else None
        positive = [vector for _, vector, true in secrets if true > 0]
        a_ub = -np.array(positive) if positive else None
        b_ub = -np.ones(len(positive)) if positive else None
        for figure, vector, _ in secrets:
            ends = []
            for sense in (1.0, -1.0):
                result = linprog(sense * vector, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq,
                                 bounds=(0, None), method="highs")  # fmt: skip
                assert result.status in (0, 3), (figure.label, result.message)
                ends.append(np.inf if result.status == 3 else sense * result.fun)
            if abs(ends[1] - ends[0]) < family.threshold - 1e-7:
                found.append(f"{figure.label}: {ends[0]:g} to {ends[1]:g}")
    return found, hidden_total


def test_no_hidden_figure_of_the_demo_data_can_be_recovered(
    demo_store: duckdb.DuckDBPyConnection, catalogue: Catalogue
) -> None:
    found, hidden = recoverable(demo_store, _families(demo_store, catalogue))
    assert hidden > 20  # the audit has something to check (the protected sources only)
    assert found == []


def _row(measure: str, code: str, year: int, value: float, **rest: object) -> dict[str, object]:
    return {"measure": measure, "region_code": code, "year": year, "value": value, **rest}


def _small_counts_store(con: duckdb.DuckDBPyConnection) -> None:
    """Many small counts on both sides of the Järva and Norra innerstaden mergers. The crime
    counts are BRÅ's measure, but its source is declared protected here (as a count from the
    city's own registers is), so that the crime page's months are audited too."""
    con.execute("UPDATE source SET disclosure = 'protected' WHERE id = 'bra_anmalda_brott'")
    rng = random.Random(13)
    lifetimes = RegionLifetimes.from_store(con)
    register = reference_data.regions(con, ("district",))
    rows: list[dict[str, object]] = []
    for year in (2021, 2022, 2024):
        districts = [c for c in register["code"] if lifetimes.existed(str(c), year)]
        if year == 2022:
            districts = [c for c in districts if lifetimes.existed(str(c), 2021)]
        else:
            districts = [c for c in districts if lifetimes.existed(str(c), year)]
        monthly = {c: [rng.choice([0, 1, 2, 3, 4, 6, 9]) for _ in range(12)] for c in districts}
        crime = "bra.brott_mot_person"
        for month in range(1, 13):
            for code, values in monthly.items():
                rows.append(_row(crime, code, year, values[month - 1], month=month))
            city = sum(v[month - 1] for v in monthly.values())
            rows.append(_row(crime, CITY, year, city, month=month))
        people = {c: rng.choice([0, 1, 3, 4, 5, 8, 12]) for c in districts}
        rows += [_row("aktivitet.avhoppare_stod", c, year, v) for c, v in people.items()]
        rows.append(_row("aktivitet.avhoppare_stod", CITY, year, sum(people.values())))
        for code in districts:
            women, men = rng.randint(10, 60), rng.randint(10, 60)
            for sex, n in (("female", women), ("male", men), ("total", women + men)):
                rows.append(
                    _row("stad_trygghet.otrygg_ute_kvall", code, year, 20.0, sex=sex, respondents=n)
                )
    add_batch(con, rows)


def test_no_hidden_figure_of_many_small_counts_can_be_recovered(
    store: duckdb.DuckDBPyConnection, catalogue: Catalogue
) -> None:
    _small_counts_store(store)
    families = _families(store, catalogue)
    found, hidden = recoverable(store, families)
    assert hidden > 100
    assert found == []


def test_the_audit_finds_what_complements_protect(
    store: duckdb.DuckDBPyConnection, catalogue: Catalogue
) -> None:
    """Showing the hidden figures that are not small themselves (the complements) makes
    small ones recoverable again: the audit can fail."""
    _small_counts_store(store)
    families = _families(store, catalogue)
    for family in families.values():
        atoms = _atoms(store, family.measures, family.size)
        threshold = family.threshold
        for key, figure in list(family.figures.items()):
            if figure.size is not None:
                continue
            true = float(np.nansum(atoms["size"].to_numpy()[_members(atoms, figure)]))
            small = true < threshold if family.size == "respondents" else 0 < true < threshold
            if not small:
                family.figures[key] = Figure(**{**figure.__dict__, "size": true})
    found, _ = recoverable(store, families)
    assert len(found) > 10
