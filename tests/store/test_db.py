"""The store: schema creation and migration, transactions, where it lives."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from store import db, loading, queries, snapshots
from store import results as stored_results
from tests.conftest import ROOT, copy_store


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
        loading.insert_batch(
            store, source="x", file_name="f", sha256="0", loaded_by="t", row_count=0
        )
        raise RuntimeError("boom")
    assert loading.batches(store) == []


def test_path_comes_from_option_then_environment_then_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DASHBOARD_DB", "/tmp/from-env.duckdb")
    assert db.resolve_db_path("/tmp/cli.duckdb") == Path("/tmp/cli.duckdb")
    assert db.resolve_db_path() == Path("/tmp/from-env.duckdb")
    monkeypatch.delenv("DASHBOARD_DB")
    assert db.resolve_db_path() == ROOT / "data" / "dashboard.sqlite"


def _observations(measures: list[str], batch_id: int) -> pd.DataFrame:
    """Rows of several measures interleaved, as a file of many categories per region holds
    them (region by region)."""
    rows = [
        {"source": "bra_anmalda_brott", "measure": m, "region_code": f"{r:04d}", "year": 2020,
         "month": None, "sex": "total", "age_group": "all", "value": float(r),
         "respondents": None, "preliminary": False}
        for r in range(1, 200) for m in measures
    ]  # fmt: skip
    return pd.DataFrame(rows).assign(batch_id=batch_id)


def _file_measures(con: duckdb.DuckDBPyConnection) -> list[list[str]]:
    """The measure column of each of the observation table's data files, in file order."""
    files = con.execute(
        """
        SELECT f.path FROM __ducklake_metadata_lake.ducklake_data_file f
        JOIN __ducklake_metadata_lake.ducklake_table t USING (table_id)
        WHERE t.table_name = 'observation' AND f.end_snapshot IS NULL
          AND t.end_snapshot IS NULL
        """
    ).fetchall()
    data = con.execute(
        "SELECT value FROM __ducklake_metadata_lake.ducklake_metadata WHERE key = 'data_path'"
    ).fetchone()
    return [
        [r[0] for r in con.execute(
            "SELECT measure FROM read_parquet($p) ORDER BY file_row_number",
            {"p": str(Path(data[0]) / "main" / "observation" / path)}  # type: ignore[index]
            if not Path(path).is_absolute() else {"p": path},
        ).fetchall()]
        for (path,) in files
    ]  # fmt: skip


@pytest.mark.embedded_only  # the files' paths are read from the SQLite catalog's layout
def test_observation_files_are_written_in_measure_order(tmp_path: Path) -> None:
    """Schema 17: a load's rows and `store maintain`'s merged files are in measure order, so a
    read of one measure skips the rest of the file (issue 33)."""
    con = db.connect(tmp_path / "s.sqlite")
    measures = ["bra.c", "bra.a", "bra.b"]
    for batch in (1, 2):
        with db.transaction(con):
            queries.insert_observations(con, batch, _observations(measures, batch))
    for rows in _file_measures(con):
        assert rows == sorted(rows) and len(rows) == 597
    snapshots.maintain(con, keep_days=7, now=datetime.now(UTC))
    (merged,) = _file_measures(con)
    assert merged == ["bra.a"] * 398 + ["bra.b"] * 398 + ["bra.c"] * 398
    con.close()


@pytest.mark.embedded_only  # as above
def test_a_store_of_schema_16_gets_its_sort_order(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    con = db.connect(path)
    con.execute("ALTER TABLE observation RESET SORTED BY")
    con.execute("DELETE FROM schema_version WHERE version >= 17")
    con.execute("INSERT INTO schema_version (version) VALUES (16)")
    con.close()
    again = db.connect(path)
    assert db.schema_version(again) == db.SCHEMA_VERSION
    for batch in (1, 2):
        with db.transaction(again):
            queries.insert_observations(again, batch, _observations(["bra.b", "bra.a"], batch))
    snapshots.maintain(again, keep_days=7, now=datetime.now(UTC))
    (rows,) = _file_measures(again)  # merged in the table's order, not batch after batch
    assert rows == ["bra.a"] * 398 + ["bra.b"] * 398
    again.close()


def test_the_batches_list_their_measures_and_an_older_store_gets_them(
    demo_db_path: Path, tmp_path: Path
) -> None:
    """Schema 18: each batch lists the measures its observations hold (what the results'
    inputs read instead of scanning every observation); a store of schema 17 gets the lists
    from its observations when first opened, and a new load lists its own."""
    path = copy_store(demo_db_path, tmp_path / "s.sqlite")
    con = db.connect(path)
    scan = """
        SELECT measure, list(DISTINCT batch_id ORDER BY batch_id) FROM (
            SELECT measure, batch_id FROM observation
            UNION ALL SELECT measure, batch_id FROM source_gap
            UNION ALL SELECT measure, batch_id FROM survey_round
        ) GROUP BY measure
    """
    expected = {str(m): [int(b) for b in ids] for m, ids in con.execute(scan).fetchall()}
    assert stored_results.measure_batches(con) == expected
    with db.transaction(con):
        con.execute("UPDATE load_batch SET measures = NULL")
        con.execute("DELETE FROM schema_version WHERE version >= 18")
        con.execute("INSERT INTO schema_version (version) VALUES (17)")
    con.close()
    again = db.connect(path)
    assert db.schema_version(again) == db.SCHEMA_VERSION
    assert stored_results.measure_batches(again) == expected
    # BRÅ's 2021 file: the counts and rates of its 57 crime categories
    bra = again.execute(
        "SELECT measures FROM load_batch WHERE file_name = 'Databasfil2021.txt'"
    ).fetchone()
    assert bra is not None and "bra.misshandel" in bra[0] and bra[0] == sorted(bra[0])
    with db.transaction(again):
        again.execute(
            "INSERT INTO load_batch (id, source, file_name, sha256, loaded_by, row_count) "
            "VALUES (999, 'bra_anmalda_brott', 'x.txt', 'x', 'test', 0)"
        )
        queries.insert_observations(again, 999, _observations(["bra.b", "bra.a"], 999))
    row = again.execute("SELECT measures FROM load_batch WHERE id = 999").fetchone()
    assert row is not None and row[0] == ["bra.a", "bra.b"]
    again.close()


def test_an_extension_is_verified_once_per_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB checks an extension's signature (0,24 s each) the first time this user loads a
    file; later processes that find the same file recorded skip the check, a changed file or a
    record others could write is checked again."""
    record = tmp_path / "cache" / "verified.json"
    monkeypatch.setenv(db.VERIFIED_FILE_ENV, str(record))
    store = tmp_path / "s.sqlite"
    files = db._extension_files(db.locate(str(store)))  # SQLite's, or PostgreSQL's in server mode
    assert not db._verified(files)
    db.connect(store).close()
    assert db._verified(files)
    assert record.stat().st_mode & 0o077 == 0
    assert oct(record.parent.stat().st_mode & 0o777) == oct(0o700)
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace(f"|{files[0].stat().st_size}|", "|1|"), encoding="utf-8")
    assert not db._verified(files)  # the file is not the one that was checked
    db.connect(store).close()  # checked again, recorded again
    assert db._verified(files)
    record.chmod(0o666)
    assert not db._verified(files)
