"""The year-end summary: built from the store (statistics and follow-up) and rendered as
Word and Excel. The page's documents are a view of both the data and the follow-up, so a
saved assessment, action or comment is in the next download without a reload."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable

import duckdb

from indicators.format import date_text
from report.build import YearEnd, build
from service import meetings, session, views
from service.readmodel import view
from store.regions import RegionResolver, UnknownRegionError
from store.snapshots import Meeting

__all__ = ["UnknownRegionError", "YearEnd"]


def as_of_meeting(summary: YearEnd, meeting: Meeting) -> YearEnd:
    """The summary marked as showing a saved meeting's figures."""
    return dataclasses.replace(
        summary,
        as_of=(
            f"Läget vid mötet ”{meeting.name}” ({date_text(meeting.meeting_date)}): siffror, "
            "status och bedömningar som de var när mötet sparades "
            f"({meeting.saved_at:%Y-%m-%d %H:%M}). Senare inläsningar och ändringar finns inte "
            "med."
        ),
    )


def year_end(
    con: duckdb.DuckDBPyConnection, year: int, region: str = "Stockholm", agreement: str = "2024"
) -> YearEnd:
    """The summary for a region given by name or code (UnknownRegionError otherwise)."""
    code = RegionResolver.from_store(con).resolve(region).region.code
    return build(con, views.catalogue(), year, agreement=agreement, region_code=code)


def render(summary: YearEnd, suffix: str, author: str | None = None) -> bytes:
    """Word (".docx", its author ``author`` or the organisation) or Excel (".xlsx")."""
    # Imported here: the Word renderer brings matplotlib, which a page view does not need.
    from report import render_docx, render_xlsx

    if suffix == ".docx":
        return render_docx.render(summary, author)
    return render_xlsx.render(summary)


@view("data", "followup", "catalogue", max_entries=16)
def summary(year: int, region_code: str, agreement: str) -> YearEnd:
    """The summary the page shows (as of the meeting shown, if one is)."""
    con = session.cursor()
    try:
        built = build(con, views.catalogue(), year, agreement=agreement, region_code=region_code)
    finally:
        con.close()
    shown = meetings.shown()
    return built if shown is None else as_of_meeting(built, shown)


def area_overview(year: int, region_code: str, agreement: str) -> list[tuple[str, str, str]]:
    """Per priority area: its title, what the indicators show and the judgement."""
    return [
        (s.title, s.calculated, s.judgement or "ej bedömt")
        for s in summary(year, region_code, agreement).sections
    ]


_RENDERED: dict[tuple[int, str, str | None], tuple[YearEnd, bytes]] = {}
_RENDERED_LOCK = threading.Lock()


def rendered(built: YearEnd, suffix: str, author: str | None = None) -> bytes:
    """The summary as Word (".docx") or Excel (".xlsx"), rendered once per summary: the page
    hands this to its download buttons as a callable, so a document is built only when its
    button is pressed (in Streamlit's thread, outside the script run)."""
    key = (id(built), suffix, author)
    with _RENDERED_LOCK:
        hit = _RENDERED.get(key)
    if hit is not None and hit[0] is built:
        return hit[1]
    data = render(built, suffix, author)
    with _RENDERED_LOCK:
        if len(_RENDERED) >= 8:
            _RENDERED.pop(next(iter(_RENDERED)))
        _RENDERED[key] = (built, data)
    return data


def downloads(
    built: YearEnd, author: str | None = None
) -> tuple[Callable[[], bytes], Callable[[], bytes]]:
    """Word (by ``author``, the signed-in user) and Excel of a summary, each built when its
    button is pressed."""
    return (lambda: rendered(built, ".docx", author)), (lambda: rendered(built, ".xlsx"))


def changed_since_meeting(year: int, region_code: str, agreement: str) -> dict[str, str]:
    """In a run that shows a saved meeting: per area whose calculated status or judgement is
    different today, what it is today."""
    if session.AS_OF.get() is None:
        return {}
    then = {t: (c, j) for t, c, j in area_overview(year, region_code, agreement)}
    token = session.AS_OF.set(None)
    try:
        now = {t: (c, j) for t, c, j in area_overview(year, region_code, agreement)}
    finally:
        session.AS_OF.reset(token)
    return {
        title: f"nu: indikatorerna visar {now[title][0].lower()}, bedömning {now[title][1]}"
        for title in then
        if title in now and now[title] != then[title]
    }
