"""Indikator: the view model of one indicator's page on the chosen boundaries: its totals
split into the districts and the city, the notes under its small multiples (invented,
preliminary, an earlier year's population), the latest year with district values, and the
table of every figure as the page and its downloads show it."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from catalogue.model import Definition
from service.indicator_values import CITY, example_note, fmt_interval, fmt_value
from swedish.format import number


@dataclass(frozen=True)
class IndicatorView:
    totals: pd.DataFrame  # every region's totals (all sexes, all ages)
    districts: pd.DataFrame
    city: pd.DataFrame  # by year
    notes: list[str]
    latest_year: int | None  # the latest year a district has a value
    latest_period: str = ""  # that year as its figures cover it: "2025", "jan–jul 2026"


def indicator_view(frame: pd.DataFrame) -> IndicatorView:
    """``frame``: the indicator's values on the page's boundaries."""
    totals = frame[(frame["sex"] == "total") & (frame["age_group"] == "all")]
    districts = totals[totals["region_kind"] == "district"]
    city = totals[totals["region_code"] == CITY].sort_values("year")
    notes = [n for n in [example_note(totals)] if n]
    preliminary = totals["preliminary"].astype(bool)
    if preliminary.any():
        years = sorted(int(y) for y in totals.loc[preliminary, "year"].unique())
        notes.append(f"Preliminära siffror för {', '.join(map(str, years))} (öppna ringar).")
    older = totals[
        totals["population_year"].notna() & (totals["population_year"] != totals["year"])
    ]
    if not older.empty:
        notes.append(
            "Vissa år använder befolkningen från ett tidigare år (närmast tidigare, högst "
            "två år bakåt)."
        )
    if "n_months" in totals and (totals["n_months"].fillna(12) < 12).any():
        parts = totals[totals["n_months"].fillna(12) < 12]
        notes.append(
            f"Del av år: {', '.join(sorted(set(parts['period'].astype(str))))} (öppen romb "
            "med månaderna vid punkten, inte på linjen mellan hela år)."
        )
    with_values = districts[districts["value"].notna()]
    latest = int(with_values["year"].max()) if not with_values.empty else None
    period = str(latest or "")
    if latest is not None and "period" in with_values:
        shown = with_values.loc[with_values["year"] == latest, "period"].astype(str)
        period = shown.mode().iloc[0] if not shown.empty else period
    return IndicatorView(totals, districts, city, notes, latest, period.replace(" prel.", ""))


def figures_table(definition: Definition, totals: pd.DataFrame) -> pd.DataFrame:
    """Every figure: region, year, value (or "skyddat"), interval, respondents, preliminary,
    what the status says, and whether it is invented (in the table and its downloads)."""
    return pd.DataFrame(
        {
            "Område": totals["region_name"],
            "År": totals["year"].astype(int),
            definition.unit: [
                "skyddat" if s else fmt_value(definition, v)
                for v, s in zip(totals["value"], totals["suppressed"], strict=True)
            ],
            "Osäkerhet (95 %)": [
                fmt_interval(definition, lo, hi)
                for lo, hi in zip(totals["lower"], totals["upper"], strict=True)
            ],
            "Antal svarande": ["" if pd.isna(n) else number(n) for n in totals["respondents"]],
            "Preliminärt": ["ja" if p else "" for p in totals["preliminary"]],
            "Status": [str(t) for t in totals["status_text"]],
            "Exempeldata": (
                totals["example"].fillna(False).astype(bool).map({True: "ja", False: ""})
                if "example" in totals
                else ""
            ),
        }
    )


@dataclass(frozen=True)
class Panel:
    name: str
    code: str
    rows: pd.DataFrame  # the district's totals by year


@dataclass(frozen=True)
class Multiples:
    """The small multiples: a panel per district by name, whether the city's line is drawn
    in each (not for counts: a count for the whole city is many times a district's and would
    flatten them on one scale), and the top of the one scale."""

    panels: list[Panel]
    show_city: bool
    top: float


def multiples(definition: Definition, view: IndicatorView) -> Multiples:
    districts = view.districts
    panels = []
    for name in sorted(districts["region_name"].unique()):
        part = districts[districts["region_name"] == name].sort_values("year")
        code = str(part["region_code"].iloc[0]) if not part.empty else ""
        panels.append(Panel(str(name), code, part))
    show_city = definition.type not in ("count",) and not view.city.empty
    shown = view.totals if show_city else districts
    top = float(shown["upper"].max() if shown["upper"].notna().any() else shown["value"].max())
    return Multiples(panels, show_city, top)


def series_table(parts: list[tuple[str, Definition, pd.DataFrame]]) -> pd.DataFrame:
    """A chart's figures as a table (issue 38: what a screen reader or a keyboard reaches
    instead of the lines): one row per series and year, its value and 95 % interval as the
    page writes them. ``parts``: (the series' name, its indicator, rows with year, value,
    lower and upper)."""
    rows = []
    for label, definition, frame in parts:
        for _, row in frame.sort_values("year").iterrows():
            rows.append(
                {
                    "Serie": label,
                    "År": str(row.get("period") or int(row["year"])),
                    "Värde": fmt_value(definition, row["value"]),
                    "Intervall (95 %)": fmt_interval(definition, row.get("lower"), row.get("upper"))
                    or "–",
                    "Enhet": definition.unit,
                }
            )
    return pd.DataFrame(rows, columns=["Serie", "År", "Värde", "Intervall (95 %)", "Enhet"])
