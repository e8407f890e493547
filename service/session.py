"""The store as a front door uses it: one connection per process and database file, the
region register copied in, the demo data on first start, and the versions the read model
keys its views on."""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb

from catalogue.catalogue import CATALOGUE_DIR
from loaders.demo import ensure_demo, load_demo
from loaders.reference import open_store
from store import followup, queries
from store.db import PROJECT_ROOT, StoreError, StoreLockedError, resolve_db_path

__all__ = [
    "PROJECT_ROOT",
    "StoreError",
    "StoreLockedError",
    "Versions",
    "connection",
    "cursor",
    "db_path",
    "open_store",
    "versions",
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
    threads at once, and every Streamlit session runs in a thread."""
    return connection(path).cursor()


def init(path: str | os.PathLike[str] | None = None, demo: bool = False) -> list[object]:
    """Create or migrate the store and copy the register; with ``demo`` load the demo data
    (files already loaded are left alone). Returns the load reports."""
    con = open_store(db_path(path))
    try:
        return list(load_demo(con)) if demo else []
    finally:
        con.close()


@dataclass(frozen=True)
class Versions:
    """What a cached view can depend on: the statistics (loads and undo), the follow-up
    (actions, notes, assessments, comments, mappings) and the catalogue (the YAML files)."""

    data: str
    followup: str
    catalogue: str


def catalogue_version(root: Path = CATALOGUE_DIR) -> str:
    """Changes when any YAML file of the catalogue is edited, added or removed."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.yaml")):
        stat = path.stat()
        digest.update(f"{path.relative_to(root)}:{stat.st_mtime_ns}:{stat.st_size};".encode())
    return digest.hexdigest()[:16]


def versions(con: duckdb.DuckDBPyConnection) -> Versions:
    return Versions(
        data=queries.data_version(con),
        followup=followup.version(con),
        catalogue=catalogue_version(),
    )


def versions_of(con: duckdb.DuckDBPyConnection, names: tuple[str, ...]) -> Versions:
    """Only the versions asked for (the others empty): each costs a query."""
    return Versions(
        data=queries.data_version(con) if "data" in names else "",
        followup=followup.version(con) if "followup" in names else "",
        catalogue=catalogue_version() if "catalogue" in names else "",
    )


def close_all() -> None:
    """Close every connection this process holds (tests that read a store file a page
    wrote, and a server shutting down)."""
    with _LOCK:
        for con in _CONNECTIONS.values():
            con.close()
        _CONNECTIONS.clear()
