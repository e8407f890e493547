"""The indicators' values and the catalogue as the pages read them: every indicator's values on
the chosen boundaries, the districts to choose from, region names, source lines, values
written as their definition says, and a table's files. Each cached by the read model on what
it depends on."""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

from catalogue.catalogue import AGREEMENT_IDS, CURRENT_AGREEMENT, Catalogue, load_catalogue
from catalogue.model import Definition
from indicators.basis import CITY, MISSING_REASONS, Request
from indicators.compute import unavailable
from indicators.results import inputs_of, values_all
from indicators.results import values as stored_values
from indicators.summaries import NOT_RANKED, rankable, ranking
from report import exports
from service import session
from service.readmodel import view
from store import reference_data
from swedish.format import (
    indicator_value,
)


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
        register = reference_data.regions(con, ("district",))
    finally:
        con.close()
    current = register[register["valid_to"].isna()].sort_values("name")
    return {**dict(zip(current["name"], current["code"], strict=True)), "Hela staden": CITY}


@view("data", max_entries=4)
def region_names() -> dict[str, str]:
    con = session.cursor()
    try:
        return reference_data.region_names(con)
    finally:
        con.close()


def slug(name: str) -> str:
    """A short, typeable name for a link: "Hägersten-Älvsjö" → "hagersten-alvsjo"."""
    plain_name = name.lower().translate(str.maketrans("åäöé", "aaoe"))
    return re.sub(r"[^a-z0-9]+", "-", plain_name).strip("-")


def region_slugs() -> dict[str, str]:
    """Short link names of the city and today's districts → their names (``?omrade=jarva``)."""
    return {slug(name): name for name in district_options()}


@view("data", max_entries=64)
def source_line(source: str) -> str:
    con = session.cursor()
    try:
        record = reference_data.source(con, source)
    finally:
        con.close()
    citation = record["citation"] if record else source
    return f"Källa: {citation}."


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


def table_files(
    frame: pd.DataFrame, title: str = "Tabell ur uppföljningen"
) -> tuple[Callable[[], bytes], Callable[[], bytes]]:
    """A table as CSV (Swedish Excel dialect: ';' and decimal comma) and as Excel, written
    safely (report.exports: no cell runs as a formula): each built when it is asked for, not
    at every rerun of the page (the table is a copy, so later changes to it do not show)."""
    kept = frame.copy()
    return (lambda: exports.csv_bytes(kept)), (lambda: exports.xlsx_bytes(kept, title=title))


def inputs(indicator: str, boundaries: str = "today", by_sex: bool = False) -> str | None:
    """What the indicator's values were computed from (results.inputs_of): a view built from
    them alone is keyed on it, so a load that does not touch them keeps it."""
    return inputs_of(values(indicator, boundaries, by_sex))


def ranked(indicator: str, frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """The districts of ``year`` ranked with their intervals (best first); empty for an
    indicator that is not ranked (a count)."""
    definition = catalogue().definitions[indicator]
    return ranking(definition, frame, year) if rankable(definition) else frame.iloc[0:0]


def not_ranked(indicator: str) -> str | None:
    """Why the indicator has no ranking (a count is not ranked), or None."""
    return None if rankable(catalogue().definitions[indicator]) else NOT_RANKED


def missing_reason(code: object, otherwise: str) -> str:
    """A missing value's reason in words (MISSING_REASONS), or ``otherwise``."""
    return MISSING_REASONS.get(str(code), otherwise)


def failed(frame: pd.DataFrame) -> str | None:
    """The Swedish sentence for an indicator whose values could not be computed, else None."""
    return unavailable(frame)


def agreement_options() -> dict[str, str]:
    """The city-wide agreements, the one in force first: id → "Överenskommelsen …"."""
    return {a: catalogue().agreement_name(a) for a in AGREEMENT_IDS}


def agreement_change_year() -> int:
    """The first year followed under the agreement in force (charts mark it)."""
    return catalogue().agreements[CURRENT_AGREEMENT].valid_from.year
