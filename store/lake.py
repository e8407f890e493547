"""A connection's view of the lake: the lake as default catalog, the derived macros and
views in the connection's own catalog, and the small reads every module needs."""

from __future__ import annotations

from pathlib import Path

import duckdb

DERIVED_FILE = Path(__file__).with_name("derived.sql")


def use_lake(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Make the lake the default of this connection or cursor (each cursor starts on the
    in-memory catalog), with the macros of ``memory`` found after its tables."""
    con.execute("USE lake")
    con.execute("SET search_path = 'lake.main,memory.main'")
    return con


def is_lake(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "SELECT count(*) FROM duckdb_databases() WHERE database_name = 'lake'"
    ).fetchone()
    return bool(row and row[0])


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor of ``con`` (one per thread: DuckDB refuses one connection used from two
    threads at once) that reads and writes the store like ``con`` does."""
    cur = con.cursor()
    return use_lake(cur) if is_lake(cur) else cur


def create_derived(con: duckdb.DuckDBPyConnection) -> None:
    """The macros and views (derived.sql) in this connection's own in-memory catalog."""
    con.execute(DERIVED_FILE.read_text(encoding="utf-8"))


def count(
    con: duckdb.DuckDBPyConnection, sql: str, parameters: dict[str, object] | None = None
) -> int:
    """The number a counting query gives (0 when it gives no row)."""
    row = con.execute(sql, parameters).fetchone()
    return int(row[0]) if row else 0


def snapshot_id(con: duckdb.DuckDBPyConnection) -> int | None:
    """The DuckLake snapshot this connection reads now (None for an in-memory store)."""
    if not is_lake(con):
        return None
    row = con.execute("SELECT id FROM lake.current_snapshot()").fetchone()
    return int(row[0]) if row else None
