"""Opening the one DuckDB file, creating and migrating its schema, and transactions.

This is the only module that calls ``duckdb.connect``. Everything that writes goes through
:func:`transaction`, because DuckDB commits each statement of a multi-statement string on
its own and a ``COMMIT`` after a failed statement saves nothing without raising: failure has
to be tracked here and turned into a ``ROLLBACK``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "dashboard.duckdb"
SCHEMA_FILE = Path(__file__).with_name("schema.sql")
SCHEMA_VERSION = 9

# DuckDB takes 80 % of memory and every core unless told; the dashboard shares a small
# machine with Streamlit, so both are set explicitly and can be overridden.
DEFAULT_MEMORY_LIMIT = "1GB"
DEFAULT_THREADS = 2


class StoreError(Exception):
    """A problem with the store that a user can act on; the message says what to do."""


class StoreLockedError(StoreError):
    """Another process (usually the running dashboard) holds the database file."""


def resolve_db_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The database path: the ``--db`` option, else ``DASHBOARD_DB``, else the default."""
    if cli_value:
        return Path(cli_value)
    env = os.environ.get("DASHBOARD_DB")
    if env:
        return Path(env)
    return DEFAULT_DB_PATH


def connect(path: str | os.PathLike[str] | None = None) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the store at ``path`` and bring its schema up to date.

    ``":memory:"`` gives an in-memory store, used by tests.
    """
    target = str(path) if path is not None else str(resolve_db_path())
    if target != ":memory:":
        Path(target).parent.mkdir(parents=True, exist_ok=True)

    config = {
        "memory_limit": os.environ.get("DASHBOARD_DB_MEMORY", DEFAULT_MEMORY_LIMIT),
        "threads": int(os.environ.get("DASHBOARD_DB_THREADS", DEFAULT_THREADS)),
    }
    created = target != ":memory:" and not Path(target).exists()
    try:
        con = duckdb.connect(target, config=config)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise StoreLockedError(
                f"The database file {target} is in use by another process (is the dashboard "
                "running?). Nothing was changed. Stop that process, or load through the "
                "dashboard, and try again."
            ) from exc
        raise StoreError(f"Could not open the database file {target}: {exc}") from exc
    if created:  # it holds password hashes and the session key: its owner's only
        os.chmod(target, 0o600)
    con.execute("SET enable_progress_bar = false")  # no bar on the terminal of a CLI load
    migrate(con)
    return con


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()
    if not exists or exists[0] == 0:
        return 0
    row = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
    return int(row[0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table that is missing and record the schema version. Safe to re-run."""
    current = schema_version(con)
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"The database has schema version {current}, newer than this program's "
            f"{SCHEMA_VERSION}. Upgrade the program before using this file."
        )
    with transaction(con):
        con.execute(SCHEMA_FILE.read_text(encoding="utf-8"))
        if current < SCHEMA_VERSION:
            con.execute("INSERT INTO schema_version (version) VALUES ($v)", {"v": SCHEMA_VERSION})


# Connections (cursors) inside a transaction of ours: a nested block joins the outer one,
# so a guarded write can wrap a load that opens its own transaction.
_OPEN: set[int] = set()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: commit when the block ends normally, roll back on any exception. A
    block inside another on the same connection is part of the outer transaction."""
    if id(con) in _OPEN:
        yield con
        return
    con.execute("BEGIN TRANSACTION")
    _OPEN.add(id(con))
    try:
        yield con
    except BaseException:
        _OPEN.discard(id(con))
        con.execute("ROLLBACK")
        raise
    _OPEN.discard(id(con))
    con.execute("COMMIT")
