"""Plausible values only: every loader's rows are checked against the bounds declared in
the catalogue (``catalogue/measures.yaml``: ``bounds`` per kind, ``max`` per measure)
before anything is stored. A count of 1e300 or 3e9 respondents would otherwise be stored
and break every page that reads it. Staff uploads check the same bounds cell by cell (in
Swedish) before this last check runs.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from catalogue.catalogue import Catalogue, current_catalogue
from catalogue.model import Bounds
from store.regions import RegionLifetimes

MAX_LISTED = 20  # problems listed before "and N more"


def default_catalogue() -> Catalogue:
    """The catalogue as its files say now (read again when one changes, so an edited bound
    holds without a restart)."""
    return current_catalogue()


def upper_bound(catalogue: Catalogue, measure: str, kind: str) -> float:
    """The largest plausible value of one cell of ``measure`` (of ``kind``: count, rate,
    share, index)."""
    known = catalogue.measures.get(measure)
    if known is not None and known.max is not None:
        return float(known.max)
    bounds: Bounds = catalogue.bounds
    return {"share": 100.0, "index": bounds.index, "count": bounds.count}.get(kind, bounds.rate)


def _shown(value: object) -> str:
    try:
        return f"{float(value):g}"  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return repr(value)


def _kind(catalogue: Catalogue, measure: str, additive: dict[str, bool]) -> str:
    known = catalogue.measures.get(measure)
    if known is not None:
        return known.kind
    return "count" if additive.get(measure, True) else "rate"


def observation_problems(
    rows: pd.DataFrame, measures: pd.DataFrame | None, catalogue: Catalogue | None = None
) -> list[str]:
    """Every value finite, at least 0 and at most its bound; respondents whole, 1 or more,
    at most the bound. One message per bad row (at most MAX_LISTED, then a count)."""
    catalogue = catalogue or default_catalogue()
    if rows.empty:
        return []
    additive: dict[str, bool] = {}
    if measures is not None and not measures.empty and "spatially_additive" in measures:
        flags = measures["spatially_additive"].astype(bool)
        additive = dict(zip(measures["id"], flags, strict=True))
    kinds = {m: _kind(catalogue, str(m), additive) for m in rows["measure"].unique()}
    bounds = {m: upper_bound(catalogue, str(m), k) for m, k in kinds.items()}
    value = pd.to_numeric(rows["value"], errors="coerce").astype(float)
    bound = rows["measure"].map(bounds).astype(float)
    bad_value = ~(value.between(0, bound) & np.isfinite(value))
    respondents = pd.to_numeric(rows.get("respondents"), errors="coerce").astype(float)
    limit = catalogue.bounds.respondents
    whole = np.isfinite(respondents) & (respondents == np.floor(respondents))
    bad_respondents = respondents.notna() & ~(whole & respondents.between(1, limit))
    problems: list[str] = []
    for index in rows.index[bad_value | bad_respondents]:
        record = rows.loc[index]
        month = record.get("month")
        where = f"{record['measure']} {record['region_code']} {record['year']}" + (
            f"-{int(month):02d}" if month is not None and pd.notna(month) else ""
        )
        if bad_value[index]:
            kind = kinds[record["measure"]]
            problems.append(
                f"{where}: value {_shown(record['value'])} is not between 0 and "
                f"{bounds[record['measure']]:g} ({kind})"
            )
        if bad_respondents[index]:
            problems.append(
                f"{where}: respondents {_shown(record['respondents'])} is not a whole number "
                f"between 1 and {limit:g}"
            )
        if len(problems) > MAX_LISTED:
            break
    total = int(bad_value.sum() + bad_respondents.sum())
    if total > MAX_LISTED:
        problems = [*problems[:MAX_LISTED], f"… and {total - MAX_LISTED} more implausible values"]
    return problems


def population_problems(frame: pd.DataFrame, catalogue: Catalogue | None = None) -> list[str]:
    """Population counts finite, whole, at least 0 and at most the bound."""
    bound = (catalogue or default_catalogue()).bounds.population
    problems = []
    for row in frame.itertuples(index=False):
        count = float(row.count)
        if not (math.isfinite(count) and count.is_integer() and 0 <= count <= bound):
            problems.append(
                f"{row.region_code} {row.year}: population {_shown(row.count)} is not a whole "
                f"number between 0 and {bound:g}"
            )
    return problems[:MAX_LISTED]


def region_problems(rows: pd.DataFrame, lifetimes: RegionLifetimes) -> list[str]:
    """Every row's region existed in the row's year (a year of a merger belongs to both
    sides): a value for Järva in 2019 or for Rinkeby-Kista in 2024 cannot be a measurement.
    One message per region and year."""
    if rows.empty:
        return []
    pairs = rows[["region_code", "year"]].drop_duplicates()
    problems = []
    for code, year in pairs.itertuples(index=False):
        why = lifetimes.not_existing(str(code), int(year))
        if why is not None:
            count = int(((rows["region_code"] == code) & (rows["year"] == year)).sum())
            problems.append(
                f"{code} {int(year)}: {count} values for a region that did not exist that year "
                f"({why})"
            )
    if len(problems) > MAX_LISTED:
        problems = [*problems[:MAX_LISTED], f"… and {len(problems) - MAX_LISTED} more"]
    return problems


KEY = ["measure", "region_code", "year", "month", "sex", "age_group"]


def duplicate_problems(rows: pd.DataFrame) -> list[str]:
    """One value per measure, region, year, month, sex and age group in a file: a key given
    twice (with the same value or not) is refused, naming the key."""
    if rows.empty:
        return []
    twice = rows.loc[rows.duplicated(KEY, keep="first"), KEY].drop_duplicates()
    problems = []
    for record in twice.head(MAX_LISTED).itertuples(index=False):
        month = f"-{int(record.month):02d}" if pd.notna(record.month) else ""
        breakdown = (
            "" if (record.sex, record.age_group) == ("total", "all")
            else f" ({record.sex}, {record.age_group})"
        )  # fmt: skip
        problems.append(
            f"{record.measure} {record.region_code} {record.year}{month}{breakdown}: "
            "given more than once in the file"
        )
    if len(twice) > MAX_LISTED:
        problems.append(f"… and {len(twice) - MAX_LISTED} more keys given more than once")
    return problems
