"""The command lines as a user runs them: output, exit codes, and no damage on bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from loaders.__main__ import main as loaders_main
from store.__main__ import main as store_main
from tests.conftest import DEMO_BRA, PROBLEMS, ROOT


def test_load_prints_what_it_loaded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "c.duckdb")
    code = loaders_main(
        ["load", "bra", str(DEMO_BRA / "Databasfil2021.txt"), "--db", db, "--user", "anna"]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith(
        "Loaded Databasfil2021.txt as batch 1: 5544 rows, 33 regions, years 2021."
    )
    assert loaders_main(["load", "bra", str(DEMO_BRA / "Databasfil2021.txt"), "--db", db]) == 0
    assert "already loaded as batch 1; nothing was added" in capsys.readouterr().out
    assert loaders_main(["batches", "--db", db]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert len(listing) == 2 and "anna" in listing[1] and "active" in listing[1]


def test_unknown_district_exits_non_zero_naming_line_and_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "c.duckdb")
    code = loaders_main(["load", "bra", str(PROBLEMS / "bra_unknown_districts.txt"), "--db", db])
    err = capsys.readouterr().err
    assert code == 1
    assert "line 4: unknown region 'Stadsdelsområde Vasastan (Sthlm)'" in err
    assert loaders_main(["batches", "--db", db]) == 0
    assert capsys.readouterr().out.strip() == "No batches loaded."


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = loaders_main(["load", "bra", str(tmp_path / "nope.txt"), "--db", str(tmp_path / "d")])
    assert code == 1 and "no such file" in capsys.readouterr().err


def test_store_init_demo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "i.duckdb")
    assert store_main(["init", "--db", db]) == 0
    assert "337 regions in the register" in capsys.readouterr().out
    assert loaders_main(["batches", "--db", db]) == 0
    assert "No batches loaded." in capsys.readouterr().out  # init alone loads nothing
    assert store_main(["init", "--demo", "--db", db]) == 0
    assert "Loaded Databasfil2023_regionlist_2024.txt as batch 5" in capsys.readouterr().out


def test_module_entry_point_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "loaders", "--help"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0 and "load" in result.stdout
