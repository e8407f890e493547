"""Meetings: the store kept as it stood when a steering group met (store.snapshots), saved
through the guarded write path and opened by name, on pages (``?mote=NAME``) and on the
command line (``--snapshot NAME``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

import duckdb

from access.roles import Principal
from service import session
from service.writes import DATE_RANGE, RuleBroken, guarded, out_of_range
from store import db, snapshots
from store.replica import Replica, partial_cursor
from store.snapshots import NAME_LIMIT, Meeting

__all__ = [
    "Meeting", "all_meetings", "as_of", "find", "listed", "maintain", "open_at", "save",
    "save_in", "shown",
]  # fmt: skip


def all_meetings() -> list[Meeting]:
    """Every saved meeting, the newest first (none for a store kept in memory)."""
    con = session.current_cursor()
    try:
        return snapshots.meetings(con)
    finally:
        con.close()


def find(name: str) -> Meeting | None:
    con = session.current_cursor()
    try:
        return snapshots.find(con, name)
    finally:
        con.close()


def save(principal: Principal, name: str, meeting_date: date) -> Meeting:
    """Save the figures as they stand now under ``name`` (rapportör and administratör)."""
    clean = " ".join(name.split())
    if not clean:
        raise RuleBroken("Ge mötet ett namn, t.ex. ”Styrgrupp 2 december”.")
    if len(clean) > NAME_LIMIT:
        raise RuleBroken(f"Mötets namn får vara högst {NAME_LIMIT} tecken.")
    con = session.write_cursor()
    try:
        if not db.is_lake(con):
            raise RuleBroken("Den här databasen ligger bara i minnet och kan inte spara möten.")
        if snapshots.find(con, clean) is not None:
            raise RuleBroken(f"Det finns redan ett möte som heter ”{clean}”. Välj ett annat namn.")
        return save_in(con, principal, clean, meeting_date)
    except db.StoreError as exc:  # the same name saved in the same instant elsewhere
        raise RuleBroken(f"Mötet kunde inte sparas: {exc}") from exc
    finally:
        con.close()


def shown() -> Meeting | None:
    """The meeting the current run shows (see :func:`as_of`), None for today's figures."""
    snapshot = session.AS_OF.get()
    if snapshot is None:
        return None
    return next((m for m in all_meetings() if m.snapshot_id == snapshot), None)


def save_in(
    con: duckdb.DuckDBPyConnection, principal: Principal, name: str, meeting_date: date
) -> Meeting:
    """Save a meeting in the store ``con`` is on (the command line's ``snapshots create``)."""
    if out_of_range(meeting_date):
        raise RuleBroken(f"Mötets datum ska vara {DATE_RANGE}.")
    with guarded(con, principal, "meetings"):
        return snapshots.create(con, name, meeting_date, principal.name)


def listed(con: duckdb.DuckDBPyConnection) -> list[Meeting]:
    return snapshots.meetings(con)


def maintain(con: duckdb.DuckDBPyConnection, keep_days: int) -> snapshots.Upkeep:
    """Compact the store and forget unnamed snapshots older than ``keep_days``."""
    return snapshots.maintain(con, keep_days, datetime.now())


def as_of(meeting: Meeting | None) -> None:
    """Let this run (page or fragment) read the store as of ``meeting`` (None: as it stands)."""
    session.AS_OF.set(meeting.snapshot_id if meeting is not None else None)


@contextmanager
def open_at(
    name: str | None,
    path: str | os.PathLike[str] | None = None,
    measures: list[str] | None = None,
) -> Iterator[tuple[duckdb.DuckDBPyConnection, Meeting | None]]:
    """A connection to the store at ``path`` as of the meeting ``name`` (the command line's
    ``--snapshot``), or as it stands when ``name`` is None; closed afterwards. ``measures``:
    the only measures whose observations the caller reads (a copy of those rows and of the
    small tables, not of the whole store)."""
    con = session.open_store(session.db_path(path))
    try:
        if name is None:
            yield _reading(con, measures=measures), None
            return
        meeting = snapshots.find(con, name)
        if meeting is None:
            known = ", ".join(m.name for m in snapshots.meetings(con)) or "none saved yet"
            raise db.StoreError(f"no meeting named {name!r} (meetings: {known})")
        snapshot = db.connect(session.db_path(path), snapshot=meeting.snapshot_id)
        try:
            yield _reading(snapshot, fixed=True, measures=measures), meeting
        finally:
            snapshot.close()
    finally:
        con.close()


def _reading(
    con: duckdb.DuckDBPyConnection, fixed: bool = False, measures: list[str] | None = None
) -> duckdb.DuckDBPyConnection:
    """A cursor on an in-memory copy of the store (store.replica): many small queries."""
    if not db.is_lake(con):
        return con
    if measures is not None:
        return partial_cursor(con, measures, every_small_table=True)
    return Replica(con, fixed=fixed).cursor()
