"""The command lines as a user runs them: output, exit codes, and no damage on bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cli.loaders import main as loaders_main
from tests.conftest import DEMO_BRA, PROBLEMS, ROOT


@pytest.mark.slow
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


@pytest.mark.slow
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


def test_store_init_demo(demo_db_path: Path) -> None:
    """The session's demo store is made by ``store init`` then ``store init --demo`` (see
    tests/conftest.py ``build_demo``): what they printed, in order."""
    out = demo_db_path.with_name("init.out").read_text(encoding="utf-8")
    assert "337 regions in the register" in out.split("No batches loaded.")[0]
    init_demo = out.split("No batches loaded.", 1)[1]  # init alone loads nothing
    assert "Loaded Databasfil2023_regionlist_2024.txt as batch 5" in init_demo


@pytest.mark.slow
def test_module_entry_point_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "loaders", "--help"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0 and "load" in result.stdout


@pytest.mark.slow
def test_survey_dry_run_load_and_undo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "s.duckdb")
    good = ROOT / "tests" / "fixtures" / "uploads" / "enkat_openpyxl.xlsx"
    assert loaders_main(["load", "survey", str(good), "--dry-run", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "Förhandsgranskning: 6 nya värden, 0 ersätter lagrade, 0 oförändrade." in out
    assert "Provkörning: inget skrevs." in out
    assert loaders_main(["batches", "--db", db]) == 0
    assert "No batches loaded." in capsys.readouterr().out
    assert loaders_main(["load", "survey", str(good), "--db", db, "--user", "anna"]) == 0
    assert "Loaded enkat_openpyxl.xlsx as batch 1: 6 rows" in capsys.readouterr().out
    assert loaders_main(["load", "survey", str(good), "--db", db]) == 1
    assert "filen är redan inläst som sats 1 (anna" in capsys.readouterr().err
    assert loaders_main(["undo", "1", "--db", db, "--user", "anna"]) == 0
    assert capsys.readouterr().out.strip() == "Undid batch 1."
    assert loaders_main(["undo", "1", "--db", db]) == 1
    assert "Sats 1 är redan ångrad." in capsys.readouterr().err


@pytest.mark.slow
def test_survey_with_errors_exits_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = PROBLEMS / "upload_okant_omrade.xlsx"
    assert loaders_main(["load", "survey", str(bad), "--db", str(tmp_path / "s.duckdb")]) == 1
    err = capsys.readouterr().err
    assert "fel: Data!A5 (värde: Vasastan): okänt stadsdelsområde" in err
    assert "1 fel; inget lästes in." in err


def test_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "mall.xlsx"
    assert loaders_main(["template", "survey", str(out)]) == 0
    book = load_workbook(out)
    assert book.sheetnames == ["Data", "Instruktioner", "Listor"]
    data = book["Data"]
    assert [c.value for c in data[1]] == ["Stadsdelsområde", "År", "Mått", "Kön",
                                          "Åldersgrupp", "Andel (%)", "Antal svarande",
                                          "Antal", "Kommentar", "Fältperiod från",
                                          "Fältperiod till"]  # fmt: skip
    assert data.freeze_panes == "A2"
    rules = {str(v.sqref): v for v in data.data_validations.dataValidation}
    assert rules["F2:F2001"].type == "decimal" and rules["F2:F2001"].formula2 == "100"
    assert rules["G2:G2001"].type == "whole" and rules["G2:G2001"].formula1 == "1"
    assert rules["D2:D2001"].formula1 == "=Listor!$C$2:$C$4"
    assert rules["J2:K2001"].type == "date"
    lists = book["Listor"]
    districts = [c.value for c in lists["A"][1:] if c.value]
    assert "Järva" in districts and "Rinkeby-Kista" in districts and "Hela staden" in districts
    measures = [c.value for c in lists["B"][1:] if c.value]
    assert "Otrygg ute ensam sent en kväll i det egna området" in measures
    assert "Genomförda trygghetsvandringar" in measures
    assert [c.value for c in lists["C"][1:4]] == ["Alla", "Kvinnor", "Män"]
