"""Each command line once as a process of its own (``python -m PACKAGE``), as an
administrator or a timer runs it: the other tests call the same ``main`` in their own process
(tests/cli.py), so this is where ``__main__``, the exit status and the streams of a real
process are proven. One store goes through every command in turn."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import cli
from tests.conftest import DEMO_BRA

pytestmark = pytest.mark.slow  # about a dozen processes of 2 s each


def test_every_command_line_as_a_process(tmp_path: Path) -> None:
    db = str(tmp_path / "processer.sqlite")
    made = cli.process("store", "init", "--db", db)
    assert made.returncode == 0, made.stderr
    assert "337 regions in the register" in made.stdout

    loaded = cli.process("loaders", "load", "bra", str(DEMO_BRA / "Databasfil2021.txt"),
                         "--db", db, "--user", "anna")  # fmt: skip
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.startswith(
        "Loaded Databasfil2021.txt as batch 1: 5544 rows, 33 regions, years 2021."
    )
    listed = cli.process("loaders", "batches", "--db", db)
    assert "anna" in listed.stdout and "active" in listed.stdout

    saved = cli.process("store", "snapshots", "create", "Styrgrupp", "--date", "2026-11-30",
                        "--db", db)  # fmt: skip
    assert saved.returncode == 0, saved.stderr
    assert "Saved meeting 'Styrgrupp' (2026-11-30)" in saved.stdout

    values = cli.process("indicators", "values", "brott_mot_person", "--region", "Bromma",
                         "--snapshot", "Styrgrupp", "--db", db)  # fmt: skip
    assert values.returncode == 0, values.stderr
    rows = [line.split(",") for line in values.stdout.splitlines()[1:]]
    # BRÅ's file: the twelve monthly "3-7 kap." lines of Bromma 2021 add up to this.
    assert {(r[3], r[6]) for r in rows if r[4] == "total"} == {("2021", "1551")}

    out = tmp_path / "arssammanstallning.docx"
    report = cli.process("report", "year-end", "--year", "2021", "--out", str(out), "--db", db)
    assert report.returncode == 0, report.stderr
    assert out.stat().st_size > 10_000

    remind = cli.process("service", "remind", "--dry-run", "--today", "2026-06-01", "--db", db)
    assert remind.returncode == 0, remind.stderr

    # A failure as a process: one English line on standard error, exit status 1.
    missing = cli.process("loaders", "load", "bra", str(tmp_path / "saknas.txt"), "--db", db)
    assert missing.returncode == 1
    assert missing.stderr.strip().splitlines() == [f"error: {tmp_path}/saknas.txt: no such file"]
    catalog = f"postgresql://nobody@/none?host={tmp_path}&port=9"
    unreachable = cli.process("indicators", "values", "otrygg_ute_kvall", env={
        "DASHBOARD_CATALOG": catalog, "DASHBOARD_DATA_PATH": str(tmp_path / "data")})  # fmt: skip
    assert unreachable.returncode == 1 and "Traceback" not in unreachable.stderr
    assert unreachable.stderr.startswith("error: Could not open the store's catalog (PostgreSQL ")
