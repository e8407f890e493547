"""An indicator's own page (issue 38): everything about one indicator on a page that stands
on its own, to link to, print or read without the dashboard: its definition, the areas of
the agreement it follows up and what they cannot measure, its source and how often it comes,
its series for the city and every district with 95 % intervals, the latest verdict per region
with what it is compared with, caveats and known breaks. Built from the open data
(service.open_data: the same values, columns and disclosure decisions as ``python -m
indicators values`` and ``/api/v1``), so a page never shows what the API would not."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from catalogue.catalogue import CURRENT_AGREEMENT, load_catalogue
from indicators.basis import MISSING_REASONS
from indicators.status import STATUS_LABELS
from service import open_data
from service.indicator_values import fmt_interval, fmt_value
from swedish.format import number

CITY_CODE = "0180"
# Years shown in the series table: the latest ones (a printed A4 page holds about this many).
YEARS_SHOWN = 10


@dataclass
class Sheet:
    """What the page shows, as text (formatted as Swedes write numbers)."""

    id: str
    title: str
    definition: str
    unit: str
    direction: str
    agreement: str  # the agreement in force, as its title says it
    areas: list[tuple[str, str]]  # (area title, what its goal cannot be measured by)
    source: dict[str, object]
    disclosure: str
    caveats: list[str]
    breaks: list[str]
    years: list[int]
    series: list[tuple[str, list[tuple[str, str, str]]]]  # region, per year (value, interval, note)
    latest: list[dict[str, str]]
    example: bool
    earlier_years: int = 0
    notes: list[str] = field(default_factory=list)


def listing(con: duckdb.DuckDBPyConnection, public: bool) -> list[dict[str, object]]:
    """The indicators a page lists (the open ones only, when public), by area."""
    return open_data.indicators(con, public)


def sheet(con: duckdb.DuckDBPyConnection, indicator_id: str, public: bool) -> Sheet:
    """One indicator's page (open_data.NotFound when it is not served)."""
    meta = open_data.indicator(con, indicator_id, public)  # NotFound when not served
    catalogue = load_catalogue()
    definition = catalogue.definitions[indicator_id]
    agreement = catalogue.agreements[CURRENT_AGREEMENT]
    unmeasured = {a.id: a.unmeasured or "" for a in agreement.areas}
    frame, example = open_data.served_values(con, indicator_id)
    whole = frame[(frame["sex"] == "total") & (frame["age_group"] == "all")].copy()
    years = sorted(int(y) for y in whole["year"].dropna().unique())
    shown_years = years[-YEARS_SHOWN:]
    regions = sorted(
        {(str(c), str(n)) for c, n in zip(whole["region_code"], whole["region_name"], strict=True)},
        key=lambda cn: (cn[0] != CITY_CODE, cn[1]),
    )
    series = []
    latest = []
    for code, name in regions:
        rows = whole[whole["region_code"] == code].set_index("year")
        cells = []
        for year in shown_years:
            if year not in rows.index:
                cells.append(("", "", ""))
                continue
            row = rows.loc[year]
            cells.append(_cell(definition, row, year))
        series.append((name, cells))
        known = rows[rows["value"].notna()]
        if not known.empty:
            last = known.sort_index().iloc[-1]
            latest.append(
                {
                    "område": name,
                    "period": str(last["period"]),
                    "värde": fmt_value(definition, last["value"]),
                    "intervall": fmt_interval(definition, last["lower"], last["upper"]),
                    "jämfört med": _text(last["compared_with"]) or "ingen jämförelse",
                    "förändring": _change(definition, last),
                    "bedömning": STATUS_LABELS.get(str(last["status"]), str(last["status"])),
                    "prövning": _text(last["change_test"]),
                }
            )
    notes = []
    if any(p and str(p).endswith("prel.") for p in whole["period"].dropna()):
        notes.append("”prel.” efter året: preliminära siffror, som kan ändras.")
    source = dict(meta["källa"])  # type: ignore[call-overload]
    return Sheet(
        id=indicator_id,
        title=str(meta["titel"]),
        definition=str(meta["definition"]),
        unit=str(meta["enhet"]),
        direction=str(meta["riktning"]),
        agreement=agreement.title,
        areas=[(str(a["titel"]), unmeasured.get(str(a["id"]), "")) for a in meta["områden"]],  # type: ignore[attr-defined]
        source=source,
        disclosure=str(meta["röjandeskydd"]),
        caveats=[str(c) for c in meta["förbehåll"]],  # type: ignore[attr-defined]
        breaks=[
            f"{b.on.isoformat()}: {b.title}. {b.description}".strip() for b in definition.breaks
        ],
        years=shown_years,
        series=series,
        latest=latest,
        example=example,
        earlier_years=len(years) - len(shown_years),
        notes=notes,
    )


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _cell(definition, row: pd.Series, year: int) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    """A year's value, its interval and why it is missing or a part of the year."""
    if pd.isna(row["value"]):
        reason = _text(row["missing_reason"])
        return ("–", "", MISSING_REASONS.get(reason, reason) if reason else "uppgift saknas")
    period = _text(row["period"])
    note = "" if period in (str(year), "") else period
    return (
        fmt_value(definition, row["value"]),
        fmt_interval(definition, row["lower"], row["upper"]),
        note,
    )


def _change(definition, row: pd.Series) -> str:  # type: ignore[no-untyped-def]
    change = row["change"]
    if change is None or pd.isna(change):
        return ""
    before = fmt_value(definition, row["reference_value"])
    sign = "+" if round(float(change), definition.decimals) > 0 else ""
    amount = number(float(change), definition.decimals)
    unit = " procentenheter" if definition.type == "share" else ""
    return f"{before} → {fmt_value(definition, row['value'])} ({sign}{amount}{unit})"
