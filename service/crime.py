"""Reported crime (Anmälda brott): the categories, the regions, the series and its table."""

from __future__ import annotations

import pandas as pd

from indicators import reported_crime
from indicators.protection import crime_decision, crime_family
from service import session
from service.batches import published
from service.indicator_values import (
    catalogue,
)
from service.readmodel import view
from swedish.format import MONTH_NAMES, number, year_list


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


def notes(
    frame: pd.DataFrame, kind: str, granularity: str, boundaries: str, threshold: int
) -> list[str]:
    """What the chart cannot show, in words: merged districts' rates, a year's rate as the
    sum of months, parts of a region missing, years missing, months missing in a year, and
    how small counts are treated (as BRÅ publishes them, or hidden below ``threshold``)."""
    notes = []
    if kind == "rate" and boundaries == "today":
        merged = frame[(frame["n_parts"] > 1)]
        if not merged.empty:
            notes.append(
                "BRÅ:s takt per 100 000 invånare kan inte läggas ihop för sammanslagna områden; "
                "de punkterna saknas. Välj antal eller dåtidens indelning."
            )
    if kind == "rate" and granularity == "year":
        notes.append("Årstakten är summan av BRÅ:s månadstakter (avrundade till heltal).")
    incomplete = frame[~frame["complete"]]
    if not incomplete.empty:
        names_years = incomplete.groupby("region_name")["year"].unique()
        notes.append(
            "Bara en del av området finns i källan, så summan visas inte för: "
            + "; ".join(
                f"{n} {year_list(sorted(int(y) for y in ys))}" for n, ys in names_years.items()
            )
            + "."
        )
    missing = missing_years(frame)
    if missing:
        notes.append(
            "Siffror saknas för: "
            + "; ".join(f"{name} {year_list(years)}" for name, years in missing.items())
            + "."
        )
    if granularity == "year":
        partial = frame[frame["n_months"] < 12]
        for row in partial.itertuples():
            notes.append(f"{row.region_name} {row.year}: bara {row.n_months} månader finns.")
    if published(SOURCE):
        notes.append(
            "BRÅ publicerar siffrorna själv, även små tal som 1 och 2: de visas som BRÅ redovisar "
            "dem. Där BRÅ inte redovisar något värde står det att källan inte redovisar något."
        )
    elif frame["suppressed"].any():
        notes.append(
            f"Antal under {threshold} visas inte (och inte heller takter byggda på dem), så att "
            "ingen kan pekas ut; några fler döljs så att de inte kan räknas fram ur summor "
            "(året ur månaderna, staden ur stadsdelsområdena)."
        )
    return notes
