"""Loads of the public sources from Datastatus, as an administrator uses them: a BRÅ file
loaded with the command line's checks and its summary in Swedish, the same file again adds
nothing, a broken file is refused naming its lines in Swedish, and "Hämta nu" loads a
response of the police API (here a recorded one)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from service import loads
from service.session import open_store
from store import loading
from tests.conftest import DEMO_BRA, FIXTURES, ROOT, release_store

RECORDED = ROOT / "data" / "demo" / "polisen" / "events_api_snapshot.json"


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "kallor.sqlite"
    con = open_store(path)  # the register; one placeholder batch keeps the demo data out
    loading.insert_batch(con, source="bra", file_name="x", sha256="x", loaded_by="t",
                         row_count=0)  # fmt: skip
    con.close()
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    return path


def _page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "main.py"), default_timeout=120)
    at.run()
    at.switch_page("app_pages/data_status.py").run()
    assert not at.exception, at.exception
    at.text_input(key="laddare").set_value("Adam Admin").run()
    return at


def _load(at: AppTest, source: str, file: Path) -> AppTest:
    next(s for s in at.selectbox if s.label == "Källa").set_value(source)
    at.file_uploader(key="kallfil").set_value((file.name, file.read_bytes(), "text/plain"))
    return next(b for b in at.button if b.label == "Läs in filen").click().run()


def _batches(path: Path) -> list[tuple[str, str, str]]:
    release_store()
    con = open_store(path)
    try:
        return [(b.file_name, b.loaded_by, b.state) for b in loading.batches(con)][1:]
    finally:
        con.close()


@pytest.mark.slow
def test_an_administrator_loads_a_bra_file_from_the_page(db_path: Path) -> None:
    at = _load(_page(), "bra", DEMO_BRA / "Databasfil2021.txt")
    assert not at.exception, at.exception
    done = " ".join(s.value for s in at.success)
    assert "Läste in ”Databasfil2021.txt” som sats 2: 5544 rader, 33 områden, år 2021." in done
    assert "2772 upprepade rader (samma rad två gånger) togs bort." in done
    assert _batches(db_path) == [("Databasfil2021.txt", "Adam Admin", "active")]
    # The batch is on the page at once (the page reran after the load).
    assert any("Databasfil2021.txt" in set(d.value.get("Fil", [])) for d in at.dataframe)

    again = _load(_page(), "bra", DEMO_BRA / "Databasfil2021.txt")
    assert any(
        "Filen ”Databasfil2021.txt” är redan inläst som sats 2; ingenting lades till." in s.value
        for s in again.success
    )
    assert len(_batches(db_path)) == 1


@pytest.mark.slow
def test_a_broken_file_is_refused_line_by_line_in_swedish(db_path: Path) -> None:
    at = _load(_page(), "bra", FIXTURES / "with-problems" / "bra_malformed_lines.txt")
    errors = " ".join(e.value for e in at.error)
    assert "Filen ”bra_malformed_lines.txt” kunde inte läsas in, och ingenting sparades" in errors
    assert "rad 3: " in errors and "(på engelska)" not in errors
    assert _batches(db_path) == []


@pytest.mark.slow
def test_hamta_nu_loads_a_response_of_the_police_api(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Recorded:
        """The police API as recorded (data/demo/polisen/events_api_snapshot.json)."""

        def fetch(self) -> Path:
            saved = tmp_path / "events-20261202T081500.json"
            saved.write_bytes(RECORDED.read_bytes())
            return saved

    monkeypatch.setattr(loads, "Fetcher", Recorded)
    at = _page()
    at.button(key="hamta_nu").click().run()
    assert not at.exception, at.exception
    done = " ".join(s.value for s in at.success)
    assert "Läste in ”events-20261202T081500.json” som sats 2:" in done
    assert _batches(db_path) == [("events-20261202T081500.json", "Adam Admin", "active")]
