"""The store as a front door uses it: one connection per process and database file, the
region register copied in, the demo data on first start where harmless (:func:`demo_wanted`),
and the versions the read model keys its views on."""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from collections.abc import Collection
from contextvars import ContextVar
from pathlib import Path

import duckdb

from access.users import users_path
from catalogue.catalogue import CATALOGUE_DIR
from loaders.demo import ensure_demo, load_demo, place_prepared
from loaders.reference import sync
from store import accounts as store_accounts
from store import backup, db, followup, loading, queries, transfer
from store.db import (
    LAST_SINGLE_FILE_COMMIT,
    PROJECT_ROOT,
    EarlierStoreError,
    StoreError,
    StoreLockedError,
    StoreUnreachableError,
    redact,
    resolve_db_path,
)
from store.replica import Replica

__all__ = [
    "LAST_SINGLE_FILE_COMMIT",
    "PROJECT_ROOT",
    "EarlierStoreError",
    "StoreError",
    "StoreLockedError",
    "StoreUnreachableError",
    "connection",
    "current_cursor",
    "cursor",
    "db_path",
    "open_store",
    "redact",
    "version",
    "write_cursor",
]

_CONNECTIONS: dict[str, duckdb.DuckDBPyConnection] = {}
_LOCK = threading.Lock()


def open_store(path: str | os.PathLike[str] | None = None) -> duckdb.DuckDBPyConnection:
    """The one way a process opens the store (pages, command lines, the front gate, the
    timers): connect, bring the schema up to date, and make sure its region register matches
    the reference files."""
    con = db.connect(path)
    sync(con)
    return con


def db_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The store's path: ``--db``, else ``DASHBOARD_DB``, else the default under data/."""
    return resolve_db_path(cli_value)


def connection(
    path: str | os.PathLike[str] | None = None, demo: bool = True
) -> duckdb.DuckDBPyConnection:
    """The process's one read-write connection to the store at ``path``; the first time it is
    opened, an empty store is filled with the demo data when ``demo`` (the caller knows of
    no sign-in configured) and :func:`demo_wanted` says it is harmless."""
    key = str(db_path(path))
    with _LOCK:
        con = _CONNECTIONS.get(key)
        if con is None:
            if demo and demo_may_be_placed(key):
                place_prepared(db.locate(key))  # the prepared demo in one step, if current
            con = open_store(key)
            if demo and demo_wanted(con):
                ensure_demo(con)
            _CONNECTIONS[key] = con
    return con


DEMO_ENV = "DASHBOARD_DEMO"
OFF = ("off", "0", "no", "false")


def demo_may_be_placed(path: str) -> bool:
    """Before a store is opened: whether the prepared demo store may be copied in as the new
    store at ``path`` (the rules of :func:`demo_wanted` that hold before a store exists, for
    an embedded store file that does not exist yet, with no earlier store beside it)."""
    if not _demo_allowed():
        return False
    location = db.locate(path)
    file = Path(location.label)
    data = Path(location.data_path)
    if file.exists() or (data.exists() and any(data.iterdir())):
        return False
    return db.earlier_store(file) is None


def _demo_allowed() -> bool:
    """What allows the demo whatever the store holds: not turned off, no server's catalog,
    no accounts file of an earlier version waiting to be moved in."""
    if os.environ.get(DEMO_ENV, "on").strip().lower() in OFF:
        return False
    return db.server_catalog() is None and not users_path().exists()


def demo_wanted(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a store may be filled with the demo data at start (issue 34): only an embedded
    store (never a server's catalog, whatever else holds), with no account, no accounts file
    of an earlier version waiting to be moved in, and not turned off (``DASHBOARD_DEMO=off``).
    The store must also be empty (``ensure_demo``). ``python -m store init --demo`` fills
    a store when asked, whatever this says."""
    if not _demo_allowed():
        return False
    cur = db.cursor(con)
    try:
        return store_accounts.count(cur) == 0
    finally:
        cur.close()


def check_reachable(path: str | os.PathLike[str] | None = None) -> None:
    """Raise StoreUnreachableError when the store's catalog does not answer now (asked when
    the read copy looks for a newer snapshot, at most every half second)."""
    token = AS_OF.set(None)
    try:
        con = connection(path)
        replica = _replica(str(db_path(path)), con, fixed=False)
        if replica is not None:
            replica.refresh()  # no cursor of its own: the copy asks the catalog when due
        else:
            db.cursor(con).close()
    except duckdb.Error as exc:
        raise StoreUnreachableError(
            f"the store's catalog does not answer: {db.redact(str(exc))}"
        ) from exc
    finally:
        AS_OF.reset(token)


def way_over(exc: EarlierStoreError) -> str:
    """The commands that move an earlier store over to this version (the page and the front
    gate show them; the command line's message names the same steps)."""
    return (
        f"git checkout {LAST_SINGLE_FILE_COMMIT}\n"
        f"python -m store export /tmp/samverkan-export --db {exc.earlier}\n"
        "git checkout -  # tillbaka till den här versionen\n"
        f"python -m store import /tmp/samverkan-export --db {exc.file}"
    )


def health_problem(path: str | os.PathLike[str] | None = None) -> str | None:
    """Why the store cannot serve now, in English for the health endpoint (a load balancer
    or an operator's probe), None when it can: its catalog answers and its data folder is
    there. Never a password (redacted)."""
    try:
        check_reachable(path)
        folder = Path(db.locate(db_path(path)).data_path)
    except (StoreError, duckdb.Error, OSError) as exc:
        return redact(" ".join(str(exc).split()))[:300]
    if not folder.is_dir():
        return f"the store's data folder {folder} is not there"
    return None


def snapshot_connection(
    snapshot: int, path: str | os.PathLike[str] | None = None
) -> duckdb.DuckDBPyConnection:
    """The process's read-only connection to the store at ``path`` as it was at ``snapshot``
    (a saved meeting): what later loads, undo and maintenance did is not there."""
    key = f"{db_path(path)}@{int(snapshot)}"
    with _LOCK:
        con = _CONNECTIONS.get(key)
        if con is None:
            con = db.connect(db_path(path), snapshot=int(snapshot))
            _CONNECTIONS[key] = con
    return con


# The snapshot the current script run reads (a meeting opened with ?mote=NAME), None for the
# store as it stands. Set at the start of every run and fragment run by the page layer; each
# run has its thread, and a new thread starts with no value.
AS_OF: ContextVar[int | None] = ContextVar("as_of", default=None)


_REPLICAS: dict[str, Replica] = {}


def _replica(key: str, con: duckdb.DuckDBPyConnection, fixed: bool) -> Replica | None:
    with _LOCK:
        replica = _REPLICAS.get(key)
        if replica is None:
            if not db.is_lake(con):
                return None
            replica = _REPLICAS[key] = Replica(con, fixed=fixed)
    return replica


def cursor(path: str | os.PathLike[str] | None = None) -> duckdb.DuckDBPyConnection:
    """A cursor of its own for each caller, for reading (DuckDB refuses one connection used
    from two threads at once, and every Streamlit session runs in a thread): on the process's
    in-memory copy of the store (store.replica), brought up to date first, or of the meeting
    this run shows (see :data:`AS_OF`)."""
    snapshot = AS_OF.get()
    key = str(db_path(path))
    if snapshot is not None:
        con = snapshot_connection(snapshot, path)
        key = f"{key}@{int(snapshot)}"
    else:
        con = connection(path)
    replica = _replica(key, con, fixed=snapshot is not None)
    return replica.cursor() if replica is not None else db.cursor(con)


def current_cursor(path: str | os.PathLike[str] | None = None) -> duckdb.DuckDBPyConnection:
    """A reading cursor on the store as it stands now, whatever meeting the run shows (for
    the "ändrat sedan mötet" marks)."""
    token = AS_OF.set(None)
    try:
        return cursor(path)
    finally:
        AS_OF.reset(token)


def write_cursor(path: str | os.PathLike[str] | None = None) -> duckdb.DuckDBPyConnection:
    """A cursor on the store itself, for writes (and the reads a write makes in its own
    transaction). Never the read copy: what is written there is not kept."""
    return db.cursor(connection(path))


def init(path: str | os.PathLike[str] | None = None, demo: bool = False) -> list[object]:
    """Create or migrate the store and copy the register; with ``demo`` load the demo data
    (files already loaded are left alone). Returns the load reports."""
    con = open_store(db_path(path))
    try:
        return list(load_demo(con)) if demo else []
    finally:
        con.close()


def backup_store(folder: Path, path: str | os.PathLike[str] | None = None) -> dict[str, object]:
    """A backup of the store at ``path`` into the new folder ``folder`` that keeps
    everything, its saved meetings included (see store.backup)."""
    target = db_path(path)
    con = open_store(target)
    try:
        return backup.backup(con, db.locate(target), Path(folder))
    finally:
        con.close()


def restore_store(folder: Path, path: str | os.PathLike[str] | None = None) -> dict[str, object]:
    """The backup in ``folder`` as the new store at ``path``, checked table by table and
    meeting by meeting against the backup; on any difference nothing is left of it (of an
    embedded store; a server's new database and folder are the operator's to drop)."""
    target = db_path(path)
    location = db.locate(target)
    data = Path(location.data_path)
    created = location.lock is not None and not target.exists() and not data.exists()
    try:
        manifest = backup.restore(Path(folder), location)
        con = db.connect(target)
        try:
            backup.check(con, manifest)
        finally:
            con.close()
    except BaseException:
        if created:
            for leftover in (target, target.with_name(target.name + ".wal")):
                leftover.unlink(missing_ok=True)
            shutil.rmtree(data, ignore_errors=True)
        raise
    return manifest


def describe(path: str | os.PathLike[str] | None = None) -> str:
    """Which store ``path`` opens and what it holds, for ``store init``: "data/x.sqlite
    (embedded, schema version 18; 3 batches, 2 accounts, 220 regions in the register)"."""
    target = db_path(path)
    location = db.locate(target)
    con = open_store(target)
    try:
        cur = db.cursor(con)
        try:
            version = db.schema_version(cur)
            batches, users, regions = loading.store_counts(cur)
        finally:
            cur.close()
    finally:
        con.close()
    where = (
        f"{target} (embedded" if location.lock is not None
        else f"{location.label}, data folder {location.data_path} (server mode"
    )  # fmt: skip
    return (
        f"{where}, schema version {version}; {batches} batches, {users} accounts, "
        f"{regions} regions in the register)"
    )


def export_store(folder: Path, path: str | os.PathLike[str] | None = None) -> dict[str, int]:
    """Every table of the store as Parquet in ``folder`` (see store.transfer)."""
    con = open_store(db_path(path))
    try:
        return transfer.export_store(con, Path(folder))
    finally:
        con.close()


def import_store(folder: Path, path: str | os.PathLike[str] | None = None) -> dict[str, int]:
    """A new store at ``path`` from an export; refused when the file exists already. On any
    failure the new file is removed again."""
    target = db_path(path)
    transfer.read_manifest(Path(folder))  # before anything is created
    if target.exists():
        raise StoreError(f"{target} exists already; import into a new store file")
    try:
        with db.importing():
            con = open_store(target)
        try:
            return transfer.import_store(con, Path(folder))
        finally:
            con.close()
    except BaseException:
        remove_store(target)
        raise


def remove_store(target: Path) -> None:
    """Remove an embedded store: its catalog file, the catalog's journal and the data folder."""
    for suffix in ("", "-wal", "-shm", "-journal", ".lock"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    shutil.rmtree(target.with_name(target.name + ".files"), ignore_errors=True)


# Per page run (begin_run): the catalogue's version, read once. Every cached view asks for it,
# about fifty times a run of Stadsdelsområde (1 ms each); the files are not edited by a run.
_RUN: ContextVar[dict[str, str] | None] = ContextVar("page_run", default=None)


def begin_run() -> None:
    """A page's script run starts (main.py): what it reads once per run is read again."""
    _RUN.set({})


def catalogue_version(root: Path = CATALOGUE_DIR) -> str:
    """Changes when any YAML file of the catalogue is edited, added or removed (read with
    os.scandir, once per page run: every cached view asks, and pathlib's rglob took 2,5 times
    as long)."""
    run = _RUN.get()
    if run is None:
        return _catalogue_version(root)
    key = str(root)
    if key not in run:
        run[key] = _catalogue_version(root)
    return run[key]


def _catalogue_version(root: Path) -> str:
    found: list[tuple[str, int, int]] = []
    folders = [str(root)]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                elif entry.name.endswith(".yaml"):
                    stat = entry.stat()
                    name = os.path.relpath(entry.path, root)
                    found.append((name, stat.st_mtime_ns, stat.st_size))
    digest = hashlib.sha256()
    for name, mtime, size in sorted(found):
        digest.update(f"{name}:{mtime}:{size};".encode())
    return digest.hexdigest()[:16]


# The tables the views of each kind read: a view keyed on "data" is computed again when any of
# the first changed, one keyed on "followup" when any of the second did.
DATA_TABLES = (
    "load_batch", "observation", "population", "measure", "source", "source_gap",
    "survey_round", "police_event", "police_event_type", "gazetteer", "reference_state",
    "region", "region_succession", "region_alias", "region_leaf", "region_today",
    "indicator_target",
)  # fmt: skip
FOLLOWUP_TABLES = (
    "action", "action_history", "action_note", "assessment", "analysis_comment",
    "upload_mapping", "timeline_event", "timeline_event_removal", "local_agreement",
    "calendar_done", "reminder_sent", "district_report", "action_plan",
    "alert_subscription", "alert_sent",
)  # fmt: skip


def _replica_in_use(path: str | os.PathLike[str] | None = None) -> Replica | None:
    snapshot = AS_OF.get()
    key = str(db_path(path)) + (f"@{int(snapshot)}" if snapshot is not None else "")
    with _LOCK:
        return _REPLICAS.get(key)


def versions(names: tuple[str, ...], path: str | os.PathLike[str] | None = None) -> tuple[str, ...]:
    """The versions of ``names`` (see :func:`version`): from the copy the pages read, with no
    cursor, once there is one; else counted in the store with one cursor."""
    if _replica_in_use(path) is not None or set(names) <= {"catalogue"}:
        return tuple(version(None, name, path) for name in names)
    con = cursor(path)  # makes the copy, when the store has one
    try:
        return tuple(version(con, name, path) for name in names)
    finally:
        con.close()


def version(
    con: duckdb.DuckDBPyConnection | None, name: str, path: str | os.PathLike[str] | None = None
) -> str:
    """What a cached view can depend on: ``data`` (loads and undo), ``followup`` (actions,
    notes, assessments, comments, mappings) or ``catalogue`` (the YAML files). Read from the
    copy the pages read when there is one (no query: it knows which tables it copied when),
    else counted in the store with ``con``."""
    if name in ("data", "followup"):
        replica = _replica_in_use(path)
        if replica is not None:
            return replica.version(DATA_TABLES if name == "data" else FOLLOWUP_TABLES)
    if name == "catalogue":
        return catalogue_version()
    if con is None:
        raise ValueError(f"the version of {name!r} needs a cursor when there is no copy")
    if name == "data":
        return queries.data_version(con)
    if name == "followup":
        return followup.version(con)
    raise ValueError(f"unknown dependency {name!r}")


def close_all(keep: Collection[str] = ()) -> None:
    """Close every connection this process holds (tests that read a store file a page
    wrote, and a server shutting down), but those to the stores whose paths ``keep`` names
    (with their read copies, also as of a meeting)."""

    def kept(key: str) -> bool:
        return key.split("@")[0] in keep

    with _LOCK:
        for key in [k for k in _CONNECTIONS if not kept(k)]:
            _CONNECTIONS.pop(key).close()
        for key in [k for k in _REPLICAS if not kept(k)]:
            del _REPLICAS[key]
