"""The action register and assessments as staff use them: create an action, edit it, an
assessment that disagrees with the indicators is refused without a justification, and the
year-end summary downloads."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from loaders.reference import open_store
from store import followup, queries
from tests.conftest import ROOT, release_store


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "actions.duckdb"
    con = open_store(path)
    queries.insert_batch(
        con, source="bra_anmalda_brott", file_name="x", sha256="x", loaded_by="t", row_count=0
    )
    con.close()
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    return path


def _page(name: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.switch_page(f"app_pages/{name}.py").run()
    assert not at.exception, at.exception
    return at


def _submit(at: AppTest, form: str) -> None:
    """Click the submit button of the form with this key."""
    button = next(b for b in at.get("form_submit_button") if b.form_id == form)
    button.click().run()
    assert not at.exception, at.exception


def _read(path: Path):  # type: ignore[no-untyped-def]

    release_store()
    con = open_store(path)
    try:
        return followup.actions(con), followup.action_history(con, 1), followup.assessments(con)
    finally:
        con.close()


def test_create_edit_and_assess(db_path: Path) -> None:
    at = _page("actions")
    at.text_input(key="vem").set_value("Anna Andersson")
    at.text_input(key="ny_titel").set_value("Belysning på gångstråket vid Rinkeby torg")
    at.selectbox(key="ny_omr").set_value("platser")
    at.selectbox(key="ny_sdo").set_value("Järva")
    at.selectbox(key="ny_agare").set_value("gemensamt")
    form_button = next(b for b in at.get("form_submit_button"))
    form_button.click().run()
    assert not at.exception, at.exception
    assert any(s.value.startswith("Åtgärd 1 sparad") for s in at.success)
    actions, _, _ = _read(db_path)
    assert actions.iloc[0][["title", "region_name", "owner", "status", "created_by"]].tolist() == [
        "Belysning på gångstråket vid Rinkeby torg",
        "Järva",
        "gemensamt",
        "planerad",
        "Anna Andersson",
    ]

    at = _page("actions")
    at.text_input(key="vem").set_value("Bo Berg")
    at.selectbox(key="andra_nr").set_value(1).run()
    at.selectbox(key="andra_1_status").set_value("genomförd")
    at.text_area(key="andra_1_not").set_value("Klart i oktober")
    _submit(at, "andra_1")
    assert any("Åtgärd 1 sparad. Ändrat: status." in s.value for s in at.success), at.error
    actions, history, _ = _read(db_path)
    assert actions.iloc[0]["status"] == "genomförd"
    assert "Klart i oktober" in actions.iloc[0]["notes"]
    assert history[["field", "old_value", "new_value", "changed_by"]].values.tolist()[-1] == [
        "status",
        "planerad",
        "genomförd",
        "Bo Berg",
    ]

    # Reported crimes against persons in Bromma rose from 1 000 to 1 500: a significant
    # deterioration, so judging the victims' area "uppfyllt helt" disagrees with the data.

    from tests.indicators.builders import add_batch

    release_store()
    con = open_store(db_path)
    add_batch(
        con,
        [
            {
                "measure": "bra.brott_mot_person",
                "region_code": "80106",
                "year": y,
                "month": 1,
                "value": v,
            }
            for y, v in ((2022, 1000), (2023, 1500))
        ],
        source="bra_anmalda_brott",
    )
    con.close()
    release_store()
    at = _page("actions")
    at.text_input(key="vem").set_value("Bo Berg")
    at.selectbox(key="bed_omr").set_value("brottsoffer")
    at.selectbox(key="bed_sdo").set_value("Bromma")
    at.number_input(key="bed_ar").set_value(2023)
    at.radio(key="bed_dom").set_value("uppfyllt helt").run()
    assert any("Indikatorerna visar: **försämring**" in m.value for m in at.markdown)
    assert any("motivering krävs" in w.value for w in at.warning)
    at.button(key="bed_spara").click().run()
    assert any(
        "Sparades inte: bedömningen går emot vad indikatorerna visar" in e.value for e in at.error
    )
    assert _read(db_path)[2].empty
    at.text_area(key="bed_motiv").set_value("Målet nåddes enligt den lokala uppföljningen.")
    at.button(key="bed_spara").click().run()
    assert any(s.value == "Bedömningen sparad." for s in at.success)
    assessments = _read(db_path)[2]
    assert assessments.iloc[0][["judgement", "assessed_by"]].tolist() == [
        "uppfyllt helt",
        "Bo Berg",
    ]


def test_year_end_page_downloads(demo_db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHBOARD_DB", str(demo_db_path))
    at = _page("year_end")
    assert at.title[0].value == "Årssammanställning"
    summary = at.dataframe[0].value
    assert next(iter(summary["Prioriterat område"])) == "Unga i riskzon för destruktivt beteende"
    buttons = {b.proto.label for b in at.get("download_button")}
    assert {"Ladda ner Word", "Ladda ner Excel"} <= buttons
