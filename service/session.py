"""The store as a front door uses it: one connection per process and database file, the
region register copied in, the demo data on first start, and the versions the read model
keys its views on."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import duckdb

from catalogue.catalogue import CATALOGUE_DIR
from loaders.demo import ensure_demo, load_demo
from loaders.reference import open_store
from store import audit, followup, queries, transfer
from store.db import PROJECT_ROOT, StoreError, StoreLockedError, resolve_db_path, transaction

__all__ = [
    "PROJECT_ROOT",
    "StoreError",
    "StoreLockedError",
    "connection",
    "cursor",
    "db_path",
    "open_store",
    "version",
]

_CONNECTIONS: dict[str, duckdb.DuckDBPyConnection] = {}
_LOCK = threading.Lock()


def db_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The store's path: ``--db``, else ``DASHBOARD_DB``, else the default under data/."""
    return resolve_db_path(cli_value)


def connection(path: str | os.PathLike[str] | None = None) -> duckdb.DuckDBPyConnection:
    """The process's one read-write connection to the store at ``path``; an empty store is
    filled with the demo data the first time it is opened."""
    key = str(db_path(path))
    with _LOCK:
        con = _CONNECTIONS.get(key)
        if con is None:
            con = open_store(key)
            ensure_demo(con)
            _CONNECTIONS[key] = con
    return con


def cursor(path: str | os.PathLike[str] | None = None) -> duckdb.DuckDBPyConnection:
    """A cursor of its own for each caller: DuckDB refuses one connection used from two
    threads at once, and every Streamlit session runs in a thread. Audit entries other
    processes left while this one held the store are moved into the log first."""
    con = connection(path).cursor()
    drain_inbox(con, db_path(path))
    return con


def _inbox(path: Path) -> Path:
    return path.with_name(path.name + ".audit-inbox.jsonl")


def record_audit(who: str, what: str, detail: str = "", path: Path | None = None) -> None:
    """An audit entry from a process that changed something outside the store (the accounts
    file). Written to the store at once when it can be opened; while the dashboard holds the
    file, kept in an inbox beside it (0600) that the dashboard moves into the log at its next
    script run, in one transaction."""
    import json
    from datetime import datetime

    target = db_path(path)
    key = str(target)
    if key in _CONNECTIONS:
        con = _CONNECTIONS[key].cursor()
        with transaction(con):
            audit.record(con, who, what, detail)
        return
    try:
        con = open_store(target)
    except StoreLockedError:
        line = json.dumps(
            {"who": who, "what": what, "detail": detail, "at": datetime.now().isoformat()}
        )
        fd = os.open(_inbox(target), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
        return
    try:
        with transaction(con):
            audit.record(con, who, what, detail)
    finally:
        con.close()


def drain_inbox(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Move the entries other processes left in the inbox into the audit log (one
    transaction); returns how many."""
    import json

    inbox = _inbox(path)
    if not inbox.exists():
        return 0
    taken = inbox.with_name(f"{inbox.name}.{os.getpid()}.{threading.get_ident()}")
    try:
        os.replace(inbox, taken)
    except FileNotFoundError:
        return 0  # another thread took it
    entries = [json.loads(line) for line in taken.read_text(encoding="utf-8").splitlines() if line]
    with transaction(con):
        for entry in entries:
            audit.record(
                con, entry["who"], entry["what"], f"{entry['detail']} (kl. {entry['at'][:16]})"
            )
    taken.unlink()
    return len(entries)


def init(path: str | os.PathLike[str] | None = None, demo: bool = False) -> list[object]:
    """Create or migrate the store and copy the register; with ``demo`` load the demo data
    (files already loaded are left alone). Returns the load reports."""
    con = open_store(db_path(path))
    try:
        return list(load_demo(con)) if demo else []
    finally:
        con.close()


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
        con = open_store(target)
        try:
            return transfer.import_store(con, Path(folder))
        finally:
            con.close()
    except BaseException:
        for leftover in (target, target.with_name(target.name + ".wal")):
            leftover.unlink(missing_ok=True)
        raise


def catalogue_version(root: Path = CATALOGUE_DIR) -> str:
    """Changes when any YAML file of the catalogue is edited, added or removed."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.yaml")):
        stat = path.stat()
        digest.update(f"{path.relative_to(root)}:{stat.st_mtime_ns}:{stat.st_size};".encode())
    return digest.hexdigest()[:16]


def version(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """What a cached view can depend on: ``data`` (loads and undo), ``followup`` (actions,
    notes, assessments, comments, mappings) or ``catalogue`` (the YAML files)."""
    if name == "data":
        return queries.data_version(con)
    if name == "followup":
        return followup.version(con)
    if name == "catalogue":
        return catalogue_version()
    raise ValueError(f"unknown dependency {name!r}")


def close_all() -> None:
    """Close every connection this process holds (tests that read a store file a page
    wrote, and a server shutting down)."""
    with _LOCK:
        for con in _CONNECTIONS.values():
            con.close()
        _CONNECTIONS.clear()
