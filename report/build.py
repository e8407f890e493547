"""The year-end summary as data: per priority area the indicators this year and last, the
change and whether it is distinguishable, targets and status, the assessment, the comment, the
actions carried out and the plan for next year. Rendered by render_docx and render_xlsx."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from catalogue.catalogue import CURRENT_AGREEMENT, Catalogue
from catalogue.model import Definition, Target
from indicators import assessment, timeline
from indicators.basis import CITY, Request
from indicators.compute import with_app_targets
from indicators.drivers import default_split, table_rows
from indicators.municipalities import municipality_sentence
from indicators.results import values, values_all
from indicators.status import STATUS_LABELS, applicable_target
from indicators.summaries import comparison
from store import events as store_events
from store import followup, reference_data
from swedish.format import indicator_value


@dataclass
class IndicatorLine:
    indicator: str
    title: str
    unit: str
    value: str
    previous: str  # the value compared with and its period: "51 (basåret 2023)", or "–"
    change: str  # the change the status tested and what the test found
    target: str
    status: str
    explanation: str
    # (year, value, lower, upper) up to the report year: the chart stops where the report does
    series: list[tuple[int, float, float | None, float | None]]
    number_value: float | None
    example: bool
    preliminary: bool
    comment: str = ""
    judgement: str = ""  # the indicator's own assessment, with its justification
    # The same figures as numbers, for the spreadsheet (None where the text says why not).
    kind: str = "count"
    decimals: int = 0
    previous_value: float | None = None  # the value compared with (the status's reference)
    change_value: float | None = None  # the change the status tested
    period: str = ""  # the period of the value ("2025", "jan–jul 2026")
    compared_with: str = ""  # "sedan basåret 2023", "sedan 2024", "jan–jul 2026 mot jan–jul 2025"
    reference_period: str = ""  # the period of the value compared with
    change_shown: str = ""  # the tested change as shown: "+193", "−0,3 procentenheter"
    test: str = ""  # what the test found, or why there is no comparison
    target_value: float | None = None
    lower: float | None = None
    upper: float | None = None
    source: str = ""
    # Women and men in the report year, where the indicator has the split ("" where not).
    sexes: str = ""
    women_value: float | None = None
    men_value: float | None = None
    # What drove the change from the year before, in a sentence ("" where it cannot be split).
    drivers: str = ""
    # The same split as a table (part, year before, the year, change, interval).
    driver_rows: list[list[str]] = field(default_factory=list)
    # Stockholm beside other municipalities (Kolada) in the report year, in a sentence.
    comparison: str = ""
    # Events on the chart's time axis (dates as fractional years), up to the report year.
    events: list[float] = field(default_factory=list)

    def cells(self) -> list[str]:
        """The row of the indicator table, as both documents show it (see ``line_header``)."""
        return [
            self.title,
            self.value,
            self.previous,
            self.change,
            self.target,
            self.status,
            self.explanation,
        ]


@dataclass
class AreaSection:
    area: str
    title: str
    lines: list[IndicatorLine] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    calculated: str = ""
    judgement: str = ""
    justification: str = ""
    comment: str = ""
    # The events of the report year that concern the area's indicators ("3 mars 2023: …").
    events: list[str] = field(default_factory=list)
    done: pd.DataFrame = field(default_factory=pd.DataFrame)
    planned: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Did it help? The region's actions' indicators before and after each started, a line
    # each (issue 37; filled by service.reports, said with its caveat).
    before_after: list[str] = field(default_factory=list)


@dataclass
class LocalAreaPart:
    """One local priority area of a district's agreement, as the summary says it."""

    title: str
    serves: str
    description: str
    rows: list[list[str]]  # indicator, year, value, status, local target
    actions: list[str]


@dataclass
class LocalPart:
    """The local level: a district's agreement and its local areas, or (for the city) the
    coverage matrix and the agreements due for revision. Prepared by ``service.reports``."""

    heading: str
    facts: list[str] = field(default_factory=list)
    areas: list[LocalAreaPart] = field(default_factory=list)
    coverage_header: list[str] = field(default_factory=list)
    coverage_rows: list[list[str]] = field(default_factory=list)
    revisions: list[str] = field(default_factory=list)


@dataclass
class ReportsPart:
    """The districts' reports to the beredningsgrupp of the year (issue 37): which are
    approved, which are not (their figures and assessments preliminary) and which are
    missing; and what the approved ones say per area. Prepared by ``service.reports``."""

    heading: str
    facts: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)  # a row per district and reporting date
    rows: list[list[str]] = field(default_factory=list)
    said_header: list[str] = field(default_factory=list)  # a row per area and approved report
    said: list[list[str]] = field(default_factory=list)
    # A district's summary whose reports are not all approved says so at the top.
    preliminary: str = ""


@dataclass
class PlanPart:
    """The plan for the year after (issue 37): the handlingsplan's next version, per area its
    goal, indicators, responsible parties and commitments. Prepared by ``service.reports``."""

    heading: str
    state: str
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class YearEnd:
    year: int
    agreement: str
    region_code: str
    region_name: str
    sections: list[AreaSection]
    notes: list[str]
    # Said at the top when the summary shows a saved meeting's figures, not today's.
    as_of: str | None = None
    local: LocalPart | None = None
    reports: ReportsPart | None = None
    plan: PlanPart | None = None

    def line_header(self) -> list[str]:
        """The header of the indicator table, matching ``IndicatorLine.cells``."""
        return [
            "Indikator",
            str(self.year),
            "Jämförs med",
            "Förändring",
            "Mål",
            "Status",
            "Förklaring",
        ]


def _fmt(definition: Definition, value: object) -> str:
    return indicator_value(definition.type, value, definition.decimals)


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def _sex_values(
    frame: pd.DataFrame | None, region_code: str, year: int
) -> tuple[float | None, float | None]:
    """Women's and men's values of a region and year (None where missing or protected)."""
    if frame is None or frame.empty:
        return None, None
    rows = frame[
        (frame["region_code"] == region_code)
        & (frame["year"] == year)
        & (frame["age_group"] == "all")
        & ~frame["suppressed"].fillna(False).astype(bool)
    ]
    found = {str(r.sex): _number(r.value) for r in rows.itertuples()}
    return found.get("female"), found.get("male")


def _comment_for(comments: pd.DataFrame, area: str, indicator: str) -> str:
    """The comment written for this indicator (of this area), if any."""
    if comments.empty:
        return ""
    said = comments[(comments["indicator"] == indicator) & (comments["area"] == area)]
    return "" if said.empty else str(said.iloc[0]["text"])


def _period(row: pd.Series) -> str:
    """The months a row covers when not the whole year ("okt–dec"), else "": compute's
    period label without its year."""
    if int(row.get("n_months", 12)) >= 12:
        return ""
    return str(row["period"]).split(" ")[0]


def _judgement_for(assessed: pd.DataFrame, area: str, indicator: str, region: str) -> str:
    """The assessment made of this indicator (of this area and region), with why."""
    if assessed.empty:
        return ""
    judged = assessed[
        (assessed["indicator"] == indicator)
        & (assessed["area"] == area)
        & (assessed["region_code"] == region)
    ]
    if judged.empty:
        return ""
    row = judged.iloc[0]
    why = str(row["justification"] or "").strip()
    return f"{row['judgement']}" + (f": {why}" if why else "")


@dataclass
class _Read:
    """What the whole document reads once: every indicator's values (and by sex where one
    splits), the sources' citations, the register, and the follow-up of the year."""

    state: str
    frames: dict[str, pd.DataFrame]
    by_sex: dict[str, pd.DataFrame]
    sources: dict[str, str]
    names: dict[str, str]
    district_codes: dict[str, str]
    actions: pd.DataFrame
    assessed: pd.DataFrame
    comments: pd.DataFrame
    happened: pd.DataFrame


@dataclass
class _Seen:
    """What the notes at the end depend on, over every line."""

    example: bool = False
    preliminary: bool = False
    suppressed: bool = False


def build(
    con: duckdb.DuckDBPyConnection,
    catalogue: Catalogue,
    year: int,
    *,
    agreement: str = CURRENT_AGREEMENT,
    region_code: str = CITY,
) -> YearEnd:
    read = _read(con, catalogue, year, region_code)
    seen = _Seen()
    sections = []
    for area, title in catalogue.areas(agreement):
        section = AreaSection(area=area, title=title)
        statuses = []
        for indicator in catalogue.indicators_for(area, agreement):
            marked = timeline.markers(
                read.happened, catalogue.definitions[indicator], region_code, read.names, year
            )
            events = [m.x for m in marked]
            line, status = _line(
                con, catalogue, read, seen, area, indicator, year, region_code, events
            )
            section.lines.append(line)
            statuses.append(status)
            for marker in marked:
                if marker.on.year == year and marker.text not in section.events:
                    section.events.append(marker.text)
        section.calculated = assessment.calculated(statuses)
        section.counts = {
            label: sum(STATUS_LABELS[s] == label for s in statuses)
            for label in sorted({STATUS_LABELS[s] for s in statuses})
        }
        _followed_up(section, read, area, year, region_code)
        sections.append(section)
    name = read.names.get(region_code, region_code)
    return YearEnd(year, agreement, region_code, name, sections, _notes(seen))


def _read(
    con: duckdb.DuckDBPyConnection, catalogue: Catalogue, year: int, region_code: str
) -> _Read:
    # One state for the whole document: what the results depend on is read once, not for each
    # of its eleven reads of results (0,2 s at 100x).
    state = f"year-end {uuid.uuid4()}"
    frames = values_all(con, catalogue, Request(boundaries="today", with_missing=True), state)
    split = [i for i, d in catalogue.definitions.items() if "sex" in d.breakdowns]
    by_sex = (
        values_all(con, catalogue, Request(boundaries="today", by_sex=True), state) if split else {}
    )
    sources = {
        d.source: (reference_data.source(con, d.source) or {}).get("citation") or d.source
        for d in catalogue.definitions.values()
    }
    register = reference_data.regions(con, ("district",))
    return _Read(
        state=state,
        frames=frames,
        by_sex=by_sex,
        sources=sources,  # type: ignore[arg-type]
        names=reference_data.region_names(con),
        district_codes=dict(zip(register["name"], register["code"], strict=True)),
        actions=followup.actions(con),
        assessed=followup.assessments(con, year),
        comments=followup.comments(con, region_code, year),
        happened=store_events.events(con),
    )


def _region_rows(frame: pd.DataFrame, region_code: str) -> pd.DataFrame:
    if frame.empty:
        return frame
    return frame[
        (frame["region_code"] == region_code)
        & (frame["sex"] == "total")
        & (frame["age_group"] == "all")
    ]


def _whole_years(
    rows: pd.DataFrame, year: int
) -> list[tuple[int, float, float | None, float | None]]:
    """The chart: whole years up to the report year (a part of a year is not drawn beside
    whole ones; the table says what it covers)."""
    if rows.empty:
        return []
    months = rows["n_months"] if "n_months" in rows else pd.Series(12, index=rows.index)
    return [
        (int(y), float(v), _number(lo), _number(hi))
        for y, v, lo, hi, n in zip(
            rows["year"], rows["value"], rows["lower"], rows["upper"], months, strict=True
        )
        if not pd.isna(v) and int(y) <= year and (pd.isna(n) or int(n) >= 12)
    ]


def _line(
    con: duckdb.DuckDBPyConnection,
    catalogue: Catalogue,
    read: _Read,
    seen: _Seen,
    area: str,
    indicator: str,
    year: int,
    region_code: str,
    events: list[float],
) -> tuple[IndicatorLine, str]:
    """One indicator's line of the year and its status code (``events``: where its chart
    marks what happened)."""
    definition = catalogue.definitions[indicator]
    frame = read.frames.get(indicator, pd.DataFrame())
    rows = _region_rows(frame, region_code)
    this = rows[rows["year"] == year] if not rows.empty else rows
    last = rows[rows["year"] == year - 1] if not rows.empty else rows
    now = this.iloc[0] if not this.empty else None
    before = last.iloc[0] if not last.empty else None
    if before is not None and pd.isna(before["value"]) and not before["suppressed"]:
        before = None  # a year without a value: nothing to split the change against
    # What the status compares with, and the change it tested: one comparison, the same in
    # the Word, the Excel, the packs and the pages (indicators.summaries).
    said = comparison(definition, None if now is None else now.to_dict())
    target = applicable_target(
        with_app_targets(con, definition), year, region_code, CITY, read.district_codes
    )
    status = "insufficient_data" if now is None else str(now["status"])
    suppressed = bool(now is not None and now["suppressed"])
    # Invented values anywhere the summary shows them (this year, last year, the chart)
    example = bool(
        not rows.empty
        and "example" in rows
        and rows.loc[rows["year"] <= year, "example"].fillna(False).astype(bool).any()
    )
    seen.suppressed |= suppressed
    seen.example |= example
    seen.preliminary |= bool(now is not None and now["preliminary"])
    parts = (
        default_split(
            con, definition, catalogue, year - 1, year, region_code,
            lambda d, r: values(con, d, catalogue, r, read.state), CITY,
        )
        if now is not None and before is not None and not suppressed
        else None
    )  # fmt: skip
    women, men = (
        _sex_values(read.by_sex.get(indicator), region_code, year)
        if "sex" in definition.breakdowns
        else (None, None)
    )
    line = IndicatorLine(
        indicator=indicator,
        title=definition.title,
        unit=definition.unit,
        **_said(definition, now, said, target, suppressed, status),
        series=_whole_years(rows, year),
        example=example,
        preliminary=bool(now is not None and now["preliminary"]),
        comment=_comment_for(read.comments, area, indicator),
        judgement=_judgement_for(read.assessed, area, indicator, region_code),
        kind=definition.type,
        decimals=definition.decimals,
        source=f"Källa: {read.sources[definition.source]}.",
        sexes=""
        if women is None and men is None
        else f"kvinnor {_fmt(definition, women)}, män {_fmt(definition, men)}",
        women_value=women,
        men_value=men,
        drivers="" if parts is None else parts.headline(definition.decimals),
        driver_rows=[] if parts is None else table_rows(parts, definition.decimals),
        comparison=municipality_sentence(definition, frame, year)
        if "municipality" in definition.levels and region_code == CITY
        else "",
        events=events,
    )
    return line, status


def _said(
    definition: Definition,
    now: pd.Series | None,
    said: dict[str, object],
    target: Target | None,
    suppressed: bool,
    status: str,
) -> dict[str, object]:
    """The line's value, comparison, change, target and status, as text and as numbers."""
    previous = said["previous"]
    return {
        "value": "skyddat"
        if suppressed
        else _fmt(definition, None if now is None else now["value"])
        + (f" ({_period(now)})" if now is not None and _period(now) else ""),
        "period": "" if now is None else str(now["period"]),
        "previous": str(said["reference_text"]) or "–",
        "compared_with": str(said["compared_with"]),
        "reference_period": "" if previous is None else str(previous["period"]),  # type: ignore[index]
        # What the test found, then the change it tested: "inom felmarginalen: +0,9
        # procentenheter" (a cell that began with "+" would be quoted).
        "change": ": ".join(p for p in (str(said["change"]), str(said["change_value"])) if p)
        + (f" ({said['also']})" if said["also"] else ""),
        "target": "" if target is None else f"{_fmt(definition, target.value)} ({target.year})",
        "status": str(said["verdict"]) if now is not None else STATUS_LABELS[status],
        "explanation": "Inga uppgifter för året." if now is None else str(now["status_text"]),
        "number_value": None
        if now is None or suppressed
        else float(now["value"])
        if not pd.isna(now["value"])
        else None,
        "previous_value": None if previous is None else _number(previous["value"]),  # type: ignore[index]
        "change_shown": str(said["change_value"]),
        "test": str(said["change"]),
        "change_value": None
        if now is None or not said["change_value"]
        else _number(now.get("change")),
        "target_value": None if target is None else float(target.value),
        "lower": None if now is None or suppressed else _number(now["lower"]),
        "upper": None if now is None or suppressed else _number(now["upper"]),
    }


def _followed_up(section: AreaSection, read: _Read, area: str, year: int, region_code: str) -> None:
    """The area's judgement and comment of the year, and its actions done and planned."""
    assessed, comments, actions = read.assessed, read.comments, read.actions
    judged = assessed[
        (assessed["area"] == area)
        & assessed["indicator"].isna()
        & (assessed["region_code"] == region_code)
    ]
    if not judged.empty:
        section.judgement = str(judged.iloc[0]["judgement"])
        section.justification = str(judged.iloc[0]["justification"] or "")
    said = comments[(comments["area"] == area) & comments["indicator"].isna()]
    if not said.empty:
        section.comment = str(said.iloc[0]["text"])
    mine = actions[
        (actions["area"] == area)
        & ((actions["region_code"] == region_code) | (region_code == CITY))
    ]
    start = pd.to_datetime(mine["start_date"])
    end = pd.to_datetime(mine["end_date"])
    section.done = mine[(mine["status"] == "genomförd") & (end.dt.year == year)]
    section.planned = mine[
        (mine["status"].isin(["planerad", "pågående"]))
        & ((start.dt.year == year + 1) | (end.dt.year >= year + 1) | end.isna())
    ]


def _notes(seen: _Seen) -> list[str]:
    notes = [
        "Anmälda brott är inte detsamma som faktisk brottslighet: många brott anmäls aldrig "
        "(mörkertal), särskilt brott mot särskilt utsatta och sårbara personer.",
        "Polisens händelser är ett urval som polisen väljer att publicera.",
        "Enkätresultat är skattningar: förändringar kallas säkerställda bara när de är "
        "statistiskt skilda (95 %).",
        "Små tal visas inte: andelar med färre än 30 svarande och antal under tröskeln är "
        "borttagna i hela sammanställningen.",
    ]
    if seen.example:
        notes.append("Exempeldata: enkät- och aktivitetsuppgifter i demon är påhittade värden.")
    if seen.preliminary:
        notes.append("Preliminära siffror ingår och kan ändras när de slutliga publiceras.")
    if seen.suppressed:
        notes.append("Celler markerade 'skyddat' har för litet underlag för att visas.")
    return notes
