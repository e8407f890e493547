"""Reported crime per region and period, ready to draw: BRÅ's counts or rates, on today's
boundaries or those of the time, monthly or yearly, with small counts suppressed.

The page and any export call :func:`crime_series`, so they show the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import duckdb
import pandas as pd

from indicators.disclosure import Decision
from store import queries, reference_data
from store.series import Boundaries, observation_rows

SOURCE = "bra_anmalda_brott"
Kind = Literal["count", "rate"]


@dataclass(frozen=True)
class Category:
    label: str  # BRÅ's own label, e.g. "3-7 kap. Brott mot person"
    count_measure: str
    rate_measure: str | None


def categories(con: duckdb.DuckDBPyConnection) -> list[Category]:
    """Crime categories that have data, in BRÅ's chapter order."""
    frame = queries.measures(con, SOURCE)
    rates = set(frame["id"])
    result = [
        Category(
            label=str(row.label),
            count_measure=str(row.id),
            rate_measure=f"{row.id}.per_100k" if f"{row.id}.per_100k" in rates else None,
        )
        for row in frame.itertuples(index=False)
        if not str(row.id).endswith(".per_100k")
    ]
    return sorted(result, key=lambda c: _chapter_order(c.label))


def _chapter_order(label: str) -> tuple[int, str]:
    head = label.split(" ", 1)[0]
    if head[:1].isdigit():
        # "3-7 kap." sorts before "3 kap.", and "därav" rows follow their chapter.
        first = head.split("-")[0].rstrip(".")
        return (int(first) * 10 - (1 if "-" in head else 0), label)
    if label.startswith("därav"):
        return (31, label)
    return (999, label)


def available_regions(
    con: duckdb.DuckDBPyConnection, category: Category, boundaries: Boundaries
) -> pd.DataFrame:
    """Districts and the city that can be shown for a category (code, name, kind)."""
    present = queries.regions_with_data(con, category.count_measure)
    present = present[present["kind"].isin(["district", "city"])]
    if boundaries == "time":
        return present[["code", "name", "kind"]].reset_index(drop=True)
    mapping = reference_data.today_region_map(con)
    targets = set(mapping[mapping["code"].isin(present["code"])]["target"])
    register = reference_data.regions(con, ("district", "city"))
    return register[register["code"].isin(targets)][["code", "name", "kind"]].reset_index(drop=True)


def districts_without_data(con: duckdb.DuckDBPyConnection, category: Category) -> list[str]:
    """Today's districts for which no figure of the category is loaded, on any boundaries."""
    present = set(available_regions(con, category, "today")["code"])
    today = reference_data.regions(con, ("district",))
    today = today[today["valid_to"].isna()]
    return sorted(
        str(n) for c, n in zip(today["code"], today["name"], strict=True) if c not in present
    )


def missing_years(frame: pd.DataFrame) -> dict[str, list[int]]:
    """Years that the shown data covers but a region lacks, per region name."""
    all_years = set(int(y) for y in frame["year"].unique())
    result = {}
    for name, rows in frame.groupby("region_name", sort=True):
        lacking = sorted(all_years - set(int(y) for y in rows["year"].unique()))
        if lacking:
            result[str(name)] = lacking
    return result


Granularity = Literal["month", "year"]


def _series(
    con: duckdb.DuckDBPyConnection,
    measure: str,
    region_codes: list[str],
    boundaries: Boundaries,
    granularity: Granularity,
    additive: bool,
) -> pd.DataFrame:
    rows = observation_rows(con, [measure], boundaries=boundaries, region_codes=region_codes)
    rows = rows[rows["month"] > 0]  # BRÅ's figures are monthly
    keys = ["region_code", "region_name", "year"] + (["month"] if granularity == "month" else [])
    grouped = rows.groupby(keys, as_index=False).agg(
        value=("total", "sum"),
        preliminary=("preliminary", "any"),
        example=("example", "any"),
        complete=("complete", "all"),
        n_parts=("n_parts", "max"),
        n_months=("month", "nunique"),
    )
    if granularity == "year":
        grouped["month"] = None
    if not additive:
        # A rate of one region cannot be added to another's.
        grouped.loc[grouped["n_parts"] > 1, "value"] = None
    return grouped


def crime_series(
    con: duckdb.DuckDBPyConnection,
    category: Category,
    region_codes: list[str],
    *,
    kind: Kind,
    boundaries: Boundaries,
    granularity: Granularity,
    decision: Decision,
) -> pd.DataFrame:
    """One row per region and period: count, value (count or rate), preliminary, suppressed,
    complete (every part of a region of today reported), n_parts, n_months, period.
    Incomplete sums have no value; ``decision`` (indicators.compute.crime_decision) says
    which figures are hidden, the same that every other output hides."""
    counts = _series(
        con, category.count_measure, region_codes, boundaries, granularity, additive=True
    ).rename(columns={"value": "count"})
    if counts.empty:
        return counts.assign(value=pd.Series(dtype=float), suppressed=pd.Series(dtype=bool))
    counts.loc[~counts["complete"], "count"] = None
    if granularity == "month":
        hidden = [
            decision.month(boundaries, str(c), int(y), int(m))
            for c, y, m in zip(counts["region_code"], counts["year"], counts["month"], strict=True)
        ]
    else:
        hidden = [
            decision.year(boundaries, str(c), int(y))
            for c, y in zip(counts["region_code"], counts["year"], strict=True)
        ]
    counts["suppressed"] = pd.Series(hidden, index=counts.index, dtype=bool)
    if kind == "rate":
        if category.rate_measure is None:
            raise ValueError(f"BRÅ gives no rate for {category.label!r}")
        rates = _series(
            con, category.rate_measure, region_codes, boundaries, granularity, additive=False
        )[["region_code", "year", "month", "value"]]
        counts = counts.merge(rates, on=["region_code", "year", "month"], how="left")
    else:
        counts["value"] = counts["count"]
    counts.loc[counts["suppressed"] | ~counts["complete"], ["value", "count"]] = None
    if granularity == "month":
        counts["period"] = pd.to_datetime(
            {"year": counts["year"], "month": counts["month"], "day": 1}
        )
    else:
        counts["period"] = counts["year"].astype(int)
    return counts.reset_index(drop=True)
