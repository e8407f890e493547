"""Stockholm beside other municipalities (the Indikator page for a Kolada indicator): each
municipality's line over the years with its group (Stockholm, another big city of SKR's group
A1, or a neighbour), and the latest year as a table with places."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from catalogue.model import Definition
from indicators import municipalities
from indicators.basis import CITY


@dataclass(frozen=True)
class Line:
    code: str
    name: str
    group: str  # "Stockholm", "storstad" or "grannkommun"
    years: pd.Series  # kept as columns: Plotly sends them as compact typed arrays
    values: pd.Series


def lines(frame: pd.DataFrame) -> list[Line]:
    """Every municipality's totals by year, Stockholm first, then by code."""
    totals = frame[(frame["sex"] == "total") & (frame["age_group"] == "all")]
    found = []
    for code, part in sorted(totals.groupby("region_code"), key=lambda x: x[0] != CITY):
        part = part.sort_values("year")
        group = (
            "Stockholm"
            if code == CITY
            else "storstad"
            if str(code) in municipalities.BIG_CITIES
            else "grannkommun"
        )
        found.append(
            Line(str(code), str(part["region_name"].iloc[0]), group, part["year"], part["value"])
        )
    return found


def table(definition: Definition, frame: pd.DataFrame) -> pd.DataFrame:
    """The latest year with a value for Stockholm: each municipality's value (or why it is
    missing), its group and its place among those with a value (best first)."""
    return municipalities.municipality_table(definition, frame)
