"""The read side the pages render: the catalogue, every indicator's values, the overview
rows, district choices, source lines and table exports, each cached by the read model on
what it depends on. Pure helpers the pages format with are re-exported here, so pages
import nothing below ``service``."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING

import pandas as pd

from access.roles import Principal
from catalogue.catalogue import Catalogue, load_catalogue
from catalogue.model import Definition
from indicators import assessment, data_status, municipalities, reported_crime
from indicators.compute import (
    CITY,
    MISSING_REASONS,
    Request,
    crime_decision,
    crime_family,
    unavailable,
)
from indicators.drivers import Drivers, DriversError
from indicators.drivers import choices as split_choices
from indicators.format import (
    MONTH_NAMES,
    PLOTLY_SEPARATORS,
    date_text,
    first_upper,
    indicator_value,
    number,
    percent,
    year_list,
)
from indicators.results import inputs_of, values_all
from indicators.results import values as stored_values
from indicators.status import STATUS_LABELS
from indicators.summaries import (
    GROUP_ORDER,
    NOT_RANKED,
    by_region,
    comparison,
    difference,
    group_counts,
    indicator_row,
    latest_record,
    latest_row,
    period_of,
    rank_text,
    rankable,
    ranking,
)
from indicators.suppression import min_count
from report import exports
from service import session
from service.readmodel import view
from store import audit, followup, police, queries

if TYPE_CHECKING:
    from service.local import Agreement

__all__ = [
    "GROUP_ORDER",
    "MISSING_REASONS",
    "MONTH_NAMES",
    "NOT_RANKED",
    "PLOTLY_SEPARATORS",
    "STATUS_LABELS",
    "Catalogue",
    "Definition",
    "assessment",
    "audit",
    "by_region",
    "comparison",
    "data_status",
    "date_text",
    "difference",
    "first_upper",
    "group_counts",
    "inputs_of",
    "latest_record",
    "latest_row",
    "min_count",
    "number",
    "percent",
    "period_of",
    "plain",
    "police",
    "rank_text",
    "rankable",
    "ranking",
    "reported_crime",
    "unavailable",
    "year_list",
]


@view("catalogue", max_entries=4)
def catalogue() -> Catalogue:
    """The catalogue as the YAML files say now (edits show without a restart)."""
    return load_catalogue()


def _state() -> str:
    """The state these views read, as results._Reader takes it: the versions they are cached
    under (and the meeting's snapshot), so the results' inputs are read once for it."""
    return repr((session.AS_OF.get(), session.versions(("data", "catalogue"))))


@view("data", "catalogue", max_entries=8)
def all_values(boundaries: str = "today", by_sex: bool = False) -> dict[str, pd.DataFrame]:
    """Every indicator on the chosen boundaries (with women and men where it has them)."""
    con = session.cursor()
    try:
        request = Request(boundaries=boundaries, by_sex=by_sex)  # type: ignore[arg-type]
        return values_all(con, catalogue(), request, _state())
    finally:
        con.close()


@view("data", "catalogue", max_entries=128)
def values(indicator: str, boundaries: str = "today", by_sex: bool = False) -> pd.DataFrame:
    definition = catalogue().definitions[indicator]
    request = Request(boundaries=boundaries, by_sex=by_sex)  # type: ignore[arg-type]
    con = session.cursor()
    try:
        return stored_values(con, definition, catalogue(), request, _state())
    finally:
        con.close()


@view("data", max_entries=4)
def district_options() -> dict[str, str]:
    """Today's districts by name → code, and the city."""
    con = session.cursor()
    try:
        register = queries.regions(con, ("district",))
    finally:
        con.close()
    current = register[register["valid_to"].isna()].sort_values("name")
    return {**dict(zip(current["name"], current["code"], strict=True)), "Hela staden": CITY}


@view("data", max_entries=4)
def region_names() -> dict[str, str]:
    con = session.cursor()
    try:
        return queries.region_names(con)
    finally:
        con.close()


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
def overview_rows(agreement: str) -> dict[str, dict[str, list]]:
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


def slug(name: str) -> str:
    """A short, typeable name for a link: "Hägersten-Älvsjö" → "hagersten-alvsjo"."""
    plain_name = name.lower().translate(str.maketrans("åäöé", "aaoe"))
    return re.sub(r"[^a-z0-9]+", "-", plain_name).strip("-")


def region_slugs() -> dict[str, str]:
    """Short link names of the city and today's districts → their names (``?omrade=jarva``)."""
    return {slug(name): name for name in district_options()}


@dataclass
class Slide:
    """One priority area for meeting mode: what the indicators show together, the group's
    latest assessment, and a card per indicator."""

    calculated: str
    counts: dict[str, int]
    judgement: str  # "delvis (2023): ..." or "" when the group has not assessed the area
    cards: list[dict[str, object]]


def slide(area: str, region_code: str, agreement: str) -> Slide:
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


def changed_since_meeting(agreement: str) -> dict[tuple[str, str, str], str]:
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


@view("data", max_entries=64)
def source_line(source: str) -> str:
    con = session.cursor()
    try:
        record = queries.source(con, source)
    finally:
        con.close()
    citation = record["citation"] if record else source
    return f"Källa: {citation}."


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


def fmt_value(definition: Definition, value: object) -> str:
    return indicator_value(definition.type, value, definition.decimals)


def fmt_interval(definition: Definition, low: object, high: object) -> str:
    if low is None or high is None or pd.isna(low) or pd.isna(high):  # type: ignore[arg-type]
        return ""
    return f"{fmt_value(definition, low)}–{fmt_value(definition, high)}"


EXAMPLE_NOTE = "Exempeldata: påhittade värden för demonstration, inte verkliga resultat."


def example_note(frame: pd.DataFrame) -> str | None:
    if "example" in frame and frame["example"].fillna(False).astype(bool).any():
        return EXAMPLE_NOTE
    return None


def is_example(row: pd.Series | dict) -> bool:
    """Whether a row of values holds an invented value."""
    value = row.get("example", False)
    return bool(value) and not pd.isna(value)


def print_header(choices: Sequence[tuple[str, object]], address: str, now: datetime) -> str:
    """The HTML of the header a printed page starts with (hidden on screen): the view's
    choices, when it was printed and its address, so a printout says what it shows."""
    chosen = " · ".join(f"{escape(label)}: {escape(str(value))}" for label, value in choices)
    when = f"{date_text(now.date())} kl. {now:%H.%M}"
    return (
        '<div class="print-only" style="font-size: 0.9rem; border-bottom: 1px solid #999; '
        'padding-bottom: 0.3rem">'
        + (f"<div><b>Urval:</b> {chosen}</div>" if chosen else "")
        + f"<div>Utskriven {escape(when)} från {escape(address)}</div></div>"
    )


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$])")


def plain(text: object) -> str:
    """Text a user typed (a name, a file name) for a Markdown element, shown literally:
    every character Markdown or Streamlit's directives would act on is escaped, so
    ``![](http://…)`` is not an image fetched from another host and ``:red[x]`` no colour."""
    return _MARKDOWN.sub(r"\\\1", " ".join(str(text).split()))


def table_files(frame: pd.DataFrame) -> tuple[Callable[[], bytes], Callable[[], bytes]]:
    """A table as CSV (Swedish Excel dialect: ';' and decimal comma) and as Excel, written
    safely (report.exports: no cell runs as a formula): each built when it is asked for, not
    at every rerun of the page (the table is a copy, so later changes to it do not show)."""
    kept = frame.copy()
    return (lambda: exports.csv_bytes(kept)), (lambda: exports.xlsx_bytes(kept))


# Anmälda brott
@view("data", max_entries=4)
def crime_categories() -> list[reported_crime.Category]:
    con = session.cursor()
    try:
        return reported_crime.categories(con)
    finally:
        con.close()


@view("data", max_entries=32)
def crime_regions(
    category: reported_crime.Category, boundaries: str
) -> tuple[pd.DataFrame, list[str]]:
    """The regions with figures for a category, and the districts without any."""
    con = session.cursor()
    try:
        return (
            reported_crime.available_regions(con, category, boundaries),
            reported_crime.districts_without_data(con, category),
        )
    finally:
        con.close()


@view("data", max_entries=64)
def crime_series(
    measure: str,
    regions: tuple[str, ...],
    kind: str,
    boundaries: str,
    granularity: str,
) -> pd.DataFrame:
    chosen = next(c for c in crime_categories() if c.count_measure == measure)
    con = session.cursor()
    try:
        return reported_crime.crime_series(
            con,
            chosen,
            list(regions),
            kind=kind,
            boundaries=boundaries,
            granularity=granularity,
            decision=crime_decision(con, catalogue(), measure),
        )
    finally:
        con.close()


def crime_table(frame: pd.DataFrame, unit: str, granularity: str) -> pd.DataFrame:
    """The crime page's table: area, period in words, the value as shown ("skyddat" where
    suppressed), preliminary (and Exempeldata where a value is invented). Column-wise, so a
    long series costs little at every rerun."""
    years = frame["year"].astype(int).astype(str)
    if granularity == "month":
        months = frame["month"].astype(int).map(lambda m: MONTH_NAMES[m - 1])
        period = months + " " + years
    else:
        period = years
    shown = [
        "skyddat" if hidden else number(value)
        for hidden, value in zip(frame["suppressed"], frame["value"], strict=True)
    ]
    table = pd.DataFrame(
        {
            "Område": frame["region_name"].to_numpy(),
            "Period": period.to_numpy(),
            unit: shown,
            "Preliminärt": frame["preliminary"].map({True: "ja", False: ""}).to_numpy(),
        }
    )
    # BRÅ's figures are real; should a batch of invented values be loaded, its rows say so
    # here and in the downloads.
    if "example" in frame and frame["example"].fillna(False).astype(bool).any():
        table["Exempeldata"] = (
            frame["example"].fillna(False).astype(bool).map({True: "ja", False: ""}).to_numpy()
        )
    return table


@view("catalogue", max_entries=64)
def crime_threshold(measure: str) -> int:
    """The smallest count the crime page shows for a category."""
    return crime_family(catalogue(), measure).threshold


def published(source: str) -> bool:
    """Whether the source's owner publishes its figures (shown as published, never hidden)."""
    record = source_record(source)
    return bool(record) and record.get("disclosure") == "published"  # type: ignore[union-attr]


@view("data", max_entries=16)
def source_record(source: str) -> dict | None:
    con = session.cursor()
    try:
        return queries.source(con, source)
    finally:
        con.close()


# Datastatus
@view("data", "catalogue", max_entries=4)
def status_tables(day: object) -> dict[str, object]:
    """Everything on the data-status page that depends on the data (and the day): reading
    the status of every batch scans every observation, so it is built once per version."""
    cat = catalogue()
    cover = data_status.coverage(None, cat, all_values("today"))  # type: ignore[arg-type]
    con = session.cursor()
    try:
        return {
            "sources": data_status.sources_table(con, day),  # type: ignore[arg-type]
            "records": queries.sources(con),
            "batches": data_status.batches_table(con),
            "matrix": data_status.coverage_matrix(con, cat, cover),
            "placement": data_status.police_placement(con),
            "series": data_status.series_coverage(con, cat),
            "by_year": {
                area: data_status.coverage_by_year(cat, cover, area) for area, _ in cat.areas()
            },
        }
    finally:
        con.close()


def may_open_batches(principal: Principal | None) -> bool:
    """A batch's raw rows are not suppressed (small counts show): administrators only (and
    demo mode, where everyone is one)."""
    return principal is None or principal.role == "administratör"


SEX_WORDS = {"total": "alla", "female": "kvinnor", "male": "män"}


@view("data", max_entries=32)
def batch_rows(batch_id: int) -> tuple[int, pd.DataFrame]:
    """A batch's stored rows as Datastatus shows them, in Swedish (columns and values), and
    how many rows the batch has in all (the table holds the first 500)."""
    con = session.cursor()
    try:
        rows = queries.batch_rows(con, batch_id)
    finally:
        con.close()
    if rows.empty:
        return 0, rows
    total = int(rows["total"].iloc[0])

    def yes(flag: object) -> str:
        return "ja" if flag is True or (not pd.isna(flag) and bool(flag)) else "nej"  # type: ignore[arg-type]

    shown = pd.DataFrame(
        {
            "Mått": rows["measure"],
            "Område": rows["region_name"],
            "Områdeskod": rows["region_code"],
            "År": rows["year"].astype("Int64"),
            "Månad": ["" if pd.isna(m) else MONTH_NAMES[int(m) - 1] for m in rows["month"]],
            "Kön": [SEX_WORDS.get(str(v), str(v)) for v in rows["sex"]],
            "Ålder": ["alla" if str(v) == "all" else str(v) for v in rows["age_group"]],
            "Värde": [number(v, 0 if float(v).is_integer() else 2) for v in rows["value"]],
            "Svarande": ["" if pd.isna(v) else number(float(v), 0) for v in rows["respondents"]],
            "Preliminär": [yes(v) for v in rows["preliminary"]],
            "Gäller": [yes(v) for v in rows["in_force"]],
        }
    )
    return total, shown


# Logg
def audit_kinds() -> list[str]:
    con = session.cursor()
    try:
        return audit.kinds(con)
    finally:
        con.close()


AUDIT_COLUMNS = {"logged_at": "När", "who": "Vem", "what": "Vad", "detail": "Detaljer"}


CODED_ENTRIES = {"bedömning", "lägesbild"}  # their details are "area region year: …"


@view("data", "catalogue", max_entries=1)
def _audit_names() -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """The codes a log entry's details name (priority areas, the city and its districts, of
    today and of the time) with their names, and one pattern that finds them as whole words."""
    cat = catalogue()
    names = {a: t for agreement in cat.agreements for a, t in cat.areas(agreement)}
    con = session.cursor()
    try:
        register = queries.regions(con, ("city", "district"))
    finally:
        con.close()
    names.update(zip(register["code"].astype(str), register["name"].astype(str), strict=True))
    if not names:
        return None, names
    words = "|".join(re.escape(k) for k in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])({words})(?![\w-])"), names


def _audit_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The log as the page shows it: Swedish columns, the time to the second, and the areas
    and districts named in the details instead of their codes ("unga 0180 2023" → "Unga i
    riskzon … Stockholms stad 2023"); the stored entries are never changed."""
    table = frame.rename(columns=AUDIT_COLUMNS)
    table["När"] = table["När"].astype(str).str[:19]
    pattern, names = _audit_names()
    if pattern is not None and not table.empty:
        # Only the entries that store codes: an action's title is the user's own words.
        table["Detaljer"] = [
            pattern.sub(lambda m: names[m.group(1)], d)
            if what in CODED_ENTRIES and isinstance(d, str)
            else d
            for what, d in zip(table["Vad"], table["Detaljer"], strict=True)
        ]
    return table


def audit_count(who: str | None, what: list[str], since: object, until: object) -> int:
    con = session.cursor()
    try:
        return audit.count(con, who, what, since, until)  # type: ignore[arg-type]
    finally:
        con.close()


def audit_page(
    who: str | None, what: list[str], since: object, until: object, page: int, size: int
) -> pd.DataFrame:
    """One page of the log (newest first) as the page shows it: filtered and cut in SQL, so
    a long log costs one page."""
    con = session.cursor()
    try:
        frame = audit.entries(con, size, who, what, since, until, offset=(page - 1) * size)  # type: ignore[arg-type]
    finally:
        con.close()
    return _audit_table(frame)


def audit_files(
    who: str | None, what: list[str], since: object, until: object
) -> tuple[Callable[[], bytes], Callable[[], bytes]]:
    """CSV and Excel of every entry the filter matches, read and built when pressed."""

    def table() -> pd.DataFrame:
        con = session.cursor()
        try:
            return _audit_table(audit.entries(con, None, who, what, since, until))  # type: ignore[arg-type]
        finally:
            con.close()

    return (lambda: exports.csv_bytes(table())), (lambda: exports.xlsx_bytes(table()))


@view(max_entries=1)
def district_geojson() -> dict:
    """Today's eleven districts (bundled; drawn without any request to another host)."""
    import json

    path = (
        session.PROJECT_ROOT
        / "data"
        / "reference"
        / "stadsdelsomraden_11_2024_folkhalsokollen.geojson"
    )
    return json.loads(path.read_text(encoding="utf-8"))


@view(max_entries=1)
def district_outlines() -> dict[str, tuple[list, list, tuple[float, float]]]:
    """Each of today's districts as a drawable outline: x (longitude) and y (latitude) with
    ``None`` between the parts, and a point to put its label at (the centre of its largest
    part). Drawn as filled lines on plain axes: no map tiles, no base layer from another
    host (Plotly's geo maps fetch one from cdn.plot.ly)."""
    outlines: dict[str, tuple[list, list, tuple[float, float]]] = {}
    for feature in district_geojson()["features"]:
        geometry = feature["geometry"]
        parts = (
            geometry["coordinates"]
            if geometry["type"] == "MultiPolygon"
            else [geometry["coordinates"]]
        )
        xs: list = []
        ys: list = []
        biggest = (0.0, (0.0, 0.0))
        for polygon in parts:
            ring = polygon[0]  # the outer ring (the bundled districts have no holes)
            xs += [p[0] for p in ring] + [None]
            ys += [p[1] for p in ring] + [None]
            area, centre = _ring_centre(ring)
            if area > biggest[0]:
                biggest = (area, centre)
        code = str(feature["properties"]["omr_kod"])
        outlines[code] = (xs[:-1], ys[:-1], biggest[1])
    return outlines


def _ring_centre(ring: list) -> tuple[float, tuple[float, float]]:
    """The area and centroid of a closed ring (shoelace formula)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if area == 0:
        return 0.0, (ring[0][0], ring[0][1])
    return abs(area) / 2, (cx / (3 * area), cy / (3 * area))


BY_WORDS = {
    "region": "Stadsdelsområden",
    "measure": "Brottstyper och händelsetyper",
    "sex": "Kvinnor och män",
    "age_group": "Åldersgrupper",
}


def driver_choices(indicator: str, city: bool) -> dict[str, str]:
    """The splits an indicator's change can have (by: words), the default first."""
    return {
        by: BY_WORDS[by]
        for by in split_choices(catalogue().definitions[indicator], catalogue(), city)
    }


@view("data", "catalogue", max_entries=64)
def drivers(indicator: str, start: int, end: int, region: str, by: str) -> Drivers | str:
    """What drove the change (indicators.drivers), or why it cannot be split (Swedish)."""
    from service import analysis

    con = session.cursor()
    try:
        return analysis.drivers(
            con, catalogue().definitions[indicator], catalogue(), start=start, end=end,
            region=None if region == CITY else region, by=by,
            values_of=lambda d, r: stored_values(con, d, catalogue(), r),
        )  # fmt: skip
    except DriversError as refused:
        return refused.swedish
    finally:
        con.close()


def driver_years(frame: pd.DataFrame) -> list[int]:
    """The years an indicator has values for (on the page's frame), oldest first."""
    if frame.empty:
        return []
    return sorted(int(y) for y in frame.loc[frame["value"].notna(), "year"].unique())


def driver_table(definition: Definition, split: Drivers) -> pd.DataFrame:
    """The split as the page shows it: part, the two periods' values, the change with its
    interval ("skyddat" where hidden), and "därav" lines under their part."""
    rows = split.frame(contained=True)
    decimals = definition.decimals

    def shown(value: object, hidden: bool) -> str:
        if hidden:
            return "skyddat"
        if value is None or pd.isna(value):  # type: ignore[arg-type]
            return "–"
        return number(float(value), decimals)  # type: ignore[arg-type]

    def change(row: pd.Series) -> str:
        if row["suppressed"]:
            return "skyddat"
        if pd.isna(row["change"]):
            return "–"
        sign = "+" if row["change"] > 0 else ""
        return sign + number(float(row["change"]), decimals).replace("-", "−")

    def interval(row: pd.Series) -> str:
        if row["suppressed"] or pd.isna(row["lower"]):
            return ""
        return (
            number(float(row["lower"]), decimals).replace("-", "−")
            + " till "
            + number(float(row["upper"]), decimals).replace("-", "−")
        )

    return pd.DataFrame(
        {
            "Del": [
                ("   " if c else "") + ("Totalt: " if p == "total" else "") + str(n)
                for p, n, c in zip(rows["part"], rows["part_name"], rows["contained"], strict=True)
            ],
            split.from_label: [
                shown(v, h) for v, h in zip(rows["from_value"], rows["suppressed"], strict=True)
            ],
            split.to_label: [
                shown(v, h) for v, h in zip(rows["to_value"], rows["suppressed"], strict=True)
            ],
            "Förändring": [change(r) for _, r in rows.iterrows()],
            "Osäkerhet (95 %)": [interval(r) for _, r in rows.iterrows()],
            "Säkerställd": [
                ""
                if r["suppressed"] or pd.isna(r["lower"])
                else ("ja" if r["lower"] > 0 or r["upper"] < 0 else "nej")
                for _, r in rows.iterrows()
            ],
        }
    )


def driver_notes(split: Drivers) -> list[str]:
    """What the reader must know about a split, in Swedish."""
    notes = list(split.notes)
    if split.within_margins():
        notes.append(
            "Varje dels förändring ligger inom sin felmarginal: ingen enskild del kan sägas ha "
            "drivit förändringen."
        )
    if any(p.contained for p in split.parts):
        notes.append("En ”därav”-rad ingår i raden ovanför och räknas inte två gånger.")
    if any(p.hidden for p in split.parts):
        notes.append(
            "Skyddat: för litet underlag för att visas (eller så skulle det kunna räknas fram "
            "ur de andra delarna)."
        )
    return notes


def default_split(indicator: str, region_code: str) -> str | None:
    """What a change is split by where no one chose: the city over its districts, a district
    over its crime categories or event types; None where neither applies."""
    found = [
        b for b in driver_choices(indicator, region_code == CITY) if b in ("region", "measure")
    ]
    return found[0] if found else None


def driver_headline(indicator: str, region_code: str, start: int, end: int, parts: int = 3) -> str:
    """What drove the change from ``start`` to ``end`` in a sentence (meeting mode), or ""
    where the change cannot be split."""
    by = default_split(indicator, region_code)
    if by is None:
        return ""
    split = drivers(indicator, start, end, region_code, by)
    if isinstance(split, str):
        return ""
    return split.headline(catalogue().definitions[indicator].decimals, parts)


@view("followup", max_entries=4)
def timeline_events() -> pd.DataFrame:
    """Every event on the time axis that is not removed (store.events)."""
    from store import events

    con = session.cursor()
    try:
        return events.events(con)
    finally:
        con.close()


@view("data", max_entries=4)
def app_targets() -> pd.DataFrame:
    """Every target set in the app (store.targets), oldest first."""
    from store import targets

    con = session.cursor()
    try:
        return targets.targets(con)
    finally:
        con.close()


@view("data", "catalogue", max_entries=64)
def effective_definition(indicator: str) -> Definition:
    """The indicator's definition with the targets set in the app beside its YAML ones."""
    from indicators.compute import with_app_targets

    con = session.cursor()
    try:
        return with_app_targets(con, catalogue().definitions[indicator])
    finally:
        con.close()


def panel_targets(indicator: str, region_code: str) -> list:
    """The targets a chart of ``region_code`` draws: those for that district (by code or
    name) and those for every district; for the city, the city's."""
    names = region_names()

    def drawn(scope: str) -> bool:
        if scope == "all":
            return True
        if scope == "city":
            return region_code == CITY
        return region_code in (scope, _code_of(scope, names))

    return [t for t in effective_definition(indicator).targets if drawn(t.scope)]


def _code_of(name: str, names: dict[str, str]) -> str:
    return next((c for c, n in names.items() if n == name), name)


municipality_table = municipalities.municipality_table
municipality_sentence = municipalities.municipality_sentence


@view("followup", max_entries=4)
def local_agreements() -> dict[str, Agreement]:
    """The local agreement in force of every district that has one (service.local)."""
    from service import local

    con = session.cursor()
    try:
        return dict(local.every(con))
    finally:
        con.close()


@view("followup", "data", max_entries=4)
def action_register() -> pd.DataFrame:
    """Every action with its district's name and its follow-up notes."""
    con = session.cursor()
    try:
        return followup.actions(con)
    finally:
        con.close()


def local_area_options() -> dict[str, str]:
    """Every local area of the agreements in force as "district:key" → "District – title"."""
    names = region_names()
    options = {}
    for code, agreement in sorted(
        local_agreements().items(), key=lambda item: names.get(item[0], item[0])
    ):
        for area in agreement.areas:
            options[f"{code}:{area.key}"] = f"{names.get(code, code)} – {area.title}"
    return options


@view("followup", "data", "catalogue", max_entries=8)
def calendar_items(year: int, today: str) -> list[object]:
    """The årshjul's items of ``year`` as of ``today`` (ISO date), service.calendar."""
    from datetime import date

    from service import calendar

    con = session.cursor()
    try:
        return list(calendar.items(con, year, date.fromisoformat(today)))
    finally:
        con.close()
