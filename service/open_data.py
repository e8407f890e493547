"""Open data (issue 38): the indicators and their values for programs, read-only, as the
front gate's routes ``/api/v1/…`` serve them (web/api.py). The values are exactly those of
``python -m indicators values`` (the same function and columns, so the same disclosure
decisions: a hidden protected cell is hidden here too). Whether they are open without
sign-in is a setting, off by default (``DASHBOARD_OPEN_DATA``); then only indicators of
sources their owner publishes are listed and served, never a protected source's."""

from __future__ import annotations

import csv
import hashlib
import io
import math
import os
from collections.abc import Iterable

import duckdb
import pandas as pd

from access.throttle import Throttle
from catalogue.catalogue import CURRENT_AGREEMENT, load_catalogue
from service import analysis, session
from store import reference_data

OPEN_SETTING = "DASHBOARD_OPEN_DATA"
VERSION = "v1"
PREFIX = f"/api/{VERSION}"
# Requests per client and minute before it is asked to wait (HTTP 429).
RATE_LIMIT = int(os.environ.get("DASHBOARD_API_PER_MINUTE", "120") or "120")
THROTTLE = Throttle(limit=RATE_LIMIT, window=60)


def wait(client: str) -> float:
    """Seconds the client must wait before its next request (0: none); counts this one."""
    return THROTTLE.wait(client)


def open_without_sign_in() -> bool:
    """Whether the open data is served without sign-in (off unless set to on)."""
    return os.environ.get(OPEN_SETTING, "off").strip().lower() in ("on", "1", "yes", "ja")


class NotFound(LookupError):
    """No such indicator (or not open): the message says which, in Swedish."""


def _sources(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, object]]:
    found = {}
    for source_id in reference_data.sources(con)["id"]:
        record = reference_data.source(con, str(source_id))
        if record is not None:
            found[str(source_id)] = record
    return found


def _shown(definitions: Iterable[str], sources: dict[str, dict[str, object]], public: bool):  # type: ignore[no-untyped-def]
    catalogue = load_catalogue()
    for indicator in definitions:
        definition = catalogue.definitions[indicator]
        source = sources.get(definition.source, {})
        if public and source.get("disclosure") != "published":
            continue
        yield definition, source


def indicators(con: duckdb.DuckDBPyConnection, public: bool) -> list[dict[str, object]]:
    """Every indicator served, with its metadata: definition, unit, source and licence,
    caveats, how its figures are disclosed, the agreement's areas, and what its values
    cover (years and regions)."""
    catalogue = load_catalogue()
    sources = _sources(con)
    areas = dict(catalogue.areas(CURRENT_AGREEMENT))
    listed = []
    for definition, source in _shown(catalogue.definitions, sources, public):
        published = source.get("disclosure") == "published"
        listed.append(
            {
                "id": definition.id,
                "titel": definition.title,
                "definition": definition.description,
                "enhet": definition.unit,
                "typ": definition.type,
                "decimaler": definition.decimals,
                "riktning": "lägre är bättre"
                if definition.direction == "lower_is_better"
                else "högre är bättre",
                "källa": {
                    "id": definition.source,
                    "titel": source.get("title"),
                    "utgivare": source.get("publisher"),
                    "hänvisning": source.get("citation"),
                    "adress": source.get("url"),
                    "licens": source.get("licence"),
                    "rytm": source.get("rhythm"),
                },
                # Each caveat once (an indicator's may repeat its source's).
                "förbehåll": list(
                    dict.fromkeys(
                        [*definition.caveats, *([source["caveat"]] if source.get("caveat") else [])]
                    )
                ),
                "röjandeskydd": "publicerad av ägaren: visas som den är publicerad"
                if published
                else "skyddad: små tal döljs, med komplement som inte kan räknas ut",
                "överenskommelse": CURRENT_AGREEMENT,
                "områden": [{"id": a, "titel": areas[a]} for a in definition.areas if a in areas],
                "nivåer": list(definition.levels),
                "uppdelningar": list(definition.breakdowns),
                "värden": f"{PREFIX}/indicators/{definition.id}/values",
                "sida": f"/indikatorer/{definition.id}",
            }
        )
    return listed


def indicator(con: duckdb.DuckDBPyConnection, indicator_id: str, public: bool) -> dict[str, object]:
    found = [i for i in indicators(con, public) if i["id"] == indicator_id]
    if not found:
        raise NotFound(f"Indikatorn ”{indicator_id}” finns inte bland de öppna data.")
    return found[0]


def coverage(frame: pd.DataFrame) -> list[dict[str, object]]:
    """What each series of an indicator's values covers (a region's totals): the years with
    a value, and the years that are only a part (their months, as the period says it)."""
    whole = frame[
        (frame["sex"] == "total") & (frame["age_group"] == "all") & frame["value"].notna()
    ]
    covered = []
    for (code, name), rows in whole.groupby(["region_code", "region_name"], sort=False):
        years = sorted(int(y) for y in rows["year"])
        parts = {
            str(int(r.year)): str(r.period)
            for r in rows.itertuples()
            if str(r.period) not in (str(int(r.year)), f"{int(r.year)} prel.")
        }
        covered.append({"område": name, "kod": code, "år": years, "delar av år": parts})
    return covered


def values(
    con: duckdb.DuckDBPyConnection,
    indicator_id: str,
    public: bool,
    region: str | None = None,
    boundaries: str = "today",
) -> tuple[pd.DataFrame, bool]:
    """An indicator's values, as ``python -m indicators values`` gives them (its columns), and
    whether any is example data (the demo's invented values; the command line says so too)."""
    indicator(con, indicator_id, public)  # refused when not served
    return served_values(con, indicator_id, region, boundaries)


def served_values(
    con: duckdb.DuckDBPyConnection,
    indicator_id: str,
    region: str | None = None,
    boundaries: str = "today",
) -> tuple[pd.DataFrame, bool]:
    """:func:`values` of an indicator the caller has already found served."""
    catalogue = load_catalogue()
    frame = analysis.values(
        con, catalogue.definitions[indicator_id], catalogue, region=region, boundaries=boundaries
    )
    example = "example" in frame and bool(frame["example"].fillna(False).astype(bool).any())
    return frame.reindex(columns=analysis.VALUE_COLUMNS), example


def _plain(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):
        return value.item()  # type: ignore[union-attr]  # numpy's scalars as Python's
    return value


def as_records(frame: pd.DataFrame) -> list[dict[str, object]]:
    return [
        {column: _plain(value) for column, value in zip(frame.columns, row, strict=True)}
        for row in frame.itertuples(index=False)
    ]


def as_csv(frame: pd.DataFrame) -> str:
    """The CSV of ``python -m indicators values``: the same header and cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(analysis.VALUE_COLUMNS)
    for row in frame.itertuples(index=False):
        writer.writerow([analysis.cell_text(v) for v in row])
    return buffer.getvalue()


def etag(con: duckdb.DuckDBPyConnection, *parts: object) -> str:
    """A validator of an answer: the store's data version, the catalogue's and the request."""
    versions = session.versions(("data", "catalogue", "followup"))
    text = "|".join(str(p) for p in (*versions, *parts))
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def _published(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The indicators of sources their owner publishes (open without sign-in)."""
    return {str(i["id"]) for i in indicators(con, public=True)}


def reports(con: duckdb.DuckDBPyConnection, year: int, public: bool) -> list[dict[str, object]]:
    """The districts' reports of ``year`` that the beredningsgrupp approved (never a draft, a
    submitted or a returned one): per area what the district wrote and the figures it cited
    as they stood when it was approved. Without sign-in only figures of published sources
    (a protected indicator's figures are left out; the text is the approved text)."""
    from service import district_reports

    catalogue = load_catalogue()
    shown = _published(con) if public else set(catalogue.definitions)
    titles_shown = {catalogue.definitions[i].title for i in shown}
    listed = []
    for report in district_reports.approved_reports(con, year):
        approved = report.history[-1].saved_at if report.history else report.saved_at
        listed.append(
            {
                "år": report.year,
                "rapport": report.title,
                "datum": report.due.isoformat(),
                "stadsdelsområde": report.district_name,
                "områdeskod": report.district,
                "version": report.version,
                "godkänd": approved.date().isoformat() if approved else None,
                "avsnitt": [
                    {
                        "område": section.title,
                        "lokalt": section.local,
                        **{
                            title: report.text(section.key, key)
                            for key, title in district_reports.FIELDS.items()
                        },
                        "siffror": [
                            {
                                "indikator": f.indicator,
                                "titel": f.title,
                                "period": f.period,
                                "värde": f.value,
                                "intervall": f.interval,
                                "staden": f.city,
                                "bedömning": f.verdict,
                                "jämfört med": f.comparison,
                            }
                            for f in report.figures_of(section.key)
                            if f.indicator in shown
                        ],
                        "före och efter": [
                            {
                                "åtgärd": e.action,
                                "indikator": e.indicator,
                                "före": e.before,
                                "efter": e.after,
                                "vad jämförelsen visar": e.finding,
                            }
                            for e in report.effects_of(section.key)
                            if e.indicator in titles_shown
                        ],
                    }
                    for section in report.sections
                ],
            }
        )
    return listed


def plan(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, object]:
    """The handlingsplan of ``year`` once it is adopted (fastställd), never a draft: per area
    the goal, the indicators that measure it, what cannot be measured, who is responsible and
    the follow-up (NotFound otherwise)."""
    from service import action_plan

    found = action_plan.read(con, year)
    if found is None or not found.adopted:
        raise NotFound(f"Det finns ingen fastställd handlingsplan för {year}.")
    return {
        "år": found.year,
        "överenskommelse": found.agreement,
        "version": found.version,
        "fastställd": found.saved_at.date().isoformat() if found.saved_at else None,
        "exempeldata": found.example,
        "områden": [
            {
                "område": a.title,
                "mål": a.goal,
                "indikatorer": list(a.indicators),
                "det som inte kan mätas": a.unmeasured,
                "ansvariga": a.responsible,
                "uppföljning": a.followup,
            }
            for a in found.areas
        ],
    }


def openapi() -> dict[str, object]:
    """The OpenAPI description of the routes (web/api.py)."""
    text = {"type": "string"}
    error = {"description": "Fel", "content": {"application/json": {"schema": {
        "type": "object", "properties": {"fel": text}}}}}  # fmt: skip
    both = {
        "application/json": {"schema": {"type": "object"}},
        "text/csv": {"schema": text},
    }
    indicator = {"name": "indicator", "in": "path", "required": True, "schema": text}
    format_ = {
        "name": "format",
        "in": "query",
        "schema": {"type": "string", "enum": ["json", "csv"]},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Öppna data: samverkan Stockholms stad och Polisregion Stockholm",
            "version": VERSION,
            "description": (
                "Indikatorerna i uppföljningen av samverkansöverenskommelsen och deras värden, "
                "med samma röjandeskydd som instrumentpanelen. Utan inloggning bara källor som "
                "ägaren själv publicerar, och bara när öppna data är påslagna."
            ),
        },
        "paths": {
            f"{PREFIX}/indicators": {"get": {
                "summary": "Alla indikatorer med metadata",
                "parameters": [format_],
                "responses": {"200": {"description": "Indikatorerna", "content": both},
                              "304": {"description": "Oförändrad (ETag)"},
                              "401": error, "429": error},
            }},
            f"{PREFIX}/indicators/{{indicator}}": {"get": {
                "summary": "En indikator",
                "parameters": [indicator],
                "responses": {"200": {"description": "Indikatorn", "content": {
                    "application/json": {"schema": {"type": "object"}}}},
                    "404": error, "401": error, "429": error},
            }},
            f"{PREFIX}/reports": {"get": {
                "summary": "Stadsdelsområdenas godkända rapporter till beredningsgruppen",
                "parameters": [{"name": "year", "in": "query", "required": True,
                                "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "Rapporterna", "content": {
                    "application/json": {"schema": {"type": "object"}}}},
                    "400": error, "401": error, "429": error},
            }},
            f"{PREFIX}/plans/{{year}}": {"get": {
                "summary": "Den fastställda handlingsplanen för ett år",
                "parameters": [{"name": "year", "in": "path", "required": True,
                                "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "Planen", "content": {
                    "application/json": {"schema": {"type": "object"}}}},
                    "404": error, "401": error, "429": error},
            }},
            f"{PREFIX}/indicators/{{indicator}}/values": {"get": {
                "summary": "En indikators värden per område, år och uppdelning",
                "parameters": [
                    indicator, format_,
                    {"name": "region", "in": "query", "schema": text,
                     "description": "Område: namn eller kod (t.ex. Järva, 0180)"},
                    {"name": "boundaries", "in": "query",
                     "schema": {"type": "string", "enum": ["current", "historical"]}},
                ],
                "responses": {"200": {"description": "Värdena; kolumnerna som i python -m "
                                      "indicators values", "content": both},
                              "304": {"description": "Oförändrad (ETag)"},
                              "400": error, "401": error, "404": error, "429": error},
            }},
        },
    }  # fmt: skip
