"""What the pages read: an in-memory copy of the lake, refreshed table by table.

A query on a DuckLake asks its catalog which snapshot is current and which files and rows
belong to it: a few milliseconds each, which pages that run hundreds of small queries cannot
pay. So each process keeps the store's tables in an in-memory database (``reads``) attached
to its lake connection, copied in one transaction at one snapshot, so that they always agree
with each other. Before a read, the lake's current snapshot is compared with the copy's (at
most every :data:`CHECK_SECONDS`, and at once after a write of this process); the tables the
newer snapshots changed are copied again, the others are kept. A loads made by another
process therefore shows at the next rerun of a page.

A connection opened at a meeting's snapshot gets a copy once: that snapshot never changes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import duckdb

from store import db

CHECK_SECONDS = 0.5
# Large tables brought up to date by applying the rows the newer snapshots changed (DuckLake's
# table_changes), found again in the copy by a key unique among a table's rows; the others
# are copied whole. More changes than MAX_CHANGES: copied whole too.
KEYS = {
    "observation": ("batch_id", "source", "measure", "region_code", "year", "month", "sex",
                    "age_group"),
    "police_event": ("id",),
    # Results are replaced row by row, the log only grows: both large at 100x, and copying
    # them whole made every first page run after another process's load pay for them.
    "indicator_result": ("indicator", "request", "inputs"),
    "audit_log": ("logged_at", "who", "what", "detail"),
}  # fmt: skip
MAX_CHANGES = 200_000
# The keys of DuckLake's snapshot changes that name tables (by id) whose rows changed.
ROW_CHANGES = {"tables_inserted_into", "tables_deleted_from", "inlined_insert", "inlined_delete"}
# Changes that leave every table's rows as they were.
NO_ROW_CHANGES = {"merge_adjacent", "compacted_table", "flushed_inlined"}


class Replica:
    """The in-memory copy of one lake connection's tables."""

    def __init__(self, con: duckdb.DuckDBPyConnection, fixed: bool = False) -> None:
        self._con = con
        self._fixed = fixed  # opened at a meeting's snapshot
        self._lock = threading.Lock()
        self._seen: int | None = None
        self._checked = 0.0
        self._generation = -1
        self._copied: dict[str, int] = {}  # table → the snapshot it was last copied at
        con.execute("ATTACH IF NOT EXISTS ':memory:' AS reads")

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor that reads the copy, brought up to date first."""
        self.refresh()
        cur = self._con.cursor()
        cur.execute("USE reads")
        cur.execute("SET search_path = 'reads.main,memory.main'")
        return cur

    def refresh(self, force: bool = False) -> None:
        now = time.monotonic()
        with self._lock:
            if self._seen is not None and not force:
                if self._fixed:
                    return
                if self._generation == db.GENERATION[0] and now - self._checked < CHECK_SECONDS:
                    return
            generation = db.GENERATION[0]
            cur = self._con.cursor()
            try:
                latest = _latest(cur)
                if latest != self._seen or force:
                    self._copy(cur)
            finally:
                cur.close()
            self._checked = now
            self._generation = generation

    def _copy(self, cur: duckdb.DuckDBPyConnection) -> None:
        cur.execute("BEGIN TRANSACTION")
        try:
            current = _current(cur)
            changed = _tables(cur) if self._seen is None else _changed(cur, self._seen, current)
            in_place = self._seen is not None and _only_row_changes(cur, self._seen, current)
            for name in changed:
                if in_place and name in KEYS and _apply_changes(cur, name, self._seen, current):
                    continue
                table = f'"{name}"'  # a name from the lake's own catalogue, checked in _tables
                cur.execute(
                    f"CREATE OR REPLACE TABLE reads.main.{table} AS SELECT * FROM lake.main.{table}"
                )
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        self._seen = current
        for name in changed:
            self._copied[name] = current

    def version(self, tables: tuple[str, ...]) -> str:
        """Changes exactly when one of ``tables`` was copied again (none of them changed
        otherwise): what views that read only these tables are cached under."""
        self.refresh()
        with self._lock:
            return "-".join(str(self._copied.get(name, 0)) for name in tables)


def _only_row_changes(cur: duckdb.DuckDBPyConnection, seen: int, current: int) -> bool:
    """Whether the snapshot the copy was made at is still kept and every later one up to
    ``current`` only inserted, deleted or updated rows (no compaction, no new columns)."""
    rows = cur.execute(
        "SELECT snapshot_id, changes FROM lake.snapshots() WHERE snapshot_id >= $seen "
        "AND snapshot_id <= $now",
        {"seen": seen, "now": current},
    ).fetchall()
    if not any(int(r[0]) == seen for r in rows):
        return False
    return all(
        set(dict(changes or {})) <= ROW_CHANGES
        for snapshot, changes in rows
        if int(snapshot) > seen
    )


def _apply_changes(cur: duckdb.DuckDBPyConnection, name: str, seen: int, current: int) -> bool:
    """Bring the copy of table ``name`` from snapshot ``seen`` to ``current`` by the rows those
    snapshots inserted, deleted and updated (an update is a delete and an insert of one
    snapshot): for each key the state before its first change is removed from the copy and the
    state after its last change, unless that was a delete, is added. The key, not DuckLake's
    row id: rows a transaction inserted and then updated keep ids local to it, the same in two
    loads. The rows to remove are looked for among the copy's rows with their first key column
    (for observations, the batches a change touched), not matched on the whole key against
    every row (0,5 s at 100x). False (nothing done) when there are too many changes.

    Most changes insert and update, and delete nothing for good (a load, an undo, the results'
    refresh): the inserted rows then say everything, and reading the deleted ones (DuckLake
    reads the files that held them: 0,2 s for ten updated observations at 100x) is left out.
    Whether that holds is checked by the count: the copy with the inserted rows' keys replaced
    must hold as many rows as the lake; otherwise the deleted rows are read too."""
    table = f'"{name}"'  # a name from the lake's own catalogue, checked in _tables
    keys = KEYS[name]
    key = ", ".join(keys)
    cur.execute(
        """
        CREATE OR REPLACE TEMP TABLE replica_change AS
        SELECT *, snapshot_id, 1 AS change
        FROM ducklake_table_insertions('lake', 'main', $name, $first, $last)
        """,
        {"name": name, "first": seen + 1, "last": current},
    )
    if not _fits(cur):
        return False
    in_lake = db.count(cur, f"SELECT count(*) FROM lake.main.{table}")
    in_copy = db.count(cur, f"SELECT count(*) FROM reads.main.{table}")
    if in_lake != in_copy + db.count(cur, _new_keys(table, keys)):
        # Rows were deleted for good: their keys too (only the keys, of the files that held
        # them), netted with the insertions below.
        cur.execute(
            f"""
            INSERT INTO replica_change BY NAME
            SELECT {key}, snapshot_id, 0 AS change
            FROM ducklake_table_deletions('lake', 'main', $name, $first, $last)
            """,
            {"name": name, "first": seen + 1, "last": current},
        )
        if not _fits(cur):
            return False
    cur.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE replica_net AS
        SELECT *,
               row_number() OVER (PARTITION BY {key} ORDER BY snapshot_id DESC, change DESC)
                   AS last_change
        FROM replica_change
        """
    )
    # Every changed key's row in the copy is the state before its first change: removed, and
    # the state after its last change added unless that was a delete.
    firsts = cur.execute(f"SELECT list(DISTINCT {keys[0]}) FROM replica_net").fetchone()
    if firsts and firsts[0]:
        match = _match(keys)
        cur.execute(
            f"""
            DELETE FROM reads.main.{table} AS o
            USING (SELECT DISTINCT {key} FROM replica_net) AS g
            WHERE list_contains($firsts, o.{keys[0]}) AND {match}
            """,
            {"firsts": firsts[0]},
        )
    cur.execute(
        f"""
        INSERT INTO reads.main.{table} BY NAME
        SELECT * EXCLUDE (snapshot_id, change, last_change)
        FROM replica_net WHERE last_change = 1 AND change = 1
        """
    )
    cur.execute("DROP TABLE replica_change")
    cur.execute("DROP TABLE replica_net")
    return True


def _fits(cur: duckdb.DuckDBPyConnection) -> bool:
    if db.count(cur, "SELECT count(*) FROM replica_change") <= MAX_CHANGES:
        return True
    cur.execute("DROP TABLE replica_change")
    return False


def _match(keys: tuple[str, ...]) -> str:
    """A copy's row ``o`` and a change ``g`` under the same key."""
    return " AND ".join(f"o.{c} IS NOT DISTINCT FROM g.{c}" for c in keys)


def _new_keys(table: str, keys: tuple[str, ...]) -> str:
    """The query counting the inserted rows' keys the copy does not hold (each key once)."""
    match = _match(keys)
    key = ", ".join(keys)
    return f"""
        SELECT count(*) FROM (SELECT DISTINCT {key} FROM replica_change) AS g
        WHERE NOT EXISTS (
            SELECT 1 FROM reads.main.{table} AS o
            WHERE o.{keys[0]} IN (SELECT DISTINCT {keys[0]} FROM replica_change) AND {match}
        )
    """


def _latest(cur: duckdb.DuckDBPyConnection) -> int:
    """The lake's newest snapshot (outside any transaction: what a new one would read)."""
    row = cur.execute(
        "SELECT max(snapshot_id) FROM __ducklake_metadata_lake.ducklake_snapshot"
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _current(cur: duckdb.DuckDBPyConnection) -> int:
    row = cur.execute("SELECT id FROM lake.current_snapshot()").fetchone()
    return int(row[0]) if row else 0


def _tables(cur: duckdb.DuckDBPyConnection) -> list[str]:
    rows = cur.execute(
        """
        SELECT table_name FROM information_schema.tables
        WHERE table_catalog = 'lake' AND table_schema = 'main' AND table_type = 'BASE TABLE'
        ORDER BY table_name
        """
    ).fetchall()
    names = [str(r[0]) for r in rows]
    for name in names:
        if not name.replace("_", "").isalnum():
            raise db.StoreError(f"unexpected table name {name!r} in the store")
    return names


def _changed(cur: duckdb.DuckDBPyConnection, seen: int, current: int) -> list[str]:
    """The tables whose rows the snapshots after ``seen`` up to ``current`` changed (all of
    them when a snapshot changed something else, e.g. a table's columns)."""
    rows = cur.execute(
        "SELECT changes FROM lake.snapshots() WHERE snapshot_id > $seen AND snapshot_id <= $now",
        {"seen": seen, "now": current},
    ).fetchall()
    ids: set[str] = set()
    for (changes,) in rows:
        for key, values in dict(changes or {}).items():
            if key in ROW_CHANGES:
                ids.update(str(v) for v in values or ())
            elif key not in NO_ROW_CHANGES:
                return _tables(cur)
    if not ids:
        return []
    by_id = dict(
        cur.execute(
            "SELECT CAST(table_id AS VARCHAR), table_name "
            "FROM __ducklake_metadata_lake.ducklake_table WHERE end_snapshot IS NULL"
        ).fetchall()
    )
    names = sorted({str(by_id[i]) for i in ids if i in by_id})
    for name in names:
        if not name.replace("_", "").isalnum():
            raise db.StoreError(f"unexpected table name {name!r} in the store")
    return names


# Tables never copied whole into a partial copy (read on the lake, or in part).
LARGE_TABLES = ("observation", "police_event", "indicator_result", "audit_log")
# The small tables computing indicator results reads (copied whole by :func:`partial_cursor`;
# any other table is read on the lake, through the search path).
COMPUTE_TABLES = (
    "indicator_target", "load_batch", "measure", "population", "reference_state", "region",
    "region_alias", "region_leaf", "region_succession", "region_today", "series_coverage",
    "source", "source_gap", "survey_round",
)  # fmt: skip


def partial_cursor(
    con: duckdb.DuckDBPyConnection, measures: list[str], every_small_table: bool = False
) -> duckdb.DuckDBPyConnection:
    """A cursor that reads an in-memory copy of what computing the results of ``measures``
    needs (issue 33): the observation rows of those measures and the small tables computing
    reads, copied at one snapshot; the tables left out are read on the lake. For a process
    that writes and then computes once (a command line): it pays for the rows its batch's
    indicators read, never for a copy of the whole store. Not brought up to date: take a new
    one after a write. ``every_small_table``: every table but the large ones (LARGE_TABLES), for
    a command line that reads more than results (the year-end summary: its follow-up and local
    agreements)."""
    copy = partial_cursor_for(con, lambda _: measures, every_small_table)
    assert copy is not None
    return copy


def partial_cursor_for(
    con: duckdb.DuckDBPyConnection,
    measures_of: Callable[[duckdb.DuckDBPyConnection], list[str] | None],
    every_small_table: bool = False,
) -> duckdb.DuckDBPyConnection | None:
    """:func:`partial_cursor` of the measures ``measures_of`` reads from the lake in the same
    transaction as the copy (the copy holds the state it decided on); None, and nothing
    copied, when it returns None. The queries of one transaction share the lake's metadata
    (a command line's plan and copy: about half the time of each small query)."""
    cur = con.cursor()
    # A new copy each time (a process that loads twice, such as a test, takes a second one).
    cur.execute("USE lake")
    cur.execute("DETACH DATABASE IF EXISTS part")
    cur.execute("ATTACH ':memory:' AS part")
    cur.execute("BEGIN TRANSACTION")
    try:
        measures = measures_of(cur)
        if measures is None:
            cur.execute("ROLLBACK")
            cur.close()
            return None
        # The tables computing reads are known (and every store has them since its schema
        # was brought up to date); listing the lake's costs 50–80 ms.
        names = _tables(cur) if every_small_table else ["observation", *COMPUTE_TABLES]
        for name in names:
            table = f'"{name}"'  # a name from the lake's catalogue (checked) or our own
            if name == "observation":
                cur.execute(
                    f"CREATE TABLE part.main.{table} AS SELECT * FROM lake.main.{table} "
                    "WHERE list_contains($measures, measure)",
                    {"measures": measures},
                )
            elif name in COMPUTE_TABLES or (every_small_table and name not in LARGE_TABLES):
                cur.execute(f"CREATE TABLE part.main.{table} AS SELECT * FROM lake.main.{table}")
        cur.execute("COMMIT")
    except BaseException:
        cur.execute("ROLLBACK")
        cur.close()
        raise
    cur.execute("USE part")
    cur.execute("SET search_path = 'part.main,lake.main,memory.main'")
    return cur
