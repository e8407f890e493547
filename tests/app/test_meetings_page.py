"""Meetings on the pages: a link with ?mote=NAME shows the figures as they stood, with a
banner and what has changed since; an unknown name says so; pages that write stop; a
meeting is saved from the sidebar; and a store whose catalog does not answer gives a Swedish
page, not a traceback."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from cli.loaders import main as loaders_main
from cli.store import main as store_main
from service.loads import login_name
from service.session import open_store
from store import loading, snapshots
from tests.app.test_pages import _open
from tests.conftest import ROOT, copy_store, release_store

CRIME = "Anmälda brott mot person"


def _run(*args: str) -> None:
    """A command line, run in this process (so that it runs in server mode too)."""
    command = {"store": store_main, "loaders": loaders_main}[args[0]]
    assert command(list(args[1:])) == 0
    release_store()


@pytest.fixture
def after_meeting(demo_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo store, a meeting saved, then BRÅ's 2023 file undone (so Bromma's newest year
    of crimes against the person is 2022 today, 2023 at the meeting)."""
    db = copy_store(demo_db_path, tmp_path / "mote.sqlite")
    _run("store", "snapshots", "create", "Styrgrupp", "--date", "2026-11-30", "--db", str(db))
    con = open_store(db)
    try:
        batch = next(b for b in loading.batches(con) if b.file_name == "Databasfil2023.txt")
    finally:
        con.close()
    _run("loaders", "undo", str(batch.id), "--db", str(db))
    monkeypatch.setenv("DASHBOARD_DB", str(db))
    return db


def _crime_row(at: AppTest) -> pd.Series:
    for element in at.dataframe:
        table = element.value
        if "Indikator" in table.columns and CRIME in set(table["Indikator"]):
            return table.set_index("Indikator").loc[CRIME]
    raise AssertionError("no card with crimes against the person")


@pytest.mark.slow
def test_a_meeting_link_shows_the_figures_then_with_a_banner(after_meeting: Path) -> None:
    then = _open("overview", {"mote": "Styrgrupp", "omfattning": "Bromma"})
    banners = " ".join(w.value for w in then.warning)
    assert "Läget vid mötet ”Styrgrupp” (30 november 2026)" in banners
    assert then.sidebar.selectbox(key="mote").value == "Styrgrupp"
    row = _crime_row(then)
    assert row["Period"] == "2023"
    assert row["Sedan mötet"].startswith("ändrat sedan mötet: nu 2022: ")

    release_store()
    today = _open("overview", {"omfattning": "Bromma"})
    assert not any("Läget vid mötet" in w.value for w in today.warning)
    row = _crime_row(today)
    assert row["Period"] == "2022" and "Sedan mötet" not in row.index


@pytest.mark.slow
def test_the_year_end_page_as_of_a_meeting_marks_what_changed(after_meeting: Path) -> None:
    at = _open("year_end", {"mote": "Styrgrupp", "ar": "2023", "sammanstallning_omrade": "Bromma"})
    table = next(d.value for d in at.dataframe if "Sedan mötet" in d.value.columns)
    changed = [v for v in table["Sedan mötet"] if v.startswith("ändrat sedan mötet: nu: ")]
    assert changed, list(table["Sedan mötet"])
    word = next(b for b in at.get("download_button") if b.proto.label == "Ladda ner Word")
    assert word is not None


@pytest.mark.slow
def test_meeting_mode_as_of_a_meeting_marks_what_changed(after_meeting: Path) -> None:
    at = _open(
        "meeting",
        {"mote": "Styrgrupp", "omrade": "bromma", "steg": "4"},
    )
    marks = [w.value for w in at.warning if w.value.startswith("Ändrat sedan mötet: nu 2022: ")]
    assert marks, (
        [w.value for w in at.warning],
        [c.value for c in at.caption],
        [s.value for s in at.subheader],
    )
    # Each card's trend as a table for a screen reader (issue 38), its years and intervals.
    tables = [m.value for m in at.markdown if "<div class='sr-only'><table>" in m.value]
    assert tables and all("<th scope='col'>Intervall (95 %)</th>" in t for t in tables)
    assert any("Anmälda brott mot person, antal anmälda brott, per år" in t for t in tables)


@pytest.mark.slow
def test_an_unknown_meeting_says_so_and_shows_today(after_meeting: Path) -> None:
    at = _open("overview", {"mote": "Ledningsgrupp"})
    errors = " ".join(e.value for e in at.error)
    assert "Det finns inget sparat möte som heter ”Ledningsgrupp”" in errors
    assert "Sparade möten: Styrgrupp." in errors
    assert not any("Läget vid mötet" in w.value for w in at.warning)


@pytest.mark.slow
def test_pages_that_write_stop_while_a_meeting_is_shown(after_meeting: Path) -> None:
    at = _open("upload", {"mote": "Styrgrupp"})
    assert any("sparat möte" in i.value for i in at.info)
    assert not at.get("file_uploader")


@pytest.mark.slow
def test_a_meeting_is_saved_from_the_sidebar(after_meeting: Path) -> None:
    at = _open("overview")
    at.sidebar.text_input[0].input("Beredningsgrupp december")
    at.sidebar.text_input[1].input("Anna Andersson")
    at.sidebar.button[0].click().run()
    assert not at.exception, at.exception
    assert any("Mötet ”Beredningsgrupp december” är sparat" in s.value for s in at.success)
    release_store()
    con = open_store(after_meeting)
    try:
        saved = snapshots.find(con, "Beredningsgrupp december")
        assert saved is not None and saved.saved_by == "Anna Andersson"
        logged = con.execute(
            "SELECT who, detail FROM audit_log WHERE what = 'möte sparat' ORDER BY logged_at"
        ).fetchall()
        assert logged == [
            (login_name(), "Styrgrupp (2026-11-30)"),  # the command line's, by the login name
            ("Anna Andersson", f"Beredningsgrupp december ({saved.meeting_date})"),
        ]
    finally:
        con.close()
    # The same name again is refused in Swedish, nothing saved twice.
    again = _open("overview")
    again.sidebar.text_input[0].input("beredningsgrupp DECEMBER")
    again.sidebar.text_input[1].input("Anna Andersson")
    again.sidebar.button[0].click().run()
    assert any("Det finns redan ett möte som heter" in e.value for e in again.error)


@pytest.mark.embedded_only  # sets server mode itself
def test_a_catalog_that_cannot_be_reached_gives_a_swedish_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_CATALOG", f"postgresql://nobody@/none?host={tmp_path}&port=9")
    monkeypatch.setenv("DASHBOARD_DATA_PATH", str(tmp_path / "data"))
    at = AppTest.from_file(str(ROOT / "main.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Databasen går inte att nå"
    assert "svarar inte just nu" in at.error[0].value
