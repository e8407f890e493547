"""Händelser on the time axis: what a rapportör or administratör adds (a dated event, the
districts, indicators or areas it concerns, whether the city, the police or both), checked
here and written through the one guarded path; and which events (and series breaks declared
in an indicator's YAML) a chart of an indicator and a region shows."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from access.roles import Principal
from indicators import timeline
from indicators.timeline import Marker
from service import indicator_values, session
from service.readmodel import view
from service.writes import DATE_RANGE, RuleBroken, guarded, out_of_range
from store import events as store_events
from store import reference_data

PARTIES = timeline.PARTIES


def add(
    con: duckdb.DuckDBPyConnection,
    principal: Principal,
    *,
    title: str,
    starts_on: date,
    party: str,
    description: str = "",
    ends_on: date | None = None,
    regions: list[str] | None = None,
    indicators: list[str] | None = None,
    areas: list[str] | None = None,
) -> int:
    """Save an event. A district's rapportör adds events for their own districts; an event
    for the whole city (no districts) needs a city-wide rapportör or an administratör."""
    cleaned = " ".join((title or "").split())
    if len(cleaned) < 3:
        raise RuleBroken("Sparades inte: ge händelsen en rubrik (minst tre tecken).")
    if len(cleaned) > 200:
        raise RuleBroken("Sparades inte: rubriken får vara högst 200 tecken.")
    if len(description or "") > 4000:
        raise RuleBroken("Sparades inte: beskrivningen får vara högst 4 000 tecken.")
    if not isinstance(starts_on, date):
        raise RuleBroken("Sparades inte: ange ett datum för händelsen.")
    if ends_on is not None and ends_on < starts_on:
        raise RuleBroken("Sparades inte: slutdatumet ligger före startdatumet.")
    if out_of_range(starts_on) or out_of_range(ends_on):
        raise RuleBroken(f"Sparades inte: händelsens datum ska vara {DATE_RANGE}.")
    if party not in PARTIES:
        raise RuleBroken("Sparades inte: välj stad, polis eller gemensamt.")
    catalogue = indicator_values.catalogue()
    codes = list(dict.fromkeys(regions or []))
    known = set(reference_data.regions(con, ("district",))["code"].astype(str))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise RuleBroken(f"Sparades inte: okänt stadsdelsområde {', '.join(unknown)}.")
    wrong = [i for i in indicators or [] if i not in catalogue.definitions]
    if wrong:
        raise RuleBroken(f"Sparades inte: okänd indikator {', '.join(wrong)}.")
    every_area = {a for agreement in catalogue.agreements for a, _ in catalogue.areas(agreement)}
    wrong = [a for a in areas or [] if a not in every_area]
    if wrong:
        raise RuleBroken(f"Sparades inte: okänt prioriterat område {', '.join(wrong)}.")
    values = {
        "title": cleaned,
        "description": (description or "").strip(),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "party": party,
        "regions": codes,
        "indicators": list(dict.fromkeys(indicators or [])),
        "areas": list(dict.fromkeys(areas or [])),
    }
    with guarded(con, principal, "events", codes or [indicator_values.CITY]):
        return store_events.add_event(con, values, principal.name)


def remove(con: duckdb.DuckDBPyConnection, principal: Principal, event_id: int) -> None:
    """Remove an event: the one who added it, or an administratör (kept, with who and when,
    in the log)."""
    found = store_events.event_owner(con, event_id)
    if found is None:
        raise RuleBroken("Händelsen finns inte (den kan redan vara borttagen).")
    owner, codes = found
    with guarded(con, principal, "events", codes or [indicator_values.CITY]):
        if owner != principal.name and principal.role != "administratör":
            raise RuleBroken(
                "Bara den som lade till händelsen, eller en administratör, kan ta bort den."
            )
        store_events.remove_event(con, event_id, principal.name)


def markers(indicator: str, region: str | None, until: int | None = None) -> list[Marker]:
    """The events and series breaks a chart of ``indicator`` for ``region`` shows (None: any
    region), oldest first, up to the year ``until``."""
    definition = indicator_values.catalogue().definitions[indicator]
    return timeline.markers(timeline_events(), definition, region, indicator_values.region_names(),
                            until)  # fmt: skip


def listed(indicator: str) -> list[Marker]:
    """Every event and series break that concerns ``indicator`` in any region (the list
    under a chart of every district), oldest first."""
    return markers(indicator, None)


@view("followup", max_entries=4)
def timeline_events() -> pd.DataFrame:
    """Every event on the time axis that is not removed (store.events)."""
    from store import events

    con = session.cursor()
    try:
        return events.events(con)
    finally:
        con.close()
