"""The store as DuckLake: several processes read and write one store at once, a killed load
leaves the previous state, a write that loses a conflict saves nothing, an old store file is
refused with the way out."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from store import db, loading, turns
from tests.conftest import DEMO_BRA, ROOT

BRA_2021 = DEMO_BRA / "Databasfil2021.txt"
BRA_2022 = DEMO_BRA / "Databasfil2022.txt"


def _load(path: Path, file: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "loaders", "load", "bra", str(file), "--db", str(path)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _figure(con: duckdb.DuckDBPyConnection, year: int) -> float | None:
    """Crimes against the person (BRÅ chapters 3-7) reported in Botkyrka in January of
    ``year``, as in force."""
    row = con.execute(
        "SELECT value FROM observation_current WHERE measure = 'bra.brott_mot_person' "
        "AND region_code = '0127' AND year = $y AND month = 1 AND sex = 'total'",
        {"y": year},
    ).fetchone()
    return float(row[0]) if row else None


@pytest.mark.slow
def test_two_loads_at_once_while_another_process_holds_the_store(
    tmp_path: Path, store_mode: str
) -> None:
    """Like the dashboard running with a page open: both command-line loads succeed, and the
    holder sees their figures at its next read, without reopening."""
    path = tmp_path / "shared.sqlite"
    holder = db.connect(path)
    assert loading.batches(holder) == []
    first, second = _load(path, BRA_2021), _load(path, BRA_2022)
    results = [(*p.communicate(timeout=300), p.returncode) for p in (first, second)]
    for _out, err, code in results:
        assert code == 0, err
    batches = loading.batches(db.cursor(holder))
    assert sorted(b.file_name for b in batches) == ["Databasfil2021.txt", "Databasfil2022.txt"]
    assert len({b.id for b in batches}) == 2  # ids stay unique without a sequence
    # The lines "Botkyrka kommun;3-7 kap. Brott mot person;2021;Jan;241" and "…;2022;Jan;190".
    assert _figure(holder, 2021) == 241
    assert _figure(holder, 2022) == 190
    holder.close()


@pytest.mark.slow
def test_a_load_killed_mid_way_leaves_the_previous_state(tmp_path: Path, store_mode: str) -> None:
    path = tmp_path / "killed.sqlite"
    con = db.connect(path)
    before = loading.batches(con)
    con.close()
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                from store import db, loading
                con = db.connect({str(path)!r})
                with db.transaction(con):
                    batch = loading.insert_batch(con, source="bra", file_name="half.txt",
                        sha256="0" * 64, loaded_by="test", row_count=100000)
                    con.execute("INSERT INTO observation (batch_id, source, measure, "
                        "region_code, year, value) SELECT $b, 'bra', 'bra_total', '0180', "
                        "1900 + range % 100, range FROM range(100000)", {{"b": batch}})
                    print("inside", flush=True)
                    time.sleep(600)
                """
            ),
        ],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "inside"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    con = db.connect(path)
    assert loading.batches(con) == before
    assert con.execute("SELECT count(*) FROM observation").fetchone() == (0,)
    # The killed writer's turn is over: the next write goes through at once.
    with db.transaction(con):
        loading.insert_batch(
            con, source="bra", file_name="next.txt", sha256="1" * 64, loaded_by="t", row_count=0
        )
    assert [b.file_name for b in loading.batches(con)] == ["next.txt"]
    con.close()


@pytest.mark.slow
def test_a_write_that_loses_a_conflict_saves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_mode: str
) -> None:
    """Two machines (no shared lock file): both write at once, the second commit is refused
    whole, and running it again succeeds."""
    path = tmp_path / "conflict.sqlite"
    one, two = db.connect(path), db.connect(path)
    monkeypatch.setattr(turns, "_lock_file", lambda con: None)

    def add(con: duckdb.DuckDBPyConnection, name: str) -> None:
        loading.insert_batch(
            con, source="bra", file_name=name, sha256="0" * 64, loaded_by="t", row_count=0
        )

    first, second = db.transaction(one), db.transaction(two)
    first.__enter__()
    second.__enter__()
    add(one, "first.txt")
    add(two, "second.txt")
    first.__exit__(None, None, None)
    with pytest.raises(db.StoreConflictError, match="nothing of this write was saved"):
        second.__exit__(None, None, None)
    assert [b.file_name for b in loading.batches(db.cursor(two))] == ["first.txt"]

    def again() -> None:
        with db.transaction(two):
            add(two, "second.txt")

    db.retrying(again)
    assert [(b.id, b.file_name) for b in loading.batches(db.cursor(one))] == [
        (1, "first.txt"),
        (2, "second.txt"),
    ]
    one.close()
    two.close()


@pytest.mark.embedded_only
def test_a_store_file_from_before_ducklake_is_refused_with_the_way_out(tmp_path: Path) -> None:
    old = tmp_path / "dashboard.duckdb"
    duckdb.connect(str(old)).close()
    with pytest.raises(db.StoreError) as refused:
        db.connect(old)
    assert "store export" in str(refused.value)
    assert db.LAST_SINGLE_FILE_COMMIT in str(refused.value)
    assert not old.with_name(old.name + ".files").exists()


@pytest.mark.embedded_only
def test_the_catalog_is_its_owners_only(tmp_path: Path) -> None:
    path = tmp_path / "private.sqlite"
    db.connect(path).close()
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.with_name(path.name + ".files").stat().st_mode & 0o777 == 0o700
