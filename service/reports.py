"""The year-end summary: built from the store (statistics and follow-up) and rendered as
Word and Excel. The page's documents are a view of both the data and the follow-up, so a
saved assessment, action or comment is in the next download without a reload."""

from __future__ import annotations

import dataclasses

import duckdb

from indicators.format import date_text
from report import render_docx, render_xlsx
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


def render(summary: YearEnd, suffix: str) -> bytes:
    return (render_docx if suffix == ".docx" else render_xlsx).render(summary)


@view("data", "followup", "catalogue", max_entries=16)
def documents(year: int, region_code: str, agreement: str) -> tuple[bytes, bytes, list]:
    """Word, Excel and the per-area overview of the page."""
    con = session.cursor()
    try:
        summary = build(con, views.catalogue(), year, agreement=agreement, region_code=region_code)
    finally:
        con.close()
    shown = meetings.shown()
    if shown is not None:
        summary = as_of_meeting(summary, shown)
    overview = [(s.title, s.calculated, s.judgement or "ej bedömt") for s in summary.sections]
    return render_docx.render(summary), render_xlsx.render(summary), overview


@view("data", "followup", "catalogue", max_entries=16)
def area_overview(year: int, region_code: str, agreement: str) -> list[tuple[str, str, str]]:
    """Per priority area: its title, what the indicators show and the judgement (no
    documents rendered)."""
    con = session.cursor()
    try:
        summary = build(con, views.catalogue(), year, agreement=agreement, region_code=region_code)
    finally:
        con.close()
    return [(s.title, s.calculated, s.judgement or "ej bedömt") for s in summary.sections]


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
