"""The store: schema creation and migration, transactions, where it lives."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from store import db, queries
from tests.conftest import ROOT


@pytest.mark.slow
def test_schema_is_created_and_rerunning_is_safe(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    con = db.connect(path)
    assert db.schema_version(con) == db.SCHEMA_VERSION
    db.migrate(con)
    db.migrate(con)
    versions = con.execute("SELECT count(*) FROM schema_version").fetchone()
    assert versions == (1,)
    con.close()
    again = db.connect(path)
    assert db.schema_version(again) == db.SCHEMA_VERSION
    again.close()


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    con = db.connect(path)
    con.execute("INSERT INTO schema_version (version) VALUES (99)")
    con.close()
    with pytest.raises(db.StoreError, match="schema version 99"):
        db.connect(path)


def test_transaction_rolls_back_everything_on_error(store: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(RuntimeError), db.transaction(store):
        queries.insert_batch(
            store, source="x", file_name="f", sha256="0", loaded_by="t", row_count=0
        )
        raise RuntimeError("boom")
    assert queries.batches(store) == []


def test_path_comes_from_option_then_environment_then_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DASHBOARD_DB", "/tmp/from-env.duckdb")
    assert db.resolve_db_path("/tmp/cli.duckdb") == Path("/tmp/cli.duckdb")
    assert db.resolve_db_path() == Path("/tmp/from-env.duckdb")
    monkeypatch.delenv("DASHBOARD_DB")
    assert db.resolve_db_path() == ROOT / "data" / "dashboard.sqlite"
