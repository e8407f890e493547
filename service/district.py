"""Stadsdelsområde: the view model of one district's situation picture. One typed row per
indicator (its latest value against the city, its rank with uncertainty, women and men, the
comparison its status tested and the status itself as a code and a word), by priority area;
the page lays the rows out and draws the badges."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.results import inputs_of
from indicators.summaries import (
    by_region,
    comparison,
    latest_record,
    latest_row,
    period_of,
    rank_text,
    rankable,
    ranking,
)
from service.indicator_values import (
    CITY,
    all_values,
    catalogue,
    example_note,
    fmt_interval,
    fmt_value,
    values,
)
from service.readmodel import view

PROTECTED = "skyddat"


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator's row of the district's table, every figure already written in Swedish."""

    area: str  # the priority area's id
    area_title: str
    indicator: str
    title: str
    period: str
    value: str  # the district's latest value ("–" none, "skyddat" suppressed)
    interval: str  # its 95 % interval
    city: str  # the whole city's value of the same year
    women: str
    men: str
    placing: str  # "plats 3–7 av 26, 2024", or why it is not ranked
    comparison: str  # what the status compared with and the change it tested
    development: str  # what the status means, in words
    status: str  # the status code (assessment.STATUSES), "" when there is no value
    verdict: str  # the status as a word
    example: bool  # an invented value (the demo)


def _shown(definition: object, row: pd.Series | None) -> str:
    if row is None:
        return ""
    return PROTECTED if row["suppressed"] else fmt_value(definition, row["value"])  # type: ignore[arg-type]


@view("catalogue", max_entries=2048)
def indicator_row(
    area: str, indicator: str, code: str, inputs: tuple[str | None, ...]
) -> IndicatorRow:
    """One indicator's row, kept while its figures are the same (``inputs``: what its frames
    were computed from, results.inputs_of), whatever else a load changed: a load for one
    crime category computes the rows of the indicators over it only."""
    definitions = catalogue()
    definition = definitions.definitions[indicator]
    frame = all_values("today").get(indicator, pd.DataFrame())
    split = by_region(frame, [code, CITY])  # the two regions' rows, once
    own = latest_record(split.get(code, []))
    city = latest_record(split.get(CITY, []), int(own["year"])) if own is not None else None
    said = comparison(definition, own)
    women = men = ""
    if "sex" in definition.breakdowns and own is not None:
        by_sex = all_values("today", by_sex=True).get(indicator, pd.DataFrame())
        year = by_sex[by_sex["year"] == own["year"]]
        women = _shown(definition, latest_row(year, code, "female"))
        men = _shown(definition, latest_row(year, code, "male"))
    return IndicatorRow(
        area=area,
        area_title=dict(definitions.areas())[area],
        indicator=indicator,
        title=definition.title,
        period="" if own is None else period_of(own),
        value="–" if own is None else _shown(definition, own),
        interval="" if own is None else fmt_interval(definition, own["lower"], own["upper"]),
        city="–" if city is None else _shown(definition, city),
        women=women,
        men=men,
        placing=_placing(definition, frame, own, code),
        comparison=str(said["change_line"]),
        development="Inga uppgifter ännu." if own is None else str(own["status_text"]),
        status="" if own is None else str(own["status"]),
        verdict=str(said["verdict"]),
        example=own is not None and not pd.isna(own.get("example")) and bool(own.get("example")),
    )


def _placing(definition: object, frame: pd.DataFrame, own: pd.Series | None, code: str) -> str:
    if own is None or pd.isna(own["value"]):
        return ""
    if not rankable(definition):  # type: ignore[arg-type]
        return "rangordnas inte (antal)"
    ranked = ranking(definition, frame, int(own["year"]))  # type: ignore[arg-type]
    mine = ranked[ranked["region_code"] == code]
    if mine.empty:
        return ""
    return f"{rank_text(mine.iloc[0], len(ranked))}, {int(own['year'])}"


def situation(code: str) -> list[IndicatorRow]:
    """The district's table: one row per indicator it has, in the catalogue's order of areas
    (each row cached by what it shows)."""
    definitions = catalogue()
    frames = all_values("today")
    sexes = all_values("today", by_sex=True)
    rows = []
    for area, _ in definitions.areas():
        for indicator in definitions.indicators_for(area):
            if "district" not in definitions.definitions[indicator].levels:
                continue
            inputs = tuple(
                inputs_of(f[indicator]) if indicator in f else None for f in (frames, sexes)
            )
            rows.append(indicator_row(area, indicator, code, inputs))
    return rows


def drawn_apart(indicator: str) -> bool:
    """Whether the district and the city get a panel and an axis each (counts: a district's
    and the city's differ twenty-fold) rather than one axis (rates and shares)."""
    return not rankable(catalogue().definitions[indicator])


@dataclass(frozen=True)
class Series:
    """One region's line of the district's trend chart: its yearly values and intervals."""

    region: str
    label: str
    years: pd.Series  # kept as columns: Plotly sends them as compact typed arrays
    values: pd.Series
    lower: pd.Series
    upper: pd.Series

    @property
    def has_interval(self) -> bool:
        return bool(self.lower.notna().any())


@dataclass(frozen=True)
class Trend:
    """The district against the whole city for one indicator: the lines there are values for,
    the regions without any, whether each gets its own panel and axis, invented values."""

    series: list[Series]
    missing: list[str]
    apart: bool
    example: bool
    example_note: str | None


def trend(indicator: str, code: str, name: str) -> Trend:
    """The district's and the city's totals over the years (today's boundaries). A count of a
    district and of the whole city differ twenty-fold: each then gets its own panel and axis
    (``apart``), never one count axis; rates and shares compare on one."""
    frame = all_values("today").get(indicator, pd.DataFrame())
    series = []
    for region, label in ((code, name), (CITY, "Hela staden")):
        rows = (
            frame[(frame["region_code"] == region) & (frame["sex"] == "total")]
            if not frame.empty
            else frame
        )
        if rows.empty or not rows["value"].notna().any():
            continue
        rows = rows.sort_values("year")
        series.append(
            Series(region, label, rows["year"], rows["value"], rows["lower"], rows["upper"])
        )  # fmt: skip
    both = frame[frame["region_code"].isin([code, CITY])] if not frame.empty else frame
    note = example_note(both) if not frame.empty else None
    drawn = [s.label for s in series]
    return Trend(
        series=series,
        missing=[n for n in (name, "Hela staden") if n not in drawn],
        apart=drawn_apart(indicator) and len(series) == 2,
        example=note is not None,
        example_note=note,
    )


def whole_years(indicator: str, code: str) -> pd.DataFrame:
    """A region's totals by year with a value, whole years only (a part of a year is not
    drawn beside whole ones)."""
    return whole_year_rows(values(indicator, "today"), code)


def whole_year_rows(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    """:func:`whole_years` of an indicator's frame."""
    if frame.empty:
        return frame
    rows = frame[(frame["region_code"] == code) & (frame["sex"] == "total")
                 & (frame["age_group"] == "all") & frame["value"].notna()]  # fmt: skip
    if "n_months" in rows:
        rows = rows[rows["n_months"].fillna(12) >= 12]
    return rows.sort_values("year")
