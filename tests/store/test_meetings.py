"""Meetings on the command line: a saved meeting keeps the figures as they stood through a
later load and maintenance; ``--snapshot`` reads them; an unknown name is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import cli
from tests.conftest import DEMO_BRA

MONTHS = ("Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec")

pytestmark = pytest.mark.slow  # whole-store work: the slow tier


_run = cli.run  # the command line in this process (tests/cli.py)


def _bromma_year(file: Path) -> int:
    """Crimes against the person reported in Bromma in the file's year: the sum of its twelve
    monthly "3-7 kap. Brott mot person" lines, read straight from BRÅ's file (where the
    export repeats a line, once)."""
    months: dict[str, int] = {}
    for line in file.read_bytes().decode("cp1252").splitlines():
        cells = line.split(";")
        if "Bromma" in cells[0] and cells[1].startswith("3-7 kap") and cells[3] in MONTHS:
            months[cells[3]] = int(cells[4])
    assert len(months) == 12
    return sum(months.values())


def _values(db: Path, *extra: str) -> dict[int, str]:
    result = _run("indicators", "values", "brott_mot_person", "--region", "Bromma",
                  "--db", str(db), *extra)  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = [line.split(",") for line in result.stdout.splitlines()[1:]]
    return {int(r[3]): r[6] for r in rows if r[4] == "total"}


def test_a_meeting_keeps_its_figures_through_a_load_and_maintenance(
    tmp_path: Path, store_mode: str
) -> None:
    db = tmp_path / "moten.sqlite"
    first, second = DEMO_BRA / "Databasfil2021.txt", DEMO_BRA / "Databasfil2022.txt"
    assert _run("loaders", "load", "bra", str(first), "--db", str(db)).returncode == 0
    saved = _run("store", "snapshots", "create", "Styrgrupp november", "--date", "2026-11-30",
                 "--db", str(db))  # fmt: skip
    assert saved.returncode == 0, saved.stderr
    assert "Saved meeting 'Styrgrupp november' (2026-11-30)" in saved.stdout
    assert _run("loaders", "load", "bra", str(second), "--db", str(db)).returncode == 0

    expected_2021, expected_2022 = _bromma_year(first), _bromma_year(second)
    assert _values(db) == {2021: str(expected_2021), 2022: str(expected_2022)}
    # As of the meeting: the figures from before, without the year loaded since.
    assert _values(db, "--snapshot", "styrgrupp NOVEMBER") == {2021: str(expected_2021)}

    maintained = _run("store", "maintain", "--keep-days", "0", "--db", str(db))
    assert maintained.returncode == 0, maintained.stderr
    assert "1 kept for meetings" in maintained.stdout
    assert _values(db, "--snapshot", "Styrgrupp november") == {2021: str(expected_2021)}
    assert _values(db) == {2021: str(expected_2021), 2022: str(expected_2022)}

    listed = _run("store", "snapshots", "list", "--db", str(db))
    assert "2026-11-30  Styrgrupp november" in listed.stdout

    again = _run("store", "snapshots", "create", "STYRGRUPP NOVEMBER", "--db", str(db))
    assert again.returncode == 1 and "already a meeting named" in again.stderr
    unknown = _run("indicators", "values", "brott_mot_person", "--snapshot", "Ledningsgrupp",
                   "--db", str(db))  # fmt: skip
    assert unknown.returncode == 1
    assert "no meeting named 'Ledningsgrupp' (meetings: Styrgrupp november)" in unknown.stderr


def test_the_year_end_summary_as_of_a_meeting_says_so(tmp_path: Path) -> None:
    from docx import Document

    db = tmp_path / "rapport.sqlite"
    assert _run("loaders", "load", "bra", str(DEMO_BRA / "Databasfil2021.txt"),
                "--db", str(db)).returncode == 0  # fmt: skip
    assert _run("store", "snapshots", "create", "Beredningsgrupp", "--date", "2026-12-01",
                "--db", str(db)).returncode == 0  # fmt: skip
    out = tmp_path / "arssammanstallning.docx"
    made = _run("report", "year-end", "--year", "2021", "--snapshot", "Beredningsgrupp",
                "--out", str(out), "--db", str(db))  # fmt: skip
    assert made.returncode == 0, made.stderr
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "Läget vid mötet ”Beredningsgrupp” (1 december 2026)" in text
