"""Did it help? (issue 37) An action's indicators before and after it started, for the region
it serves: the last whole year before its start against the latest whole year after its start
year, each with its 95 % interval, and whether the difference is larger than the uncertainty
(the intervals do not overlap). Always with the plain statement that a change after an action
does not prove its effect."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from indicators.basis import Request
from indicators.results import values as stored_values
from service import district
from service.indicator_values import CITY, catalogue, fmt_interval, fmt_value, region_names

# A region's whole years of an indicator (service.district.whole_years, or read on a cursor).
Years = Callable[[str, str], pd.DataFrame]

CAVEAT = (
    "En förändring efter att en åtgärd startade visar inte att åtgärden orsakade den: annat "
    "kan ha ändrats samtidigt (andra insatser, polisens prioriteringar, anmälningsbenägenhet, "
    "slumpen där talen är små). Jämförelsen säger bara hur läget har utvecklats sedan starten."
)


@dataclass(frozen=True)
class BeforeAfter:
    indicator: str
    title: str
    unit: str
    region: str  # the region's name
    before: str  # "3 245 (3 134–3 359), 2023" or why there is none
    after: str
    finding: str  # what the comparison shows, in words


def said(before: str, after: str) -> str:
    """ "före 38 (27–52), 2023; efter 41 (30–55), 2025", leaving out a side without a value."""
    parts = [f"före {before}" if before not in ("", "–") else "",
             f"efter {after}" if after not in ("", "–") else ""]  # fmt: skip
    return "; ".join(p for p in parts if p) or "inga värden"


def _point(definition: object, row: pd.Series | None) -> str:
    if row is None:
        return ""
    value = fmt_value(definition, row["value"])  # type: ignore[arg-type]
    interval = fmt_interval(definition, row.get("lower"), row.get("upper"))  # type: ignore[arg-type]
    period = row.get("period")
    when = str(period) if isinstance(period, str) and period else str(int(row["year"]))
    return f"{value}" + (f" ({interval})" if interval else "") + f", {when}"


def _finding(definition: object, before: pd.Series, after: pd.Series) -> str:
    lower_is_better = getattr(definition, "direction", "") == "lower_is_better"
    b, a = float(before["value"]), float(after["value"])
    if a == b:
        return "oförändrat"
    higher = a > b
    word = "högre" if higher else "lägre"
    intervals = all(pd.notna(r.get(k)) for r in (before, after) for k in ("lower", "upper"))
    if not intervals:
        return (
            f"{word} efter starten; utan osäkerhetsmått går det inte att säga om det är mer "
            "än slumpen"
        )
    apart = (
        float(after["lower"]) > float(before["upper"])
        if higher
        else float(after["upper"]) < float(before["lower"])
    )
    if not apart:
        return f"{word} efter starten, men skillnaden ryms i osäkerheten (intervallen överlappar)"
    better = higher != lower_is_better
    return f"{word} efter starten, och skillnaden är större än osäkerheten: " + (
        "en förbättring" if better else "en försämring"
    )


def years_on(con: duckdb.DuckDBPyConnection) -> Years:
    """Whole years read on ``con`` (a command line's or a document's cursor: no read copy of
    the store is made for them), each indicator once."""
    read: dict[str, pd.DataFrame] = {}
    definitions = catalogue()

    def years(indicator: str, code: str) -> pd.DataFrame:
        if indicator not in read:
            read[indicator] = stored_values(
                con, definitions.definitions[indicator], definitions, Request(boundaries="today")
            )
        return district.whole_year_rows(read[indicator], code)

    return years


def compare(
    indicators: list[str],
    region_code: str,
    start: date | None,
    until: int | None = None,
    years: Years | None = None,
    name: str | None = None,
) -> list[BeforeAfter]:
    """Each of ``indicators`` (that the region has) before and after ``start`` (the years
    after up to ``until``: a year-end looks no further than its year)."""
    definitions = catalogue().definitions
    years = years or district.whole_years
    if name is None:
        name = region_names().get(
            region_code, "Hela staden" if region_code == CITY else region_code
        )
    found = []
    for indicator in indicators:
        definition = definitions.get(indicator)
        if definition is None:
            continue
        level = "city" if region_code == CITY else "district"
        if level not in definition.levels:
            continue
        rows = years(indicator, region_code)
        if rows.empty:
            continue
        rows = rows[~rows["suppressed"].fillna(False).astype(bool)]
        if start is None:
            found.append(
                BeforeAfter(indicator, definition.title, definition.unit, name, "", "",
                            "åtgärden har inget startdatum: före och efter går inte att jämföra")
            )  # fmt: skip
            continue
        earlier = rows[rows["year"] < start.year]
        later = rows[(rows["year"] > start.year) & (rows["year"] <= (until or 9999))]
        before = earlier.iloc[-1] if not earlier.empty else None
        after = later.iloc[-1] if not later.empty else None
        if before is None:
            finding = f"inget helt år före starten ({start.year}) med värde"
        elif after is None:
            finding = f"inget helt år efter startåret {start.year} ännu"
        else:
            finding = _finding(definition, before, after)
        found.append(
            BeforeAfter(
                indicator,
                definition.title,
                definition.unit,
                name,
                _point(definition, before) or "–",
                _point(definition, after) or "–",
                finding,
            )
        )
    return found


def for_action(
    action: dict[str, object], until: int | None = None, years: Years | None = None
) -> list[BeforeAfter]:
    """An action of the register (store.followup.action's dict) before and after its start."""
    indicators = [i for i in str(action.get("indicators") or "").split(",") if i.strip()]
    start = action.get("start_date")
    day = pd.Timestamp(start).date() if start is not None and pd.notna(start) else None  # type: ignore[arg-type]
    name = str(action.get("region_name") or "") or None
    return compare(
        [i.strip() for i in indicators], str(action["region_code"]), day, until, years, name
    )
