"""Creating the schema and bringing an older store up to this program's version (each step
safe to run again, also by two processes at once)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from store import loading, police, queries
from store.errors import StoreError
from store.lake import create_derived, is_lake
from store.turns import transaction

SCHEMA_FILE = Path(__file__).with_name("schema.sql")


SCHEMA_VERSION = 20
# Version 20: the districts' reports to the beredningsgrupp (a table, schema.sql).
# Version 19: columns added to tables of earlier versions (CREATE IF NOT EXISTS leaves an
# existing table as it is); nullable, as the lake adds no column with a default.
ADDED_COLUMNS = (
    ("indicator_target", "is_example", "BOOLEAN"),
    ("calendar_done", "is_example", "BOOLEAN"),
)


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The store's schema version, 0 for a new store. Read directly (every process opens
    with it): the lake's information_schema costs about 70 ms, this query 15."""
    try:
        row = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
    except (duckdb.CatalogException, duckdb.InvalidInputException):
        # No such table (DuckDB's Python client then offers this function of the same name
        # as a table, and refuses it): a new store, never inside a transaction.
        exists = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
        ).fetchone()
        if exists and exists[0]:
            raise
        return 0
    return int(row[0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table that is missing and record the schema version. Safe to re-run, also
    by two processes at once (the second finds the tables there or retries)."""
    current = schema_version(con)
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"The store has schema version {current}, newer than this program's "
            f"{SCHEMA_VERSION}. Upgrade the program before using it."
        )
    if current == SCHEMA_VERSION:
        return
    if 0 < current < 10 and is_lake(con):  # cannot happen: older versions were DuckDB files
        raise StoreError(f"The store has schema version {current}; import an export instead")
    if current == 10:
        _add_in_force(con)
        current = 11
    if 11 <= current < SCHEMA_VERSION:  # 12 to 16 add tables (15: two columns), 17 sorts,
        with transaction(con):
            if schema_version(con) == current:
                con.execute(SCHEMA_FILE.read_text(encoding="utf-8"))
                if current < 16:
                    police.refresh_series_coverage(con)  # 16: from the events already stored
                if current < 18:
                    queries.fill_batch_measures(con)
                if current < 19:
                    _add_columns(con)
                _sort_order(con)
                con.execute(
                    "INSERT INTO schema_version (version) VALUES ($v)", {"v": SCHEMA_VERSION}
                )
        return
    with transaction(con, turn=False):
        con.execute(SCHEMA_FILE.read_text(encoding="utf-8"))
        _sort_order(con)
        con.execute("INSERT INTO schema_version (version) VALUES ($v)", {"v": SCHEMA_VERSION})
        con.execute("INSERT INTO write_turn (turn) VALUES (0)")


def _add_columns(con: duckdb.DuckDBPyConnection) -> None:
    """The columns of :data:`ADDED_COLUMNS` a table does not have yet."""
    for table, column, kind in ADDED_COLUMNS:
        if not queries.has_column(con, table, column):
            con.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")  # constants above


# Version 17: the order the lake writes a table's rows in (when a file is written: a flush of
# inlined rows, `store maintain`'s merging and rewriting; loads insert in this order too). A
# read of one measure's observations (every page's series, the results' refresh) then reads
# the files and row groups that hold it, not every row of the table: 0,65 → 0,10 s CPU for the
# 211 000 rows of one crime category in the 100x store.
SORT_ORDER = {"observation": ("measure", "region_code", "year", "month")}


def _sort_order(con: duckdb.DuckDBPyConnection) -> None:
    if not is_lake(con):  # a plain DuckDB store (tests, previews) has no files to sort
        return
    for table, columns in SORT_ORDER.items():
        con.execute(f"ALTER TABLE {table} SET SORTED BY ({', '.join(columns)})")


def _add_in_force(con: duckdb.DuckDBPyConnection) -> None:
    """Version 10 → 11: the column that says which observation is in force, filled for every
    stored row. Two transactions (the views over the column can only be made once it is
    there, and not in a transaction that writes the lake); each is safe to run again, so a
    second process, or a run after a crash between them, finds the work done or finishes it."""
    with transaction(con):
        columns = con.execute(
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_name = 'observation' AND column_name = 'in_force'"
        ).fetchone()
        if not columns or columns[0] == 0:
            con.execute("ALTER TABLE observation ADD COLUMN in_force BOOLEAN")
    create_derived(con)
    with transaction(con):
        if schema_version(con) != 10:
            return
        loading.refresh_in_force(con, None)
        con.execute("INSERT INTO schema_version (version) VALUES (11)")
