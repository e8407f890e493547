"""The upload page, driven as staff use it: upload → preview → confirm → undo, with the stored
values checked after each step."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from service.session import open_store
from store import audit, loading
from tests.app.plotly_data import table_with
from tests.conftest import FIXTURES, PROBLEMS, ROOT, release_store

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "upload.duckdb"
    con = open_store(path)  # an empty store with the register (no demo data needed)
    loading.insert_batch(con, source="bra_anmalda_brott", file_name="x", sha256="x",
                         loaded_by="t", row_count=0)  # fmt: skip
    con.close()
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    return path


def _page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "main.py"), default_timeout=90)
    at.run()
    at.switch_page("app_pages/upload.py").run()
    assert not at.exception, at.exception
    return at


def _bromma(con: duckdb.DuckDBPyConnection) -> float | None:
    frame = loading.stored_values(con, ["stad_trygghet.otrygg_ute_kvall"])
    rows = frame[(frame["region_code"] == "80106") & (frame["sex"] == "total")]
    return None if rows.empty else float(rows["value"].iloc[0])


def _stored(path: Path) -> float | None:

    release_store()  # the page holds the file; let go of it to read
    con = open_store(path)
    try:
        return _bromma(con)
    finally:
        con.close()


@pytest.mark.slow
def test_upload_preview_confirm_undo(db_path: Path) -> None:
    at = _page()
    assert at.title[0].value == "Ladda upp enkätresultat och aktivitetsuppgifter"
    at.text_input(key="uploader").set_value("Anna Andersson")
    data = (FIXTURES / "uploads" / "enkat_openpyxl.xlsx").read_bytes()
    at.file_uploader(key="file").set_value(("enkat.xlsx", data, XLSX)).run()
    assert not at.exception, at.exception
    preview = table_with(at, "Ändring")
    assert list(preview["Ändring"]) == ["ny"] * 6
    bromma = preview[(preview["Område"] == "Bromma") & (preview["Kön"] == "Alla")].iloc[0]
    assert bromma["Nytt värde"] == "6,2"
    assert any("6** nya värden" in m.value for m in at.markdown)
    assert _stored(db_path) is None  # nothing written before confirming

    at = _page()
    at.text_input(key="uploader").set_value("Anna Andersson")
    at.file_uploader(key="file").set_value(("enkat.xlsx", data, XLSX)).run()
    at.button(key="confirm").click().run()
    assert not at.exception, at.exception
    assert any(s.value.startswith("Sparat som sats 2: 6 värden") for s in at.success)
    assert _stored(db_path) == 6.2
    uploads = table_with(at, "Uppladdad av")
    assert list(uploads["Uppladdad av"]) == ["Anna Andersson"]

    at = _page()
    at.text_input(key="uploader").set_value("Anna Andersson").run()
    # Nothing is chosen to undo until the user chooses; undoing asks once more.
    assert at.selectbox(key="undo_batch").value is None
    at.selectbox(key="undo_batch").set_value(2).run()
    at.button(key="undo").click().run()
    assert _stored(db_path) == 6.2  # asked, not yet undone
    assert any(w.value.startswith("Ångra enkat.xlsx – Anna Andersson, ") for w in at.warning)
    at.button(key="undo_yes").click().run()
    assert not at.exception, at.exception
    assert _stored(db_path) is None
    # The message is still there after the rerun that shows the batch as undone.
    assert any("enkat.xlsx – Anna Andersson" in s.value and "är ångrad" in s.value
               for s in at.success)  # fmt: skip
    assert list(table_with(at, "Status")["Status"]) == ["ångrad"]
    con = open_store(db_path)
    assert loading.batch(con, 2).state == "undone"
    con.close()


@pytest.mark.slow
def test_problems_are_listed_with_their_cells(db_path: Path) -> None:
    at = _page()
    at.text_input(key="uploader").set_value("Anna")
    data = (PROBLEMS / "upload_andel_over_100.xlsx").read_bytes()
    at.file_uploader(key="file").set_value(("fel.xlsx", data, XLSX)).run()
    assert any("1 fel. Inget sparas" in e.value for e in at.error)
    findings = table_with(at, "Cell")
    assert findings.iloc[0][["Nivå", "Cell", "Värde", "Problem"]].tolist() == [
        "fel", "F3", "120", "ska vara mellan 0 och 100"]  # fmt: skip
    assert not any(b.key == "confirm" for b in at.button)


@pytest.mark.slow
def test_a_refused_file_says_why(db_path: Path) -> None:
    at = _page()
    data = (PROBLEMS / "upload_losenord.xlsx").read_bytes()
    at.file_uploader(key="file").set_value(("hemlig.xlsx", data, XLSX)).run()
    assert any("lösenordsskyddad" in e.value for e in at.error)


@pytest.mark.slow
def test_a_new_mapping_is_used_and_saved_on_the_first_click(db_path: Path) -> None:
    at = _page()
    at.text_input(key="uploader").set_value("Anna Andersson")
    data = (FIXTURES / "uploads" / "svar_per_respondent.xlsx").read_bytes()
    at.file_uploader(key="file").set_value(("svar.xlsx", data, XLSX)).run()
    assert not at.exception, at.exception
    question = "Hur trygg känner du dig ute ensam sent en kväll?"
    at.selectbox(key="map_district").set_value("SDO")
    at.selectbox(key="map_sex").set_value("Kön")
    at.selectbox(key="map_age").set_value("Ålder")
    at.number_input(key="map_year").set_value(2024)
    at.multiselect(key="map_questions").set_value([question]).run()
    at.selectbox(key=f"map_measure_{question}").set_value(
        "Otrygg ute ensam sent en kväll i det egna området"
    )
    at.multiselect(key=f"map_num_{question}").set_value(["Ganska otrygg", "Mycket otrygg"])
    at.multiselect(key=f"map_excl_{question}").set_value(["Vet inte"])
    at.text_input(key="map_name").set_value("Trygghetsenkäten 2024")
    at.button(key="use_mapping").click().run()
    assert not at.exception, at.exception
    assert any(s.value == "Kopplingen är sparad som Trygghetsenkäten 2024." for s in at.success)
    assert any(m.value == "Förhandsgranskning" for m in at.subheader)  # the preview, at once
    release_store()
    con = open_store(db_path)
    try:
        saved = loading.mappings(con)
        log = [tuple(r) for r in audit.entries(con)[["who", "what", "detail"]].values]
    finally:
        con.close()
    assert list(saved) == ["Trygghetsenkäten 2024"]
    assert ("Anna Andersson", "koppling sparad", "Trygghetsenkäten 2024") in log
