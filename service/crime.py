"""Reported crime (Anmälda brott): the categories, the regions, the series and its table."""

from __future__ import annotations

import pandas as pd

from indicators import reported_crime
from indicators.protection import crime_decision, crime_family
from service import session
from service.indicator_values import (
    catalogue,
)
from service.readmodel import view
from swedish.format import (
    MONTH_NAMES,
    number,
)


# Anmälda brott
@view("data", max_entries=4)
def crime_categories() -> list[reported_crime.Category]:
    con = session.cursor()
    try:
        return reported_crime.categories(con)
    finally:
        con.close()


@view("data", max_entries=32)
def crime_regions(
    category: reported_crime.Category, boundaries: str
) -> tuple[pd.DataFrame, list[str]]:
    """The regions with figures for a category, and the districts without any."""
    con = session.cursor()
    try:
        return (
            reported_crime.available_regions(con, category, boundaries),
            reported_crime.districts_without_data(con, category),
        )
    finally:
        con.close()


@view("data", max_entries=64)
def crime_series(
    measure: str,
    regions: tuple[str, ...],
    kind: str,
    boundaries: str,
    granularity: str,
) -> pd.DataFrame:
    chosen = next(c for c in crime_categories() if c.count_measure == measure)
    con = session.cursor()
    try:
        return reported_crime.crime_series(
            con,
            chosen,
            list(regions),
            kind=kind,
            boundaries=boundaries,
            granularity=granularity,
            decision=crime_decision(con, catalogue(), measure),
        )
    finally:
        con.close()


def crime_table(frame: pd.DataFrame, unit: str, granularity: str) -> pd.DataFrame:
    """The crime page's table: area, period in words, the value as shown ("skyddat" where
    suppressed), preliminary (and Exempeldata where a value is invented). Column-wise, so a
    long series costs little at every rerun."""
    years = frame["year"].astype(int).astype(str)
    if granularity == "month":
        months = frame["month"].astype(int).map(lambda m: MONTH_NAMES[m - 1])
        period = months + " " + years
    else:
        period = years
    shown = [
        "skyddat" if hidden else number(value)
        for hidden, value in zip(frame["suppressed"], frame["value"], strict=True)
    ]
    table = pd.DataFrame(
        {
            "Område": frame["region_name"].to_numpy(),
            "Period": period.to_numpy(),
            unit: shown,
            "Preliminärt": frame["preliminary"].map({True: "ja", False: ""}).to_numpy(),
        }
    )
    # BRÅ's figures are real; should a batch of invented values be loaded, its rows say so
    # here and in the downloads.
    if "example" in frame and frame["example"].fillna(False).astype(bool).any():
        table["Exempeldata"] = (
            frame["example"].fillna(False).astype(bool).map({True: "ja", False: ""}).to_numpy()
        )
    return table


@view("catalogue", max_entries=64)
def crime_threshold(measure: str) -> int:
    """The smallest count the crime page shows for a category."""
    return crime_family(catalogue(), measure).threshold


# The source of reported crime (BRÅ), as the store names it.
SOURCE = reported_crime.SOURCE


def missing_years(frame: pd.DataFrame) -> dict[str, list[int]]:
    """The years of each region the series has no figures for, by the region's name."""
    return reported_crime.missing_years(frame)
