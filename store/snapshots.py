"""Meetings saved as DuckLake snapshots, and the store's upkeep.

A meeting is a name, a date and the id of the snapshot the store stood at when it was saved;
a connection opened at that snapshot (``store.db.connect(path, snapshot=id)``) shows every
figure, status and assessment as they were, whatever was loaded, undone or maintained since.
``maintain`` merges small files, moves rows kept in the catalog into Parquet files, forgets
snapshots older than the retention period that no meeting names, and deletes the files only
those snapshots used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from store import audit, db

NAME_LIMIT = 80


@dataclass(frozen=True)
class Meeting:
    name: str
    meeting_date: date
    snapshot_id: int
    saved_by: str
    saved_at: datetime


def _require_lake(con: duckdb.DuckDBPyConnection) -> None:
    if not db.is_lake(con):
        raise db.StoreError("an in-memory store keeps no snapshots")


def meetings(con: duckdb.DuckDBPyConnection) -> list[Meeting]:
    """Every saved meeting, the newest first."""
    rows = con.execute(
        "SELECT name, meeting_date, snapshot_id, saved_by, saved_at FROM meeting "
        "ORDER BY meeting_date DESC, saved_at DESC"
    ).fetchall()
    return [Meeting(*row) for row in rows]


def find(con: duckdb.DuckDBPyConnection, name: str) -> Meeting | None:
    """The meeting of this name, without regard to case."""
    row = con.execute(
        "SELECT name, meeting_date, snapshot_id, saved_by, saved_at FROM meeting "
        "WHERE lower(name) = lower($name) ORDER BY saved_at LIMIT 1",
        {"name": name.strip()},
    ).fetchone()
    return Meeting(*row) if row else None


def create(con: duckdb.DuckDBPyConnection, name: str, meeting_date: date, saved_by: str) -> Meeting:
    """Keep the store as it stands now under ``name``: the snapshot read in this write's own
    transaction, so the meeting holds exactly what was in force before it was saved."""
    _require_lake(con)
    clean = " ".join(name.split())
    if not clean:
        raise db.StoreError("a meeting needs a name")
    if len(clean) > NAME_LIMIT:
        raise db.StoreError(f"a meeting's name is at most {NAME_LIMIT} characters")
    with db.transaction(con):
        if find(con, clean) is not None:
            raise db.StoreError(f"there is already a meeting named {clean!r}")
        snapshot = db.snapshot_id(con)
        assert snapshot is not None
        con.execute(
            "INSERT INTO meeting (name, meeting_date, snapshot_id, saved_by) "
            "VALUES ($name, $date, $snapshot, $by)",
            {"name": clean, "date": meeting_date, "snapshot": snapshot, "by": saved_by},
        )
        audit.record(con, saved_by, "möte sparat", f"{clean} ({meeting_date:%Y-%m-%d})")
    found = find(con, clean)
    assert found is not None
    return found


# A data file with at least this share of its rows deleted is rewritten by maintain (a day's
# small files, whose rows the next day replaces, are; a large file that lost a few superseded
# counts is not rewritten whole for them).
REWRITE_DELETED_SHARE = 0.1
# Files this large or larger are left out of merges: merged with the day's small files, a
# large one (a million events, 42 MB) took the next day's few deletes and was rewritten whole
# every day (the large store grew by 66 MB a day until the week's snapshots expired).
MERGE_MAX_FILE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Upkeep:
    expired: int
    kept_for_meetings: int
    files_deleted: int


def footprint(catalog: Path) -> tuple[int, int]:
    """(files, bytes) of an embedded store on disk: its catalog file and its data folder."""
    files = [p for p in catalog.with_name(catalog.name + ".files").rglob("*") if p.is_file()]
    return len(files) + 1, sum(p.stat().st_size for p in files) + catalog.stat().st_size


def maintain(con: duckdb.DuckDBPyConnection, keep_days: int, now: datetime) -> Upkeep:
    """Compact the store and forget unnamed snapshots older than ``keep_days``."""
    _require_lake(con)
    with db.writer_turn(con):
        return _maintain(con, keep_days, now)


def _maintain(con: duckdb.DuckDBPyConnection, keep_days: int, now: datetime) -> Upkeep:
    con.execute("CALL ducklake_flush_inlined_data('lake')")
    named = {m.snapshot_id for m in meetings(con)}
    current = db.snapshot_id(con)
    cutoff = now - timedelta(days=keep_days)
    old = [
        int(r[0])
        for r in con.execute(
            "SELECT snapshot_id FROM lake.snapshots() "
            "WHERE CAST(snapshot_time AS TIMESTAMP) < $cutoff ORDER BY snapshot_id",
            {"cutoff": cutoff},
        ).fetchall()
    ]
    expire = [s for s in old if s not in named and s != current]
    if expire:
        con.execute(
            "SELECT count(*) FROM ducklake_expire_snapshots('lake', versions => $v)",
            {"v": expire},
        ).fetchall()
    # Files whose rows were partly deleted (a replaced result, a coverage rewritten, a batch
    # whose state changed) are written again without those rows, then small files merged:
    # otherwise every daily write leaves a data file and a delete file for good.
    con.execute(
        "CALL ducklake_rewrite_data_files('lake', delete_threshold => $t)",
        {"t": REWRITE_DELETED_SHARE},
    )
    con.execute(
        "CALL ducklake_merge_adjacent_files('lake', max_file_size => $max)",
        {"max": MERGE_MAX_FILE_BYTES},
    )
    deleted = con.execute(
        "SELECT count(*) FROM ducklake_cleanup_old_files('lake', cleanup_all => true)"
    ).fetchone()
    return Upkeep(len(expire), len(named), int(deleted[0]) if deleted else 0)
