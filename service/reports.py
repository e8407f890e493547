"""The year-end summary: built from the store (statistics and follow-up) and rendered as
Word and Excel. The page's documents are a view of both the data and the follow-up, so a
saved assessment, action or comment is in the next download without a reload."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from datetime import date

import duckdb
import pandas as pd

from catalogue.catalogue import CURRENT_AGREEMENT
from report.build import LocalAreaPart, LocalPart, PlanPart, ReportsPart, YearEnd, build
from service import (
    action_plan,
    before_after,
    district_reports,
    indicator_values,
    local,
    local_coverage,
    meetings,
    session,
)
from service.readmodel import view
from store import followup, reference_data
from store import targets as store_targets
from store.regions import RegionResolver, UnknownRegionError
from store.snapshots import Meeting
from swedish.format import date_text

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
    con: duckdb.DuckDBPyConnection,
    year: int,
    region: str = "Stockholm",
    agreement: str = CURRENT_AGREEMENT,
) -> YearEnd:
    """The summary for a region given by name or code (UnknownRegionError otherwise)."""
    code = RegionResolver.from_store(con).resolve(region).region.code
    built = build(con, indicator_values.catalogue(), year, agreement=agreement, region_code=code)
    return with_plan(con, with_reports(con, with_before_after(con, with_local(con, built))))


def with_local(con: duckdb.DuckDBPyConnection, built: YearEnd) -> YearEnd:
    """The summary with its local level: a district's local agreement (a part per local
    area: the city-wide areas it serves, its indicators with the year's value, status and
    local target, the actions that serve it), or for the city the coverage matrix and the
    agreements due for revision by the end of next year."""
    agreements = local.every(con)
    actions = followup.actions(con)
    if built.region_code == indicator_values.CITY:
        return dataclasses.replace(built, local=_city_part(con, built, agreements, actions))
    agreement = agreements.get(built.region_code)
    if agreement is None:
        part = LocalPart(
            heading="Lokal samverkansöverenskommelse",
            facts=[f"{built.region_name} har ingen lokal överenskommelse registrerad."],
        )
        return dataclasses.replace(built, local=part)
    parts = _area_parts(con, built, agreement, actions)
    part = LocalPart(
        heading="Lokala prioriterade områden", facts=_agreement_facts(built, agreement), areas=parts
    )
    return dataclasses.replace(built, local=part)


def with_reports(
    con: duckdb.DuckDBPyConnection, built: YearEnd, today: date | None = None
) -> YearEnd:
    """The summary with the districts' reports of its year (issue 37): per reporting date
    which districts' reports are approved, submitted or returned but not approved
    (preliminary), handed in outside the app, or missing; and per area what the approved
    reports' steering groups assessed. A district's summary has its own reports only, and
    says so at the top when they are not all approved."""
    rows = district_reports.overview_rows(con, built.year, today or date.today())
    if built.region_code != indicator_values.CITY:
        rows = [r for r in rows if r.district == built.region_code]
    if not rows:
        return built
    facts = []
    by_date: dict[tuple[str, date], list[district_reports.OverviewRow]] = {}
    for row in rows:
        by_date.setdefault((row.title, row.due), []).append(row)
    for (title, due), found in by_date.items():
        groups: dict[str, list[str]] = {}
        for row in found:
            groups.setdefault(_group(row.state), []).append(row.district_name)
        facts.append(
            f"{title} ({date_text(due)}): "
            + "; ".join(
                f"{word} {len(groups[key])} av {len(found)} ({', '.join(groups[key])})"
                for key, word in REPORT_GROUPS.items()
                if groups.get(key)
            )
            + "."
        )
    said: list[list[str]] = []
    for report in district_reports.approved_reports(con, built.year):
        if built.region_code not in (indicator_values.CITY, report.district):
            continue
        for section in report.sections:
            texts = [report.text(section.key, f) for f in ("bedomning", "lagesbild", "orsaker")]
            if any(texts):
                said.append([section.title, report.district_name, f"{report.title}", *texts])
    order = {title: n for n, (_, title) in enumerate(indicator_values.catalogue().areas())}
    said.sort(key=lambda r: (order.get(r[0], len(order)), r[1]))
    waiting = [r for r in rows if r.state not in ("godkänd", district_reports.MARKED)]
    preliminary = ""
    if built.region_code != indicator_values.CITY and waiting:
        preliminary = (
            f"Preliminärt: {built.region_name}s "
            + " och ".join(f"{r.title.lower()} ({r.word})" for r in waiting)
            + " är inte godkänd av beredningsgruppen; bedömningarna är stadsdelsområdets egna."
        )
    part = ReportsPart(
        heading="Stadsdelsområdenas rapporter till beredningsgruppen",
        facts=facts,
        # A row per district, a column per reporting date (the city's eleven rows fit a page).
        header=["Stadsdelsområde", *(f"{t} ({date_text(d)})" for t, d in by_date)],
        rows=[
            [name, *(district_reports.SHORT_WORDS[r.state] for r in found)]
            for name, found in _by_district(rows).items()
        ],
        said_header=["Område", "Stadsdelsområde", "Rapport", "Bedömning", "Lägesbild", "Orsaker"],
        said=said,
        preliminary=preliminary,
    )
    return dataclasses.replace(built, reports=part)


def with_before_after(con: duckdb.DuckDBPyConnection, built: YearEnd) -> YearEnd:
    """Each area with its region's actions (started by the end of the year, with indicators)
    and their indicators before and after the start, the caveat last (issue 37)."""
    actions = followup.actions(con)
    if actions.empty:
        return built
    mine = actions[actions["region_code"].astype(str) == built.region_code]
    years = before_after.years_on(con)
    sections = []
    for section in built.sections:
        lines = []
        for row in mine[mine["area"].astype(str) == section.area].itertuples():
            if pd.isna(row.start_date) or pd.Timestamp(row.start_date).year > built.year:
                continue
            for found in before_after.for_action(row._asdict(), built.year, years):
                lines.append(
                    f"{row.title} (start {pd.Timestamp(row.start_date).date().isoformat()}), "
                    f"{found.title}: {before_after.said(found.before, found.after)}: "
                    f"{found.finding}."
                )
        if lines:
            lines.append(before_after.CAVEAT)
        sections.append(dataclasses.replace(section, before_after=lines))
    return dataclasses.replace(built, sections=sections)


def with_plan(con: duckdb.DuckDBPyConnection, built: YearEnd) -> YearEnd:
    """The summary with the plan for the year after (the city's only): the handlingsplan's
    version for that year (a draft says so), else that it is not begun."""
    if built.region_code != indicator_values.CITY:
        return built
    following = built.year + 1
    saved = action_plan.read(con, following)
    if saved is None:
        part = PlanPart(
            heading=f"Handlingsplan för {following}",
            state=f"Handlingsplanen för {following} är inte påbörjad (påbörjas på sidan "
            "Handlingsplan).",
        )
        return dataclasses.replace(built, plan=part)
    rows = []
    for area in saved.areas:
        actions = action_plan.commitments(con, following, area.area)
        rows.append(
            [
                area.title,
                area.goal or "Inget mål skrivet ännu.",
                "; ".join(action_plan.indicator_titles(area.indicators)) or "–",
                area.responsible or "–",
                "; ".join(f"{c.title} ({c.district})" for c in actions) or "Inga åtgärder ännu.",
            ]
        )
    state = (
        f"Handlingsplanen för {following}: {action_plan.plan_state_word(saved)}."
        if saved.adopted
        else f"Handlingsplanen för {following} är ett utkast, inte fastställd (version "
        f"{saved.version}, {saved.saved_by})."
    )
    if saved.example:
        state += " Exempeldata: målen och de ansvariga är påhittade för demonstrationen."
    part = PlanPart(
        heading=f"Handlingsplan för {following}",
        state=state,
        header=["Område", "Mål", "Mäts med", "Ansvariga", "Åtaganden"],
        rows=rows,
    )
    return dataclasses.replace(built, plan=part)


def _by_district(
    rows: list[district_reports.OverviewRow],
) -> dict[str, list[district_reports.OverviewRow]]:
    found: dict[str, list[district_reports.OverviewRow]] = {}
    for row in sorted(rows, key=lambda r: (r.district_name, r.due)):
        found.setdefault(row.district_name, []).append(row)
    return found


# How the year-end groups the reports' states (issue 37), in the order it names them.
REPORT_GROUPS = {
    "godkänd": "godkända",
    "väntar": "inskickade eller återsända, inte godkända (preliminära)",
    "utanför": "markerade klara i årshjulet (inlämnade utanför appen)",
    "utkast": "påbörjade, inte inskickade",
    "saknas": "saknas",
}


def _group(state: str) -> str:
    if state == "godkänd":
        return "godkänd"
    if state in ("inskickad", "återsänd"):
        return "väntar"
    if state == district_reports.MARKED:
        return "utanför"
    if state == "utkast":
        return "utkast"
    return "saknas"


def _city_part(
    con: duckdb.DuckDBPyConnection,
    built: YearEnd,
    agreements: dict[str, local.Agreement],
    actions: pd.DataFrame,
) -> LocalPart:
    """For the city: how the districts' local agreements cover the city-wide areas, and the
    revisions due by the end of next year."""
    register = reference_data.regions(con, ("district",))
    current = register[register["valid_to"].isna()].sort_values("name")
    districts = dict(zip(current["name"], current["code"].astype(str), strict=True))
    frame = local_coverage.coverage_rows(agreements, actions, districts)
    wide = local.city_areas()
    examples = {c for c, a in agreements.items() if a.is_example}
    due_by = date(built.year + 1, 12, 31)
    revisions = [
        f"{name}: "
        + (
            "ingen lokal överenskommelse registrerad"
            if when is None
            else f"revideras senast {date_text(when)}"
        )
        for name, when in local_coverage.revisions_due(agreements, due_by, districts)
    ]
    part = LocalPart(
        heading="Lokala överenskommelser: täckning och revision",
        facts=[
            f"{len([c for c in districts.values() if c in agreements])} av {len(districts)} "
            "stadsdelsområden har en lokal överenskommelse registrerad.",
            "De stadsövergripande områdena i tabellen: "
            + "; ".join(f"{n}. {title}" for n, title in enumerate(wide.values(), start=1))
            + ".",
            *(
                [
                    "Exempeldata (påhittade överenskommelser för demonstration): "
                    + ", ".join(n for n, c in districts.items() if c in examples)
                    + "."
                ]
                if examples
                else []
            ),
        ],
        # The areas by number (their names in the line above): the table fits A4.
        coverage_header=[
            "Stadsdelsområde",
            "Lokal överenskommelse",
            *(f"{n}." for n in range(1, len(wide) + 1)),
        ],
        coverage_rows=frame[["Stadsdelsområde", "Lokal överenskommelse", *wide.values()]]
        .astype(str)
        .values.tolist(),
        revisions=revisions or [f"Ingen ska revideras före utgången av {built.year + 1}."],
    )
    return part


def _area_parts(
    con: duckdb.DuckDBPyConnection,
    built: YearEnd,
    agreement: local.Agreement,
    actions: pd.DataFrame,
) -> list[LocalAreaPart]:
    """A part per local area: what it serves, its indicators' year with the district's own
    targets, and the actions that serve it."""
    wide = local.city_areas()
    catalogue = indicator_values.catalogue()
    lines = {ln.indicator: ln for s in built.sections for ln in s.lines}
    targets = store_targets.targets(con)
    by_area = local_coverage.actions_by_local_area(actions, built.region_code)
    parts = []
    for area in agreement.areas:
        rows = []
        for indicator in area.indicators:
            line = lines.get(indicator)
            definition = catalogue.definitions.get(indicator)
            own = (
                targets[
                    (targets["indicator"] == indicator) & (targets["scope"] == built.region_code)
                ]
                if not targets.empty
                else targets
            )
            rows.append(
                [
                    definition.title if definition else indicator,
                    str(built.year),
                    line.value if line else "–",
                    line.status if line else "ingår inte i årets indikatorer",
                    "; ".join(
                        f"{indicator_values.fmt_value(definition, v)} år {int(y)}"
                        for v, y in zip(own["value"], own["target_year"], strict=True)
                    )
                    if definition is not None and not own.empty
                    else "–",
                ]
            )
        serving = by_area.get(area.key)
        parts.append(
            LocalAreaPart(
                title=area.title,
                serves=(
                    "Tjänar de stadsövergripande områdena: "
                    + "; ".join(wide.get(a, a) for a in area.city_areas)
                    + "."
                    if area.city_areas
                    else "Endast lokalt: tjänar inget av de fem stadsövergripande områdena."
                ),
                description=area.description,
                rows=rows,
                actions=[
                    f"{t} ({s})" for t, s in zip(serving["title"], serving["status"], strict=True)
                ]
                if serving is not None
                else [],
            )
        )
    return parts


def _agreement_facts(built: YearEnd, agreement: local.Agreement) -> list[str]:
    """The agreement's parties, validity, revision, steering group and the year's meetings."""
    police = ", ".join(
        local.police_areas()[c].name if c in local.police_areas() else c
        for c in agreement.police_areas
    )
    facts = [
        f"{agreement.title}: {built.region_name}s stadsdelsförvaltning och {police}. Gäller "
        f"från {date_text(agreement.valid_from)}"
        + (f" till {date_text(agreement.valid_to)}" if agreement.valid_to else "")
        + f"; revideras senast {date_text(agreement.revision_date)} (version "
        f"{agreement.version})."
    ]
    if agreement.members:
        facts.append(
            "Lokal styrgrupp: " + "; ".join(f"{m.name} ({m.role})" for m in agreement.members) + "."
        )
    meetings_held = [m for m in agreement.meetings if m.meeting_date.year == built.year]
    if meetings_held:
        facts.append(
            f"Styrgruppens möten {built.year}: "
            + ", ".join(date_text(m.meeting_date) for m in meetings_held)
            + "."
        )
    return facts


def render(summary: YearEnd, suffix: str, author: str | None = None) -> bytes:
    """Word (".docx", its author ``author`` or the organisation) or Excel (".xlsx")."""
    # Imported here, each when asked for: a page view needs neither python-docx nor openpyxl.
    if suffix == ".docx":
        from report import render_docx

        return render_docx.render(summary, author)
    from report import render_xlsx

    return render_xlsx.render(summary)


@view("data", "followup", "catalogue", max_entries=16)
def summary(year: int, region_code: str, agreement: str) -> YearEnd:
    """The summary the page shows (as of the meeting shown, if one is)."""
    con = session.cursor()
    try:
        built = build(
            con, indicator_values.catalogue(), year, agreement=agreement, region_code=region_code
        )
        built = with_local(con, built)
        built = with_plan(con, with_reports(con, with_before_after(con, built)))
    finally:
        con.close()
    shown = meetings.shown()
    return built if shown is None else as_of_meeting(built, shown)


@view("data", "catalogue", max_entries=16)
def latest_year(region_code: str, agreement: str) -> int | None:
    """The last year for which an indicator of ``agreement`` has a value covering the whole
    year for the region (a part of a year is not a year to sum up); None without any."""
    catalogue = indicator_values.catalogue()
    wanted = {
        i
        for area, _ in catalogue.areas(agreement)
        for i in catalogue.indicators_for(area, agreement)
    }
    years = []
    for indicator, frame in indicator_values.all_values().items():
        if indicator not in wanted or frame.empty:
            continue
        rows = frame[(frame["region_code"] == region_code) & frame["value"].notna()]
        rows = rows[rows["n_months"].fillna(12) >= 12]
        if not rows.empty:
            years.append(int(rows["year"].max()))
    return max(years, default=None)


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
