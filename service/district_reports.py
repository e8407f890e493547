"""The districts' reports to the beredningsgrupp (issue 37): for each reporting date of the
årshjul a district's rapportör writes the report (per city-wide area and local area: the
lägesbild with the figures pre-filled from the indicators, what staff and residents report, the
cause analysis, the status of the actions and the group's assessment) and submits it; the
beredningsgrupp returns it with comments or approves it. Every step is a new version, through
the guarded path and audited. The figures a version cites are stored with it as they stood
when it was saved, so an approved report never changes with later loads; a report that is not
approved is preliminary wherever it shows."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb
import pandas as pd

from access.roles import REVIEW, Principal
from catalogue.arshjul import due_day, report_key
from service import before_after, calendar, district, indicator_values, local, session
from service.readmodel import view
from service.writes import RuleBroken, authorise, guarded, may
from store import district_reports as store_reports
from store import followup as store_followup
from store import local as store_local
from store import reference_data
from swedish.format import date_text

# The states of a report, and the words the pages, the årshjul and the documents use.
STATES = {
    "utkast": "utkast",
    "inskickad": "inskickad",
    "återsänd": "återsänd med kommentarer",
    "godkänd": "godkänd",
}
# The states of a reporting date's report in the overview (no report yet, or handed in
# outside the app: marked done in the årshjul before the reports were written here).
MISSING = "saknas"
LATE = "försenad"
MARKED = "markerad klar"
# The same in a few words, for tables (the overview, the year-end).
SHORT_WORDS = {
    "utkast": "Utkast",
    "inskickad": "Inskickad, ej godkänd",
    "återsänd": "Återsänd",
    "godkänd": "Godkänd",
    MISSING: "Ej påbörjad",
    LATE: "Saknas (försenad)",
    MARKED: "Klar utanför appen",
}
OVERVIEW_WORDS = {
    **STATES,
    MISSING: "inte påbörjad",
    LATE: "försenad",
    MARKED: "markerad klar i årshjulet (inlämnad utanför appen)",
}
# What a district writes per section, in the order the page and the documents show it.
FIELDS = {
    "lagesbild": "Lägesbild: vad personal och invånare rapporterar",
    "orsaker": "Orsaksanalys",
    "atgarder": "Åtgärdernas status",
    "bedomning": "Lokala styrgruppens bedömning",
}
MAX_TEXT = 20_000
PRELIMINARY = "Preliminärt: rapporten är inte godkänd av beredningsgruppen."
BEFORE_AFTER_CAVEAT = before_after.CAVEAT


@dataclass(frozen=True)
class Section:
    key: str  # "stad:<area id>" or "lokal:<local area key>"
    title: str
    local: bool  # a local priority area of the district's agreement
    serves: str = ""  # a local area: the city-wide areas it serves


@dataclass(frozen=True)
class Figure:
    """One line of a section's lägesbild as it stood when the report was saved."""

    section: str
    indicator: str
    title: str
    period: str
    value: str
    interval: str
    city: str
    verdict: str
    comparison: str

    def sentence(self) -> str:
        value = self.value + (f" ({self.interval})" if self.interval else "")
        said = f"{self.title}, {self.period}: {value}; staden {self.city}."
        if self.verdict:
            said += f" {self.verdict[:1].upper()}{self.verdict[1:]}"
            said += f" ({self.comparison})." if self.comparison else "."
        return said


@dataclass(frozen=True)
class Effect:
    """Did it help? An action of the section, one indicator before and after its start, as
    it stood when the report was saved."""

    section: str
    action: str  # "Fritidsgård i Tensta (start 2024-03-01)"
    indicator: str  # the indicator's title
    before: str
    after: str
    finding: str

    def sentence(self) -> str:
        return f"{self.action}, {self.indicator}: {before_after.said(self.before, self.after)}" + (
            f": {self.finding}."
        )


@dataclass(frozen=True)
class Version:
    version: int
    state: str
    saved_by: str
    saved_at: datetime
    comments: str = ""  # a return's comments, "area: text; …" (kept after the approval)


@dataclass(frozen=True)
class Report:
    """A district's report for one reporting date: its newest version (or none yet)."""

    item: str
    year: int
    report: str  # the årshjul's report key (halvar, arsunderlag)
    title: str
    due: date
    district: str
    district_name: str
    sections: tuple[Section, ...]
    state: str | None = None  # None: not started
    version: int = 0
    body: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    figures: tuple[Figure, ...] = ()
    comments: Mapping[str, str] = field(default_factory=dict)
    saved_by: str = ""
    saved_at: datetime | None = None
    history: tuple[Version, ...] = ()
    effects: tuple[Effect, ...] = ()

    @property
    def preliminary(self) -> bool:
        return self.state != "godkänd"

    @property
    def editable(self) -> bool:
        return self.state in (None, "utkast", "återsänd")

    def text(self, section: str, name: str) -> str:
        return str(self.body.get(section, {}).get(name, ""))

    def figures_of(self, section: str) -> list[Figure]:
        return [f for f in self.figures if f.section == section]

    def effects_of(self, section: str) -> list[Effect]:
        return [e for e in self.effects if e.section == section]


def _district_name(con: duckdb.DuckDBPyConnection, code: str) -> str:
    return reference_data.region_names(con).get(code, code)


def _plan(year: int, report: str) -> tuple[str, date]:
    for planned in calendar.config().plan(year).reports:
        if planned.key == report:
            return planned.title, due_day(year, planned.due)
    raise RuleBroken(f"Årshjulet har ingen rapport {report!r} år {year}.")


def parse_item(item: str) -> tuple[int, str, str]:
    """The year, report key and district of an item ``rapport:YEAR:KEY:DISTRICT``."""
    parts = item.split(":")
    if len(parts) != 4 or parts[0] != "rapport" or not parts[1].isdigit():
        raise RuleBroken(f"Sparades inte: {item} är ingen rapport i årshjulet.")
    return int(parts[1]), parts[2], parts[3]


def sections(con: duckdb.DuckDBPyConnection, code: str) -> tuple[Section, ...]:
    """The city-wide areas of the agreement in force, then the local areas of the district's
    local agreement (each with the city-wide areas it serves)."""
    definitions = indicator_values.catalogue()
    wide = dict(definitions.areas())
    found = [Section(f"stad:{area}", title, False) for area, title in wide.items()]
    agreement = local.current(con, code)
    for area in agreement.areas if agreement else ():
        serves = (
            "endast lokalt"
            if area.local_only
            else "; ".join(wide.get(a, a) for a in area.city_areas)
        )
        found.append(Section(f"lokal:{area.key}", area.title, True, serves))
    return tuple(found)


def current_figures(con: duckdb.DuckDBPyConnection, code: str) -> tuple[Figure, ...]:
    """The lägesbild's figures as they stand now: the district's indicator rows (value,
    period, interval, the city's, the verdict and what it compared with), under their
    city-wide area and under each local area that follows the indicator."""
    rows = [r for r in district.situation(code) if r.status or r.value not in ("", "–")]
    found = [_figure(f"stad:{r.area}", r) for r in rows]
    agreement = local.current(con, code)
    by_indicator = {r.indicator: r for r in rows}
    for area in agreement.areas if agreement else ():
        found += [
            _figure(f"lokal:{area.key}", by_indicator[i])
            for i in area.indicators
            if i in by_indicator
        ]
    return tuple(found)


def _figure(section: str, row: district.IndicatorRow) -> Figure:
    return Figure(
        section,
        row.indicator,
        row.title,
        row.period,
        row.value,
        row.interval,
        row.city,
        row.verdict,
        row.comparison,
    )


def current_effects(con: duckdb.DuckDBPyConnection, code: str) -> tuple[Effect, ...]:
    """The district's started actions with indicators, each indicator before and after the
    start, under the action's city-wide area and its local area."""
    actions = store_followup.actions(con)
    if actions.empty:
        return ()
    found = []
    years = before_after.years_on(con)
    for row in actions[actions["region_code"].astype(str) == code].itertuples():
        if pd.isna(row.start_date):
            continue
        named = f"{row.title} (start {pd.Timestamp(row.start_date).date().isoformat()})"
        places = [f"stad:{row.area}"]
        if isinstance(row.local_area, str) and row.local_area:
            places.append(f"lokal:{row.local_area}")
        for compared in before_after.for_action(row._asdict(), years=years):
            for place in places:
                found.append(
                    Effect(
                        place,
                        named,
                        compared.title,
                        compared.before,
                        compared.after,
                        compared.finding,
                    )
                )
    return tuple(found)


def _cited(figures: tuple[Figure, ...], effects: tuple[Effect, ...]) -> str:
    """What a version cites, as stored: its figures and the actions' before and after."""
    return json.dumps(
        {"figures": [f.__dict__ for f in figures], "effects": [e.__dict__ for e in effects]},
        ensure_ascii=False,
    )


def action_status(con: duckdb.DuckDBPyConnection, code: str, section: Section) -> str:
    """The district's actions of a section and their status, one line each (the text the
    report's "Åtgärdernas status" starts from)."""
    actions = store_followup.actions(con)
    if actions.empty:
        return ""
    mine = actions[actions["region_code"].astype(str) == code]
    if section.local:
        key = section.key.removeprefix("lokal:")
        mine = mine[mine["local_area"].fillna("").astype(str) == key]
    else:
        mine = mine[mine["area"].astype(str) == section.key.removeprefix("stad:")]
    lines = []
    for row in mine.itertuples():
        end = (
            f", till {pd.Timestamp(row.end_date).date().isoformat()}"
            if pd.notna(row.end_date)
            else ""
        )
        lines.append(f"- {row.title}: {row.status}{end}")
    return "\n".join(lines)


def read(con: duckdb.DuckDBPyConnection, item: str) -> Report:
    """A report as the store holds it now (its newest version, or an empty one)."""
    year, report, code = parse_item(item)
    title, due = _plan(year, report)
    frame = store_reports.versions(con, item)
    shell = Report(
        item, year, report, title, due, code, _district_name(con, code), sections(con, code)
    )
    if frame.empty:
        return shell
    last = frame.iloc[-1]
    titles = {s.key: s.title for s in shell.sections}
    history = tuple(
        Version(
            int(r.version),
            str(r.state),
            str(r.saved_by),
            pd.Timestamp(r.saved_at).to_pydatetime(),
            "; ".join(
                f"{titles.get(k, k) if k else 'Hela rapporten'}: {v}"
                for k, v in json.loads(str(r.comments) or "{}").items()
            )
            if str(r.state) == "återsänd"
            else "",
        )
        for r in frame.itertuples()
    )
    cited = json.loads(str(last["figures"]))
    figures = tuple(Figure(**f) for f in cited.get("figures", []))
    effects = tuple(Effect(**e) for e in cited.get("effects", []))
    return Report(
        item,
        year,
        report,
        title,
        due,
        code,
        shell.district_name,
        shell.sections,
        str(last["state"]),
        int(last["version"]),
        json.loads(str(last["body"])),
        figures,
        json.loads(str(last["comments"]) or "{}"),
        str(last["saved_by"]),
        pd.Timestamp(last["saved_at"]).to_pydatetime(),
        history,
        effects,
    )


def _clean(body: Mapping[str, Mapping[str, str]], known: tuple[Section, ...]) -> dict:
    keys = {s.key: s for s in known}
    cleaned: dict[str, dict[str, str]] = {}
    for section, texts in body.items():
        if section not in keys:
            raise RuleBroken(f"Sparades inte: avsnittet {section} finns inte i rapporten.")
        for name, text in texts.items():
            if name not in FIELDS:
                raise RuleBroken(f"Sparades inte: fältet {name} finns inte i rapporten.")
            text = str(text or "").strip()
            if len(text) > MAX_TEXT:
                raise RuleBroken(
                    f"Sparades inte: {keys[section].title}, {FIELDS[name]} har "
                    f"{len(text)} tecken; högst {MAX_TEXT} får plats."
                )
            if text:
                cleaned.setdefault(section, {})[name] = text
    return cleaned


def _unchanged_since(report: Report, seen_version: int | None) -> None:
    """Refuse a write made on an older version than the store's (another user saved,
    submitted, returned or approved it after the page was drawn)."""
    if seen_version is not None and seen_version != report.version:
        raise RuleBroken(
            f"Sparades inte: rapporten har ändrats sedan du öppnade den (nu version "
            f"{report.version}, {STATES.get(report.state or '', 'ny')}, av {report.saved_by}). "
            "Läs in sidan igen och gör ändringen på nytt."
        )


def _detail(report: Report, what: str) -> str:
    return f"{report.title} {report.year}, {report.district_name}: {what}"


def save(
    con: duckdb.DuckDBPyConnection,
    principal: Principal,
    item: str,
    body: Mapping[str, Mapping[str, str]],
    seen_version: int | None = None,
    submit: bool = False,
) -> Report:
    """Save the district's draft (``submit``: and hand it in to the beredningsgrupp): the
    district's rapportör or an administratör, while the report is a draft or returned. The
    figures are those of the store now, kept with the version."""
    report = read(con, item)
    # Who first (refused and logged whatever the report's state), then the report's rules.
    authorise(con, principal, "reports", [report.district])
    _unchanged_since(report, seen_version)
    if not report.editable:
        raise RuleBroken(
            f"Sparades inte: rapporten är {STATES[report.state or '']} och kan inte ändras"
            + (" (en godkänd rapport är fryst)." if report.state == "godkänd" else ".")
        )
    cleaned = _clean(body, report.sections)
    if submit:
        missing = [
            s.title
            for s in report.sections
            if not s.local and not cleaned.get(s.key, {}).get("bedomning")
        ]
        if missing:
            raise RuleBroken(
                "Sparades inte: skriv styrgruppens bedömning för "
                + "; ".join(missing)
                + " innan rapporten skickas in."
            )
    figures = current_figures(con, report.district)
    effects = current_effects(con, report.district)
    state = "inskickad" if submit else "utkast"
    with guarded(con, principal, "reports", [report.district]):
        store_reports.add_version(
            con,
            item,
            report.district,
            state,
            json.dumps(cleaned, ensure_ascii=False),
            _cited(figures, effects),
            json.dumps(dict(report.comments), ensure_ascii=False),
            principal.name,
            "rapport inskickad" if submit else "rapport sparad",
            _detail(report, "inskickad" if submit else "utkast sparat"),
        )
    return read(con, item)


def review(
    con: duckdb.DuckDBPyConnection,
    principal: Principal,
    item: str,
    approve: bool,
    comments: Mapping[str, str],
    seen_version: int | None = None,
) -> Report:
    """Return a submitted report with comments (per section, and "" for the whole report),
    or approve it: the beredningsgrupp or an administratör. An approval freezes the
    submitted text and the figures it cited."""
    report = read(con, item)
    authorise(con, principal, REVIEW, [report.district])
    _unchanged_since(report, seen_version)
    if report.state != "inskickad":
        raise RuleBroken(
            "Sparades inte: bara en inskickad rapport kan granskas; den här är "
            + (STATES[report.state] if report.state else "inte påbörjad")
            + "."
        )
    known = {"", *(s.key for s in report.sections)}
    kept = {k: str(v).strip() for k, v in comments.items() if str(v or "").strip()}
    unknown = set(kept) - known
    if unknown:
        raise RuleBroken(f"Sparades inte: avsnittet {sorted(unknown)[0]} finns inte i rapporten.")
    if not approve and not kept:
        raise RuleBroken(
            "Sparades inte: skriv minst en kommentar som säger vad stadsdelsområdet ska ändra "
            "innan rapporten återsänds."
        )
    too_long = [k for k, v in kept.items() if len(v) > MAX_TEXT]
    if too_long:
        raise RuleBroken(f"Sparades inte: en kommentar har mer än {MAX_TEXT} tecken.")
    state = "godkänd" if approve else "återsänd"
    with guarded(con, principal, REVIEW, [report.district]):
        store_reports.add_version(
            con,
            item,
            report.district,
            state,
            json.dumps(dict(report.body), ensure_ascii=False),
            _cited(report.figures, report.effects),
            json.dumps(kept, ensure_ascii=False),
            principal.name,
            "rapport godkänd" if approve else "rapport återsänd",
            _detail(report, "godkänd" if approve else "återsänd med kommentarer"),
        )
    return read(con, item)


@dataclass(frozen=True)
class OverviewRow:
    item: str
    district: str
    district_name: str
    report: str
    title: str
    due: date
    state: str  # a key of OVERVIEW_WORDS
    version: int
    by: str
    at: datetime | None

    @property
    def word(self) -> str:
        return OVERVIEW_WORDS[self.state]


def overview_rows(
    con: duckdb.DuckDBPyConnection,
    year: int,
    today: date,
    districts: Mapping[str, str] | None = None,
) -> list[OverviewRow]:
    """Every district's report of every reporting date of ``year``, with its state: the
    report's own state, else "markerad klar" (the årshjul's mark), "försenad" after the
    date or "saknas" before it."""
    if districts is None:
        register = reference_data.regions(con, ("district",))
        current = register[register["valid_to"].isna()]
        districts = dict(zip(current["code"].astype(str), current["name"], strict=True))
    newest = {str(r.item): r for r in store_reports.newest(con, f"rapport:{year}:").itertuples()}
    # Marked done in the årshjul by ``today`` (as the årshjul counts a mark: from its date).
    marks = store_local.done(con)
    marked = {str(r.item) for r in marks.itertuples() if pd.Timestamp(r.done_on).date() <= today}
    rows = []
    for planned in calendar.config().plan(year).reports:
        due = due_day(year, planned.due)
        for code, name in sorted(districts.items(), key=lambda kv: kv[1]):
            item = report_key(year, planned.key, code)
            found = newest.get(item)
            if found is not None:
                state, version = str(found.state), int(found.version)
                by, at = str(found.saved_by), pd.Timestamp(found.saved_at).to_pydatetime()
            else:
                state = MARKED if item in marked else LATE if due < today else MISSING
                version, by, at = 0, "", None
            if state == "utkast" and due < today:
                state = LATE
            rows.append(
                OverviewRow(
                    item, code, name, planned.key, planned.title, due, state, version, by, at
                )
            )
    return rows


def approved_reports(con: duckdb.DuckDBPyConnection, year: int) -> list[Report]:
    """The approved reports of ``year`` (the year-end is compiled from them)."""
    found = store_reports.newest(con, f"rapport:{year}:")
    return [read(con, str(r.item)) for r in found.itertuples() if str(r.state) == "godkänd"]


def when(at: datetime | None) -> str:
    return "" if at is None else f"{date_text(at.date())} {at:%H:%M}"


def offered(principal: Principal | None, report: Report) -> tuple[bool, bool]:
    """Whether ``principal`` may write (and submit) the report, and review it (what the page
    offers; the write path checks again)."""
    who = principal or Principal("demo", "administratör")
    return (
        report.editable and may(who, "reports", [report.district]),
        report.state == "inskickad" and may(who, REVIEW, [report.district]),
    )


# The same reads for a page, on the process's copy of the store, per follow-up version.
@view("followup", "data", "catalogue", max_entries=16)
def report_view(item: str) -> Report:
    con = session.cursor()
    try:
        return read(con, item)
    finally:
        con.close()


@view("followup", "data", "catalogue", max_entries=8)
def overview_view(year: int, today: str) -> list[OverviewRow]:
    con = session.cursor()
    try:
        return overview_rows(con, year, date.fromisoformat(today))
    finally:
        con.close()


@view("followup", "data", "catalogue", max_entries=16)
def prefilled(item: str) -> tuple[tuple[Figure, ...], dict[str, str], tuple[Effect, ...]]:
    """The figures as they stand now, the actions' status per section (what a new draft
    starts from) and the actions' before and after."""
    con = session.cursor()
    try:
        report = read(con, item)
        return (
            current_figures(con, report.district),
            {s.key: action_status(con, report.district, s) for s in report.sections},
            current_effects(con, report.district),
        )
    finally:
        con.close()


def latest_row(rows: list[OverviewRow], today: date) -> OverviewRow | None:
    """A district's most recent report: the last one due by ``today`` or already written."""
    current = [r for r in rows if r.due <= today or r.version]
    return max(current, key=lambda r: r.due) if current else None


@view("followup", "data", "catalogue", max_entries=32)
def latest_for(code: str, today: str) -> OverviewRow | None:
    """The district's most recent report to the beredningsgrupp (this year's or last year's)."""
    day = date.fromisoformat(today)
    con = session.cursor()
    try:
        rows = [
            r
            for year in (day.year - 1, day.year)
            for r in overview_rows(con, year, day)
            if r.district == code
        ]
    finally:
        con.close()
    return latest_row(rows, day)


def standing(row: OverviewRow | None) -> tuple[str, bool]:
    """What a page says of the district's latest report, and whether its figures and
    assessments are preliminary (the report is not approved)."""
    if row is None:
        return "", False
    said = f"Senaste rapport till beredningsgruppen: {row.title} {row.due.year}, {row.word}"
    if row.by and row.at:
        said += f" ({row.by}, {when(row.at)})"
    preliminary = row.state not in ("godkänd", MARKED)
    if preliminary:
        said += (
            ". Lägesbild och bedömningar är preliminära tills beredningsgruppen har godkänt "
            "rapporten."
        )
    return said + ("" if preliminary else "."), preliminary
