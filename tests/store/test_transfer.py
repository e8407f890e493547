"""A whole store to Parquet and back (``python -m store export`` / ``import``): every table
with the same rows, the ids going on after the highest imported, the same figures; a broken
export imports nothing and leaves no file behind."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from service.session import open_store
from store import loading, transfer
from store.db import SCHEMA_VERSION
from tests import cli
from tests.conftest import copy_store

_run = cli.run  # the command line in this process (tests/cli.py)


def _contents(db: Path) -> dict[str, list[tuple[object, ...]]]:
    con = open_store(db)
    try:
        known = transfer.tables(con)
        return {
            name: sorted(map(repr, con.sql(f'SELECT * FROM "{name}"').fetchall()))  # type: ignore[misc]
            for name in known
            if name not in transfer.OWN_TABLES
        }
    finally:
        con.close()


@pytest.mark.embedded_only
@pytest.mark.slow
def test_export_then_import_gives_the_same_store(tmp_path: Path, demo_db_path: Path) -> None:
    source = copy_store(demo_db_path, tmp_path / "gammal.duckdb")
    exported = _run("store", "export", str(tmp_path / "export"), "--db", str(source))
    assert exported.returncode == 0, exported.stderr
    manifest = json.loads((tmp_path / "export" / "manifest.json").read_text())
    assert manifest["schema_version"] == SCHEMA_VERSION
    # the whole demo: BRÅ's five files, the police's counts (kept incrementally), surveys
    assert manifest["tables"]["observation"] == 39_863
    imported = _run(
        "store", "import", str(tmp_path / "export"), "--db", str(tmp_path / "ny.duckdb")
    )
    assert imported.returncode == 0, imported.stderr
    # The new store keeps its own schema version, write counter and meetings.
    moved = {k: v for k, v in manifest["tables"].items() if k not in transfer.OWN_TABLES}
    assert f"{len(moved)} tables, {sum(moved.values())} rows" in imported.stdout
    assert _contents(tmp_path / "ny.duckdb") == _contents(source)

    # The same figures, and new ids go on after the highest imported one.
    values = [
        _run("indicators", "values", "brott_mot_person", "--db", str(db)).stdout
        for db in (source, tmp_path / "ny.duckdb")
    ]
    assert values[0] == values[1] and values[0].count("\n") > 20
    con = open_store(tmp_path / "ny.duckdb")
    try:
        highest = max(b.id for b in loading.batches(con))
        new = loading.insert_batch(
            con, source="bra", file_name="x", sha256="x", loaded_by="test", row_count=0
        )
        assert new == highest + 1
    finally:
        con.close()

    # An export of schema 17 does not list each batch's measures: the import finds them.
    older = tmp_path / "export"
    batches = pq.read_table(older / "load_batch.parquet")
    pq.write_table(batches.drop(["measures"]), older / "load_batch.parquet")
    manifest["schema_version"] = 17
    (older / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert _run("store", "import", str(older), "--db", str(tmp_path / "17.duckdb")).returncode == 0
    assert _contents(tmp_path / "17.duckdb")["load_batch"] == _contents(source)["load_batch"]


@pytest.mark.embedded_only
@pytest.mark.slow
def test_a_broken_export_imports_nothing(tmp_path: Path, demo_db_path: Path) -> None:
    source = copy_store(demo_db_path, tmp_path / "gammal.duckdb")
    assert _run("store", "export", str(tmp_path / "export"), "--db", str(source)).returncode == 0
    manifest_path = tmp_path / "export" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["tables"]["action"] += 1
    manifest_path.write_text(json.dumps(manifest))
    target = tmp_path / "ny.duckdb"
    result = _run("store", "import", str(tmp_path / "export"), "--db", str(target))
    assert result.returncode == 1
    assert "action: 5 rows read, the manifest says 6; nothing imported" in result.stderr
    assert not target.exists()
    # Into an existing store, or from a folder that is not an export: refused.
    assert "exists already" in _run("store", "import", str(tmp_path / "export"), "--db",
                                    str(source)).stderr  # fmt: skip
    assert "not a store export" in _run("store", "import", str(tmp_path), "--db",
                                        str(tmp_path / "x.duckdb")).stderr  # fmt: skip
    assert "is not empty" in _run("store", "export", str(tmp_path / "export"), "--db",
                                  str(source)).stderr  # fmt: skip


def test_a_newer_export_is_refused(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps(
        {"format": transfer.FORMAT, "schema_version": 99, "tables": {}}
    ))  # fmt: skip
    with pytest.raises(transfer.StoreError, match="newer than this program's"):
        transfer.read_manifest(tmp_path)
