"""The audit log as the Logg page shows it: the kinds of entry, a page of entries, its count and
its files."""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

from report import exports
from service import session
from service.indicator_values import (
    catalogue,
)
from service.readmodel import view
from store import audit, reference_data


# Logg
def audit_kinds() -> list[str]:
    con = session.cursor()
    try:
        return audit.kinds(con)
    finally:
        con.close()


AUDIT_COLUMNS = {"logged_at": "När", "who": "Vem", "what": "Vad", "detail": "Detaljer"}


# Their details name codes: "area region year: …", a target's "indicator scope year = …".
CODED_ENTRIES = {"bedömning", "lägesbild", "mål"}


@view("data", "catalogue", max_entries=1)
def _audit_names() -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """The codes a log entry's details name (priority areas, the city and its districts, of
    today and of the time) with their names, and one pattern that finds them as whole words."""
    cat = catalogue()
    names = {a: t for agreement in cat.agreements for a, t in cat.areas(agreement)}
    names.update({i: d.title for i, d in cat.definitions.items()})
    names["city"] = "Hela staden"
    con = session.cursor()
    try:
        register = reference_data.regions(con, ("city", "district"))
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

    return (lambda: exports.csv_bytes(table())), (
        lambda: exports.xlsx_bytes(table(), "Logg", title="Logg över ändringar i uppföljningen")
    )
