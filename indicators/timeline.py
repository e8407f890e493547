"""Events on the time axis and series breaks as charts draw them: which concern a chart of
an indicator and a region, where on the year axis, and what they say. Pure: the events come
from ``store.events``, the breaks from the indicator's definition."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from catalogue.model import Definition
from swedish.format import date_text

PARTIES = {"stad": "staden", "polis": "polisen", "gemensamt": "gemensamt"}
BREAK = "serieavbrott"


@dataclass(frozen=True)
class Marker:
    """One event as a chart draws it: where on the year axis, and what it says."""

    x: float  # the year with the day as a fraction (1 July 2024 → 2024.5)
    on: date
    title: str
    text: str  # "3 mars 2024: Ny lokalpolisstation i Rinkeby (polisen; Järva)"
    kind: str  # stad, polis, gemensamt or serieavbrott


def _x(day: date) -> float:
    start = date(day.year, 1, 1)
    days = (date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / days


def concerns(row: pd.Series | dict, indicator: str, areas: list[str], region: str | None) -> bool:
    """Whether an event concerns a chart of ``indicator`` (in ``areas``) for ``region``: an
    event with no indicators or areas concerns every indicator; with no districts the whole
    city (every chart); with districts, their charts (not the city's). ``region`` None: any."""
    named_indicators, named_areas, codes = row["indicators"], row["areas"], row["regions"]
    about = (
        (not named_indicators and not named_areas)
        or indicator in named_indicators
        or bool(set(named_areas) & set(areas))
    )
    where = region is None or not codes or region in codes
    return about and where


def markers(
    table: pd.DataFrame,
    definition: Definition,
    region: str | None,
    names: dict[str, str],
    until: int | None = None,
) -> list[Marker]:
    """The events of ``table`` (store.events.events) and the series breaks of ``definition``
    a chart for ``region`` shows (None: any region), oldest first, up to the year ``until``."""
    found = []
    for row in table.itertuples(index=False):
        record = row._asdict()
        if not concerns(record, definition.id, definition.areas, region):
            continue
        on = pd.Timestamp(record["starts_on"]).date()
        ends = record["ends_on"]
        period = date_text(on) + (
            f"–{date_text(pd.Timestamp(ends).date())}"
            if ends is not None and not pd.isna(ends)
            else ""
        )
        where = ", ".join(names.get(c, c) for c in record["regions"]) or "hela staden"
        text = f"{period}: {record['title']} ({PARTIES[record['party']]}; {where})"
        if record["description"]:
            text += f". {record['description']}"
        found.append(Marker(_x(on), on, str(record["title"]), text, str(record["party"])))
    for item in definition.breaks:
        text = f"{date_text(item.on)}: serieavbrott: {item.title}"
        text += f". {item.description}" if item.description else ""
        found.append(Marker(_x(item.on), item.on, item.title, text, BREAK))
    found.sort(key=lambda m: m.on)
    return [m for m in found if until is None or m.on.year <= until]
