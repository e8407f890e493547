"""Every command line fails with one English line and exit status 1, never a traceback:
a store held by another process, a full disk (/dev/full), a file that is not text, a file
that is not there; and the store is unchanged."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from cli import errors
from service.session import open_store
from store import audit, loading, queries
from tests import cli as tests_cli
from tests.conftest import copy_store

FULL = Path("/dev/full")


# The command in this process, as ``python -m`` runs it (tests/test_cli_processes.py runs
# each command once as a process of its own).
_run = tests_cli.run


def _one_line(result: tests_cli.Result) -> str:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines and lines[0].startswith("error: ")
    return result.stderr.strip()


def _checksum(db: Path) -> tuple[int, ...]:
    con = open_store(db)
    try:
        return (
            queries.count_observations(con),
            len(loading.batches(con)),
            len(audit.entries(con, limit=None)),
        )
    finally:
        con.close()


@pytest.fixture
def db(tmp_path: Path, demo_db_path: Path) -> Path:
    return copy_store(demo_db_path, tmp_path / "dashboard.duckdb")


@pytest.mark.embedded_only
@pytest.mark.slow
def test_a_store_whose_writes_are_held_is_one_line_for_every_writing_command(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process in the middle of a long write (it holds the lock file): a write gives
    up after DASHBOARD_WRITE_WAIT_SECONDS with one line, and reads go on meanwhile."""
    monkeypatch.setenv("DASHBOARD_WRITE_WAIT_SECONDS", "1")
    lock = db.with_name(db.name + ".lock")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl,os,time; "
         f"fd=os.open({str(lock)!r}, os.O_RDWR | os.O_CREAT); fcntl.flock(fd, fcntl.LOCK_EX); "
         "print('held', flush=True); time.sleep(120)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        # Guarded writes, whose refusals are the dashboard's (Swedish) words.
        for command in (("loaders", "undo", "1"), ("store", "snapshots", "create", "Möte")):
            text = _one_line(_run(*command, "--db", str(db)))
            assert text == (
                "error: En annan ändring av databasen (t.ex. en inläsning) pågår fortfarande, så "
                "inget sparades. Försök igen om en stund."
            )
        text = _one_line(_run("store", "maintain", "--db", str(db)))
        assert text == (
            "error: Another write to the store has been running for more than 1 seconds. "
            "Nothing was changed; try again when it has finished."
        )
        read = _run("indicators", "values", "otrygg_ute_kvall", "--db", str(db))
        assert read.returncode == 0 and read.stdout.count("\n") > 10
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.slow
@pytest.mark.embedded_only  # sets server mode itself
def test_a_catalog_that_cannot_be_reached_is_one_line_for_every_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_CATALOG", f"postgresql://nobody@/none?host={tmp_path}&port=9")
    monkeypatch.setenv("DASHBOARD_DATA_PATH", str(tmp_path / "data"))
    for command in (
        ("report", "year-end", "--year", "2023", "--out", str(tmp_path / "a.docx")),
        ("indicators", "values", "otrygg_ute_kvall"),
        ("loaders", "batches"),
        ("store", "init"),
        ("store", "users", "list"),
    ):
        text = _one_line(_run(*command))
        assert text.startswith("error: Could not open the store's catalog (PostgreSQL "), text


@pytest.mark.skipif(not FULL.exists(), reason="no /dev/full on this system")
@pytest.mark.slow
def test_a_full_disk_is_one_line(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "arssammanstallning.docx"
    out.symlink_to(FULL)
    before = _checksum(db)
    text = _one_line(
        _run("report", "year-end", "--year", "2023", "--out", str(out), "--db", str(db))
    )
    assert text == "error: the disk is full. Nothing was changed."
    assert _checksum(db) == before


@pytest.mark.slow
def test_files_that_cannot_be_read_are_one_line_naming_the_file(db: Path, tmp_path: Path) -> None:
    binary = tmp_path / "binar.txt"
    binary.write_bytes(b"\x00\xff\xfe\x00 inte text")
    before = _checksum(db)
    for kind in ("bra", "polisen", "kolada", "population", "survey"):
        text = _one_line(_run("loaders", "load", kind, str(binary), "--db", str(db)))
        assert str(binary) in text, kind
    text = _one_line(_run("loaders", "load", "bra", str(tmp_path / "saknas.txt"), "--db", str(db)))
    assert "saknas.txt" in text
    assert _checksum(db) == before


def test_the_guard_turns_any_failure_into_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    def conflict() -> int:
        raise duckdb.TransactionException("TransactionContext Error: Conflict on update!\nmore")

    def unexpected() -> int:
        raise ValueError("line one\nline two")

    assert errors.run(conflict) == 1
    assert capsys.readouterr().err == (
        "error: the store refused the change (Conflict on update! more). Nothing was changed.\n"
    )
    assert errors.run(unexpected) == 1
    assert capsys.readouterr().err == (
        "error: unexpected failure (ValueError: line one line two). Nothing was changed.\n"
    )
