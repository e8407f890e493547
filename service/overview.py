"""The overview and the meeting: each priority area's verdict per district, the matrix's
cells, one slide of the meeting, what changed since the last saved meeting, and the comments
and assessments stored."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from catalogue.catalogue import CURRENT_AGREEMENT
from indicators import assessment
from indicators.results import inputs_of
from indicators.summaries import (
    GROUP_ORDER,
    by_region,
    group_counts,
    indicator_row,
)
from service import session
from service.indicator_values import (
    all_values,
    catalogue,
    district_options,
    fmt_value,
    region_names,
)
from service.readmodel import view
from store import followup


@view("catalogue", max_entries=1024)
def _overview_cells(
    indicator: str, codes: tuple[str, ...], inputs: str | None
) -> dict[str, dict[str, object]]:
    """One indicator's overview row for each region of ``codes``, kept while its figures are
    the same (``inputs``: what its frame was computed from, results.inputs_of): after a load
    only the indicators over the measures it holds are summarised again."""
    frame = all_values("today").get(indicator, pd.DataFrame())
    definition = catalogue().definitions[indicator]
    split = by_region(frame, list(codes))
    return {code: indicator_row(definition, frame, split.get(code, [])) for code in codes}


@view("data", "catalogue", max_entries=4)
def overview_rows(agreement: str = CURRENT_AGREEMENT) -> dict[str, dict[str, list]]:
    """Per region (today's districts and the city) and area: the rows of the overview."""
    frames = all_values("today")
    cat = catalogue()
    codes = tuple(district_options().values())
    cells = {i: _overview_cells(i, codes, inputs_of(f)) for i, f in frames.items()}
    return {  # frames holds every indicator of the catalogue (values_all)
        code: {
            area: [cells[i][code] for i in cat.indicators_for(area, agreement)]
            for area, _ in cat.areas(agreement)
        }
        for code in codes
    }


MATRIX_SYMBOLS = {"förbättring": "↗", "oförändrat": "→", "försämring": "↘", "mål nått": "✔"}


def matrix_cell(rows: list[dict[str, object]]) -> str:
    """A cell of the area × district matrix: how many indicators show each verdict ("↗1 →2"),
    "inga uppgifter" when none of the area's indicators has a value there, "–" when the area
    has no indicators."""
    if not rows:
        return "–"
    counts = group_counts(rows)
    shown = " ".join(f"{MATRIX_SYMBOLS[g]}{counts[g]}" for g in MATRIX_SYMBOLS if counts[g])
    return shown or "inga uppgifter"


@dataclass
class Slide:
    """One priority area for meeting mode: what the indicators show together, the group's
    latest assessment, and a card per indicator."""

    calculated: str
    counts: dict[str, int]
    judgement: str  # "delvis (2023): ..." or "" when the group has not assessed the area
    cards: list[dict[str, object]]


def slide(area: str, region_code: str, agreement: str = CURRENT_AGREEMENT) -> Slide:
    """Meeting mode's view of one area and region (the city or a district)."""
    rows = overview_rows(agreement)[region_code][area]
    judged = assessments()
    judgement = ""
    if not judged.empty:
        own = judged[
            (judged["area"] == area)
            & judged["indicator"].isna()
            & (judged["region_code"] == region_code)
        ]
        if not own.empty:
            latest = own.sort_values("year").iloc[-1]
            why = str(latest["justification"] or "").strip()
            judgement = f"{latest['judgement']} ({int(latest['year'])})" + (
                f": {why}" if why else ""
            )
    return Slide(
        calculated=assessment.calculated(str(r["status"]) for r in rows),
        counts=group_counts(rows),
        judgement=judgement,
        cards=rows,
    )


def _shown(row: dict) -> tuple[object, ...]:
    """What a reader sees of an overview row: year, the value as shown, and the status."""
    value = "skyddat" if row["suppressed"] else fmt_value(row["definition"], row["value"])
    return (row["year"], value, row["status"])


def changed_since_meeting(agreement: str = CURRENT_AGREEMENT) -> dict[tuple[str, str, str], str]:
    """In a run that shows a saved meeting: for each (region, area, indicator) whose year,
    value or status differs today, what it is today ("nu 2024: 12,5 %, ↗ förbättring")."""
    if session.AS_OF.get() is None:
        return {}
    then = overview_rows(agreement)
    token = session.AS_OF.set(None)
    try:
        now = overview_rows(agreement)
    finally:
        session.AS_OF.reset(token)
    changed: dict[tuple[str, str, str], str] = {}
    for region, areas in then.items():
        for area, rows in areas.items():
            today = {r["indicator"]: r for r in now.get(region, {}).get(area, [])}
            for row in rows:
                current = today.get(row["indicator"])
                if current is None or _shown(current) == _shown(row):
                    continue
                year, value, _ = _shown(current)
                changed[(region, area, row["indicator"])] = (
                    f"nu {year or '–'}: {value}, {str(current['label']).lower()}"
                )
    return changed


@view("followup", max_entries=64)
def comments(region_code: str | None = None, year: int | None = None) -> pd.DataFrame:
    con = session.cursor()
    try:
        return followup.comments(con, region_code, year)
    finally:
        con.close()


@view("followup", max_entries=16)
def assessments(year: int | None = None) -> pd.DataFrame:
    con = session.cursor()
    try:
        return followup.assessments(con, year)
    finally:
        con.close()


def count_line(rows: list[dict[str, object]]) -> str:
    """How many of an area's indicators are in each group ("2 förbättring · 1 oförändrat")."""
    counts = group_counts(rows)
    return " · ".join(f"{counts[g]} {g}" for g in GROUP_ORDER if counts[g])


@dataclass(frozen=True)
class FollowupNote:
    """An assessment or a comment made of a single indicator, as a page shows it."""

    label: str  # "Bedömning" or "Lägesbild"
    year: int
    place: str
    title: str  # the indicator's
    who: str
    body: str


def followup_notes(
    area: str, comments: pd.DataFrame, assessments: pd.DataFrame, indicator: str | None = None
) -> list[FollowupNote]:
    """The assessments and comments made of single indicators (of an area, or one indicator),
    newest year first, with who wrote them and (for an assessment) why."""
    titles = catalogue().definitions
    places = region_names()
    found = []
    for label, frame, text, by in (
        ("Bedömning", assessments, "judgement", "assessed_by"),
        ("Lägesbild", comments, "text", "written_by"),
    ):
        if frame.empty:
            continue
        mine = frame[frame["indicator"].notna() & (frame["area"] == area)]
        if indicator is not None:
            mine = mine[mine["indicator"] == indicator]
        for row in mine.sort_values("year", ascending=False).itertuples():
            body = str(getattr(row, text))
            why = str(getattr(row, "justification", "") or "").strip()
            found.append(
                FollowupNote(
                    label=label,
                    year=int(row.year),
                    place=places.get(str(row.region_code), str(row.region_code)),
                    title=titles[row.indicator].title if row.indicator in titles else row.indicator,
                    who=str(getattr(row, by)),
                    body=body + (f": {why}" if why else ""),
                )
            )
    return found


def latest_area_comment(comments: pd.DataFrame, area: str) -> dict[str, object] | None:
    """The newest situation picture written for an area as a whole (not for one indicator):
    its year, who wrote it and the text; None when there is none."""
    if comments.empty:
        return None
    mine = comments[(comments["area"] == area) & comments["indicator"].isna()]
    return None if mine.empty else mine.sort_values("year").iloc[-1].to_dict()


def region_assessments(region_code: str) -> pd.DataFrame:
    """Every assessment made for one region."""
    judged = assessments()
    return judged[judged["region_code"] == region_code] if not judged.empty else judged
