"""Opening the store: where it lives, its connection, its files kept private.

The module is the store's door: the names every caller uses with a connection (the
transaction of store/turns.py, the errors of store/errors.py, the lake helpers of
store/lake.py, the schema's version and upgrade of store/upgrade.py) are imported here, so
``db.transaction`` and ``db.StoreError`` are what the rest of the code writes.

The store is a DuckLake: a catalog database holds the tables' metadata and every snapshot,
Parquet files in a data folder hold the rows, and any number of processes read and write it
with snapshot isolation. Embedded (the default): the catalog is a SQLite file, named by
``--db`` / ``DASHBOARD_DB`` (default ``data/dashboard.sqlite``), and the data folder lies beside
it (``<file>.files/``). Server mode: ``DASHBOARD_CATALOG=postgresql://…`` names a PostgreSQL
catalog and ``DASHBOARD_DATA_PATH`` the shared data folder. ``":memory:"`` is a plain
in-memory DuckDB with the same tables (tests and scratch stores for previews).

This is the only module that calls ``duckdb.connect``. Each connection is an in-memory DuckDB
with the lake attached as ``lake`` and made the default; macros and views live in the
connection's own ``memory`` catalog (see derived.sql). DuckDB's extensions come from their
Python wheels (``duckdb-extension-*``) and are loaded from those files: nothing is downloaded.

Everything that writes goes through :func:`transaction`, because DuckDB commits each statement
of a multi-statement string on its own and a ``COMMIT`` after a failed statement saves nothing
without raising: failure has to be tracked here and turned into a ``ROLLBACK``. Writes take
turns: on one machine a lock file beside the catalog orders them, and every write raises the
one row of ``write_turn`` first, so that two writes from different machines conflict in
DuckLake and the second is refused whole (see :class:`StoreConflictError`).
"""

from __future__ import annotations

import atexit
import importlib.util
import json
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb

from store.errors import (
    EarlierStoreError,
    StoreConflictError,
    StoreError,
    StoreLockedError,
    StoreUnreachableError,
)
from store.lake import DERIVED_FILE, count, create_derived, cursor, is_lake, snapshot_id, use_lake
from store.turns import (
    GENERATION,
    WRITE_WAIT_SECONDS,
    _first_line,
    _lock_file,
    after_commit,
    retrying,
    transaction,
    writer_turn,
)
from store.upgrade import SCHEMA_FILE, SCHEMA_VERSION, SORT_ORDER, migrate, schema_version

__all__ = [
    "DERIVED_FILE",
    "GENERATION",
    "SCHEMA_FILE",
    "SCHEMA_VERSION",
    "SORT_ORDER",
    "WRITE_WAIT_SECONDS",
    "EarlierStoreError",
    "StoreConflictError",
    "StoreError",
    "StoreLockedError",
    "StoreUnreachableError",
    "after_commit",
    "count",
    "create_derived",
    "cursor",
    "is_lake",
    "migrate",
    "retrying",
    "schema_version",
    "snapshot_id",
    "transaction",
    "use_lake",
    "writer_turn",
]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "dashboard.sqlite"
# The default store of the versions up to 1 December 2026 (one DuckDB file): found beside a
# new store's file, it is refused with the way over rather than left for an empty new store.
EARLIER_NAMES = ("dashboard.duckdb",)
# Set while `store import` creates a new store on purpose (the way over from an earlier one).
_IMPORTING: ContextVar[bool] = ContextVar("importing", default=False)
# The commit that still runs on DuckDB 2.0 and can export a store made before DuckLake.
LAST_SINGLE_FILE_COMMIT = "25bd6fe"

# DuckDB takes 80 % of memory and every core unless told; the dashboard shares a small
# machine with Streamlit, so both are set explicitly and can be overridden. One thread: the
# queries are small and many (a page's, a load's), the concurrency is between users and
# processes, and a second thread cost more CPU than it saved time (issue 33, at 100x:
# computing all 87 results 7,4 s of CPU and 7,4 s on the clock with one, 9,0 s and 7,2 s
# with two; a page's first run after a load 0,07 s more CPU; a 10-row load 1,6 s more).
DEFAULT_MEMORY_LIMIT = "1GB"
DEFAULT_THREADS = 1
# Tables written row by row (follow-up, audit log, accounts) stay in the catalog until this
# many rows are inserted at once; `store maintain` moves them into Parquet files.
INLINING_ROWS = 200


EXTENSIONS = ("ducklake", "sqlite_scanner", "postgres_scanner")
DUCKDB_MAGIC = b"DUCK"

T = TypeVar("T")


@dataclass(frozen=True)
class Location:
    """Where a store lives: its DuckLake catalog and its data folder; ``lock`` is the lock
    file that orders writes on one machine (embedded stores only)."""

    catalog: str
    data_path: str
    label: str
    lock: Path | None = None

    @property
    def attach_target(self) -> str:
        return f"ducklake:{self.catalog}"


def resolve_db_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The store's file: the ``--db`` option, else ``DASHBOARD_DB``, else the default. In
    server mode (``DASHBOARD_CATALOG``) the file only names the store in this process."""
    if cli_value:
        return Path(cli_value)
    env = os.environ.get("DASHBOARD_DB")
    if env:
        return Path(env)
    return DEFAULT_DB_PATH


def server_catalog() -> str | None:
    """``DASHBOARD_CATALOG`` when it names a PostgreSQL catalog (server mode), else None."""
    value = os.environ.get("DASHBOARD_CATALOG", "").strip()
    if not value:
        return None
    if not value.startswith(("postgresql://", "postgres://")):
        raise StoreError(
            "DASHBOARD_CATALOG must be a PostgreSQL address (postgresql://user@host/database); "
            f"got {value.split('@')[-1]!r}"
        )
    return value


def locate(path: str | os.PathLike[str]) -> Location:
    """The store ``path`` names: the embedded store at that file, or in server mode the
    PostgreSQL catalog and data folder the environment names."""
    catalog = server_catalog()
    if catalog is not None:
        data = os.environ.get("DASHBOARD_DATA_PATH", "").strip()
        if not data:
            raise StoreError(
                "DASHBOARD_CATALOG is set but DASHBOARD_DATA_PATH is not: name the "
                "shared data folder every instance reads and writes"
            )
        host = catalog.split("@")[-1]
        return Location(f"postgres:{catalog}", data.rstrip("/") + "/", f"PostgreSQL {host}")
    file = Path(path)
    return Location(
        f"sqlite:{file}",
        str(file.with_name(file.name + ".files")) + "/",
        str(file),
        file.with_name(file.name + ".lock"),
    )


def _extension_file(name: str) -> Path:
    spec = importlib.util.find_spec(f"duckdb_extension_{name}")
    if spec is None or not spec.submodule_search_locations:
        raise StoreError(
            f"the package duckdb-extension-{name.replace('_', '-')} is not "
            "installed; install requirements.txt"
        )
    base = Path(next(iter(spec.submodule_search_locations)))
    file = base / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    if not file.exists():
        raise StoreError(
            f"{file} is missing: duckdb-extension-{name.replace('_', '-')} must "
            f"have the version of duckdb ({duckdb.__version__})"
        )
    return file


def _extension_files(location: Location) -> list[Path]:
    """The extensions a store at ``location`` needs (each takes a while to load: only those)."""
    catalog_kind = "sqlite_scanner" if location.lock is not None else "postgres_scanner"
    return [_extension_file(name) for name in ("ducklake", catalog_kind)]


def _literal(text: str) -> str:
    """A SQL string literal (ATTACH and LOAD take no parameters)."""
    return "'" + text.replace("'", "''") + "'"


_SPILL: list[str] = []


def _spill_folder() -> str:
    """A folder of this process's own for what DuckDB spills to disk. Its default, ``.tmp``
    in the working directory, is shared by every process started there (the dashboard and a
    command-line load), and two of them writing the same spill file corrupt each other's
    reads ("Could not read enough bytes from file .tmp/duckdb_temp_storage…")."""
    if not _SPILL or not Path(_SPILL[0]).is_dir():
        folder = tempfile.mkdtemp(prefix=f"samverkan-duckdb-{os.getpid()}-")
        atexit.register(shutil.rmtree, folder, True)
        _SPILL[:] = [folder]
    return _SPILL[0]


# DuckDB checks an extension's signature on every LOAD by hashing its file (35 MB each): 0,24 s
# CPU per extension in every process, half a second of every command line. The files are
# those of the pinned, hash-checked packages of the lock file; once DuckDB has verified a file,
# this process's user records it (path, size, time, inode, DuckDB's version) in a file of its
# own, and a later process that finds the same file there loads it without the check. A
# changed or replaced file does not match and is verified again before it is recorded.
VERIFIED_FILE_ENV = "DASHBOARD_VERIFIED_EXTENSIONS"


def _verified_file() -> Path:
    if os.environ.get(VERIFIED_FILE_ENV):
        return Path(os.environ[VERIFIED_FILE_ENV])
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "samverkan-dashboard" / "verified-extensions.json"


def _extension_identity(file: Path) -> str:
    stat = file.stat()
    return f"{file}|{stat.st_size}|{stat.st_mtime_ns}|{stat.st_ino}|{duckdb.__version__}"


def _verified(files: list[Path]) -> bool:
    """Whether DuckDB verified each of ``files`` as it is now (see VERIFIED_FILE_ENV)."""
    path = _verified_file()
    try:
        stat = path.stat()
        if stat.st_uid != os.getuid() or stat.st_mode & 0o022:
            return False  # only a record of this user's own, writable by nobody else
        known = set(json.loads(path.read_text(encoding="utf-8")))
        return all(_extension_identity(f) in known for f in files)
    except (OSError, ValueError, TypeError):
        return False


def _record_verified(files: list[Path]) -> None:
    path = _verified_file()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            known = set(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            known = set()
        known.update(_extension_identity(f) for f in files)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".verified-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:  # mkstemp: mode 0600
            json.dump(sorted(known), out)
        os.replace(temporary, path)
    except OSError:
        pass  # a read-only home: every process checks the signatures, as DuckDB does


def _new_connection(verified: bool = False) -> duckdb.DuckDBPyConnection:
    config = {
        "memory_limit": os.environ.get("DASHBOARD_DB_MEMORY", DEFAULT_MEMORY_LIMIT),
        "threads": int(os.environ.get("DASHBOARD_DB_THREADS", DEFAULT_THREADS)),
        "temp_directory": _spill_folder(),
        "autoinstall_known_extensions": False,  # never download anything
    }
    if verified:  # see VERIFIED_FILE_ENV: the files this connection loads were checked
        config["allow_unsigned_extensions"] = True
    con = duckdb.connect(":memory:", config=config)
    con.execute("SET enable_progress_bar = false")  # no bar on the terminal of a CLI load
    return con


def earlier_store(file: Path) -> Path | None:
    """A store of the earlier kind beside where ``file`` would be (see _prepare_file)."""
    return _earlier_store(file)


def _earlier_store(file: Path) -> Path | None:
    """A store of an earlier version in ``file``'s folder (its default name, or ``file``'s own
    name with the earlier suffix), if there is one."""
    for candidate in (file.with_suffix(".duckdb"), *(file.with_name(n) for n in EARLIER_NAMES)):
        if candidate != file and candidate.is_file() and candidate.stat().st_size >= 12:
            with candidate.open("rb") as head:
                if head.read(12)[8:12] == DUCKDB_MAGIC:
                    return candidate
    return None


@contextmanager
def importing() -> Iterator[None]:
    """A new store is created on purpose (``store import``): an earlier one beside it is
    what it is being moved over from."""
    token = _IMPORTING.set(True)
    try:
        yield
    finally:
        _IMPORTING.reset(token)


def _prepare_file(location: Location) -> None:
    """Refuse a store file of the old kind; create a new catalog file with write-ahead logging
    (readers never block the writer), readable by its owner only."""
    file = Path(location.label)
    file.parent.mkdir(parents=True, exist_ok=True)
    if file.exists() and file.stat().st_size >= 12:
        with file.open("rb") as head:
            if head.read(12)[8:12] == DUCKDB_MAGIC:
                raise StoreError(
                    f"{file} is a store made before the DuckLake store (one DuckDB 2.0 file). "
                    f"Move it over: check out commit {LAST_SINGLE_FILE_COMMIT}, run "
                    f"'python -m store export DIR --db {file}', come back to this version and "
                    "run 'python -m store import DIR --db NEW_FILE'."
                )
    if not file.exists() and not _IMPORTING.get():
        earlier = _earlier_store(file)
        if earlier is not None:
            raise EarlierStoreError(
                f"No store at {file}, but a store of an earlier version is at {earlier}; "
                "nothing was created beside it. Move it over: check out commit "
                f"{LAST_SINGLE_FILE_COMMIT}, run 'python -m store export DIR --db {earlier}', "
                f"come back to this version and run 'python -m store import DIR --db {file}' "
                f"(or name the store you mean with --db or DASHBOARD_DB).",
                file,
                earlier,
            )
    if not file.exists():
        fd = os.open(file, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        os.close(fd)
        with sqlite3.connect(file) as catalog:
            catalog.execute("PRAGMA journal_mode=WAL")
    data = Path(location.data_path)
    data.mkdir(mode=0o700, parents=True, exist_ok=True)


def connect(
    path: str | os.PathLike[str] | None = None, *, snapshot: int | None = None
) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the store at ``path`` and bring its schema up to date; with
    ``snapshot`` the store as it was at that DuckLake snapshot, read-only.

    ``":memory:"`` gives a plain in-memory store, used by tests and previews.
    """
    target = str(path) if path is not None else str(resolve_db_path())
    if target == ":memory:":
        if snapshot is not None:
            raise StoreError("an in-memory store has no snapshots")
        con = _new_connection()
        migrate(con)
        create_derived(con)
        return con
    location = locate(target)
    private_files()
    _OPENED.add(Path(location.data_path).parent)
    if location.lock is None:  # server mode: the shared data folder, private when we make it
        Path(location.data_path).mkdir(mode=0o700, parents=True, exist_ok=True)
    files = _extension_files(location)
    verified = _verified(files)
    con = _new_connection(verified)
    try:
        if location.lock is not None:
            _prepare_file(location)
        for file in files:
            con.execute(f"LOAD {_literal(str(file))}")
        if not verified:
            _record_verified(files)
        # The data folder is where this process finds it (a copied or moved store, a share
        # mounted elsewhere on another machine), not where the catalog first saw it.
        options = [
            f"DATA_PATH {_literal(location.data_path)}",
            "OVERRIDE_DATA_PATH true",
            f"DATA_INLINING_ROW_LIMIT {INLINING_ROWS}",
        ]
        if snapshot is not None:
            options += [f"SNAPSHOT_VERSION {int(snapshot)}", "READ_ONLY"]
        con.execute(f"ATTACH {_literal(location.attach_target)} AS lake ({', '.join(options)})")
    except StoreError:
        con.close()
        raise
    except duckdb.Error as exc:
        con.close()
        raise StoreUnreachableError(
            f"Could not open the store's catalog ({location.label}): {redact(_first_line(exc))}"
        ) from exc
    use_lake(con)
    if snapshot is None:
        retrying(lambda: migrate(con))
    create_derived(con)
    return con


def private_files() -> None:
    """Every file and folder this process creates from now on is its owner's only (0600 and
    0700; issue 34): the store's data files hold the accounts' password hashes and the key
    that signs session cookies, and an export or a backup holds the same. In server mode every
    instance and timer runs as the one service account that owns the data folder (see
    docs/store.md: what the share must allow)."""
    os.umask(0o077)


# A password in a catalog's address (postgresql://user:secret@host/db) or a libpq option
# (password=secret): never in a message or a log line.
_SECRETS = (
    (re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^/@\s:]*:)[^@\s/]*(?=@)", re.I), r"\g<head>***"),
    (re.compile(r"(?P<head>\bpassword\s*=\s*)('[^']*'|\S+)", re.I), r"\g<head>***"),
)


def redact(text: str) -> str:
    """``text`` with any password of a connection string replaced by ***."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


# Below this much free space where the store lives, a failed write is put down to a full disk
# (SQLite then says only "disk I/O error", DuckDB "No space left on device" or nothing).
DISK_FULL_BYTES = 1 << 20


# The folders of the stores this process opened (where a failure may be a full disk).
_OPENED: set[Path] = set()


def disk_full(con: duckdb.DuckDBPyConnection | None = None) -> bool:
    """Whether the disk that holds the store ``con`` is on (its catalog file's folder, or a
    server's data folder; without ``con`` every store this process opened) is full, or
    nearly."""
    folders: list[Path] = [] if con is not None else sorted(_OPENED)
    with suppress(duckdb.Error, AttributeError):
        if con is not None:
            lock = _lock_file(con)
            if lock is not None:
                folders.append(lock.parent)
    data = os.environ.get("DASHBOARD_DATA_PATH", "").strip()
    if data:
        folders.append(Path(data))
    for folder in folders:
        with suppress(OSError):
            if shutil.disk_usage(folder).free < DISK_FULL_BYTES:
                return True
    return False
