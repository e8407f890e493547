"""A whole store as Parquet files and back: ``python -m store export DIR`` writes every table
(one Parquet file each) and a manifest with the schema version and each table's row count;
``python -m store import DIR --db NEW`` reads them into a new store in one transaction and
checks the counts. This is how a store moves between DuckDB versions (a file written by one
version cannot always be opened by another) and between the embedded file and a shared
catalog: batches, observations, follow-up, accounts' audit log and all.

Table names are identifiers, not values: they come from the store's own catalogue and are
checked against it (and quoted) before they are used.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from store import police
from store.db import SCHEMA_VERSION, StoreError, count, schema_version, transaction
from store.loading import refresh_in_force
from store.queries import fill_batch_measures

MANIFEST = "manifest.json"
FORMAT = "samverkan-store-export"
# Tables the target store keeps its own rows of: its schema version, its write counter, and
# its meeting snapshots (snapshot ids belong to the store that took them).
OWN_TABLES = ("schema_version", "write_turn", "meeting")


def tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The store's base tables (not views), in a stable order."""
    rows = con.execute(
        """
        SELECT table_name FROM information_schema.tables
        WHERE table_catalog = current_database() AND table_schema = 'main'
              AND table_type = 'BASE TABLE'
        ORDER BY table_name
        """
    ).fetchall()
    return [str(r[0]) for r in rows]


def quoted(name: str, known: list[str]) -> str:
    if name not in known or not name.replace("_", "").isalnum():
        raise StoreError(f"unknown table {name!r}")
    return f'"{name}"'


def export_store(con: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, int]:
    """Every table to ``folder/<table>.parquet`` plus the manifest; returns the row counts.
    Read in one transaction, so the files are one consistent state."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise StoreError(f"{folder} is not empty; export into a new folder")
    counts: dict[str, int] = {}
    with transaction(con):
        known = tables(con)
        for name in known:
            table = con.sql(f"SELECT * FROM {quoted(name, known)}").to_arrow_table()
            pq.write_table(table, folder / f"{name}.parquet")
            counts[name] = table.num_rows
        version = schema_version(con)
    manifest = {
        "format": FORMAT,
        "schema_version": version,
        "duckdb": duckdb.__version__,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tables": counts,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return counts


def read_manifest(folder: Path) -> dict[str, object]:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreError(f"{folder} holds no {MANIFEST}: not a store export") from None
    except ValueError as exc:
        raise StoreError(f"{folder / MANIFEST} is not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise StoreError(f"{folder / MANIFEST} is not a store export's manifest")
    version = int(manifest.get("schema_version", 0))
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"the export has schema version {version}, newer than this program's "
            f"{SCHEMA_VERSION}; upgrade the program first"
        )
    return manifest


def import_store(con: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, int]:
    """Read an export into ``con``, a store with the current schema and no data of its own
    (only the register a new store copies in, which the export's replaces). One transaction:
    a count that does not match the manifest, or any error, leaves the store as it was."""
    manifest = read_manifest(folder)
    expected: dict[str, int] = {str(k): int(v) for k, v in dict(manifest["tables"]).items()}  # type: ignore[call-overload]
    known = tables(con)
    missing = [n for n in expected if n not in known]
    if missing:
        raise StoreError(f"the export has tables this program does not know: {', '.join(missing)}")
    for name in expected:
        if not (folder / f"{name}.parquet").is_file():
            raise StoreError(f"{folder / (name + '.parquet')} is missing")
    with transaction(con):
        held = [
            n
            for n in ("load_batch", "observation", "action", "audit_log")
            if n in known and _count(con, n, known)
        ]
        if held:
            raise StoreError(f"the target store already holds data ({', '.join(held)})")
        counts: dict[str, int] = {}
        for name, rows in expected.items():
            if name in OWN_TABLES:
                continue
            table = quoted(name, known)
            con.execute(f"DELETE FROM {table}")
            path = str(folder / f"{name}.parquet")
            con.execute(
                f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet($path)", {"path": path}
            )
            counts[name] = _count(con, name, known)
            if counts[name] != rows:
                raise StoreError(
                    f"{name}: {counts[name]} rows read, the manifest says {rows}; nothing imported"
                )
        # Exports of version 10 and older do not say which rows are in force: decide it anew;
        # those of version 17 and older do not list each batch's measures.
        refresh_in_force(con, None)
        if int(manifest.get("schema_version", 0)) < 18:
            fill_batch_measures(con)
        if "series_coverage" not in expected:  # exports of version 15 and older
            police.refresh_series_coverage(con)
    return counts


def _count(con: duckdb.DuckDBPyConnection, name: str, known: list[str]) -> int:
    return count(con, f"SELECT count(*) FROM {quoted(name, known)}")
