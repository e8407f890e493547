"""Backups that keep everything, saved meetings included (issue 34): the store's catalog and
its data folder taken together, at one moment no write of this machine runs, and restored
together into a new store. An export (store.transfer) moves a store's tables to another
DuckDB version or mode, but a meeting is a DuckLake snapshot of the store that took it, so
an export cannot carry it; a backup can.

A backup folder holds ``backup.json`` (the mode, schema version, newest snapshot, every
table's row count and the saved meetings), the catalog (``catalog.sqlite`` of an embedded
store, or ``catalog.dump``: PostgreSQL's ``pg_dump`` of a server's catalog database) and
``data/``, the data folder's files. Everything in it is its owner's only (0700/0600).

In server mode the catalog is dumped first, then the data folder copied: run the backup
from the same timer as ``store maintain``, before or after it, never at once (maintenance
deletes files no snapshot uses any more)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from store import db, transfer
from store.db import Location, StoreError

MANIFEST = "backup.json"
FORMAT = "samverkan-store-backup"


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    known = transfer.tables(con)
    return {
        name: db.count(con, f"SELECT count(*) FROM {transfer.quoted(name, known)}")
        for name in known
    }


def _meetings(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    rows = con.execute(
        "SELECT name, CAST(meeting_date AS VARCHAR), snapshot_id FROM meeting ORDER BY name"
    ).fetchall()
    return [{"name": str(n), "date": str(d), "snapshot": int(s)} for n, d, s in rows]


def _address(location: Location) -> str:
    return location.catalog.removeprefix("postgres:")


def _pg(tool: str, *args: str) -> None:
    """Run a PostgreSQL client tool; its message, redacted, when it fails."""
    if shutil.which(tool) is None:
        raise StoreError(
            f"{tool} is not installed: install PostgreSQL's client tools "
            "(Debian: apt-get install postgresql-client)"
        )
    done = subprocess.run([tool, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        message = " ".join(done.stderr.split())[:300]
        raise StoreError(f"{tool} failed: {db.redact(message)}")


def backup(con: duckdb.DuckDBPyConnection, location: Location, folder: Path) -> dict[str, object]:
    """Back up the store ``con`` is open on (at ``location``) into the new folder ``folder``;
    returns the manifest written there."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise StoreError(f"{folder} is not empty; back up into a new folder")
    data = Path(location.data_path)
    with db.writer_turn(con):  # no write of this machine meanwhile
        counts = _counts(con)
        meetings = _meetings(con)
        version = db.schema_version(con)
        snapshot = db.count(con, "SELECT max(snapshot_id) FROM lake.snapshots()")
        if location.lock is not None:
            with (
                sqlite3.connect(location.catalog.removeprefix("sqlite:")) as source,
                sqlite3.connect(folder / "catalog.sqlite") as target,
            ):
                source.backup(target)
        else:
            _pg("pg_dump", "--format=custom", "--no-owner", "--file",
                str(folder / "catalog.dump"), "--dbname", _address(location))  # fmt: skip
        shutil.copytree(data, folder / "data", copy_function=shutil.copy2)
    manifest = {
        "format": FORMAT,
        "mode": "embedded" if location.lock is not None else "server",
        "schema_version": version,
        "snapshot": snapshot,
        "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tables": counts,
        "meetings": meetings,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def read_manifest(folder: Path) -> dict[str, object]:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"{folder} is not a backup of this program ({MANIFEST}: {exc})") from exc
    if manifest.get("format") != FORMAT:
        raise StoreError(f"{folder} is not a backup of this program")
    return manifest


def restore(folder: Path, location: Location) -> dict[str, object]:
    """Put the backup in ``folder`` back as the new store at ``location`` (an embedded
    store's file that does not exist yet, or an empty PostgreSQL database and data folder of
    a server); returns the backup's manifest. Checked afterwards by :func:`check`."""
    manifest = read_manifest(folder)
    data = Path(location.data_path)
    if data.exists() and any(data.iterdir()):
        raise StoreError(f"the data folder {data} is not empty; restore into a new store")
    if location.lock is not None:
        if manifest["mode"] != "embedded":
            raise StoreError(
                "a server's backup restores into a server's store (set DASHBOARD_CATALOG)"
            )
        file = Path(location.catalog.removeprefix("sqlite:"))
        if file.exists():
            raise StoreError(f"{file} exists already; restore into a new store file")
        file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        shutil.copy2(folder / "catalog.sqlite", file)
        os.chmod(file, 0o600)
    else:
        if manifest["mode"] != "server":
            raise StoreError("an embedded store's backup restores into an embedded store")
        _pg("pg_restore", "--no-owner", "--single-transaction", "--exit-on-error",
            "--dbname", _address(location), str(folder / "catalog.dump"))  # fmt: skip
    data.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    shutil.copytree(folder / "data", data, copy_function=shutil.copy2, dirs_exist_ok=True)
    return manifest


def check(con: duckdb.DuckDBPyConnection, manifest: dict[str, object]) -> None:
    """Refuse a restored store whose tables or meetings differ from the backup's."""
    counts = _counts(con)
    wanted = manifest["tables"]
    assert isinstance(wanted, dict)
    wrong = {t: (counts.get(t), n) for t, n in wanted.items() if counts.get(t) != n}
    if wrong:
        raise StoreError(
            f"the restored store differs from the backup (table: now, backup): {wrong}"
        )
    if _meetings(con) != manifest["meetings"]:
        raise StoreError("the restored store's meetings differ from the backup's")
