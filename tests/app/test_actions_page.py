"""The action register and assessments as staff use them: create an action, edit it, an
assessment that disagrees with the indicators is refused without a justification, and the
year-end summary downloads."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from service.session import open_store
from store import followup, loading
from tests.conftest import ROOT, release_store


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "actions.duckdb"
    con = open_store(path)
    loading.insert_batch(
        con, source="bra_anmalda_brott", file_name="x", sha256="x", loaded_by="t", row_count=0
    )
    con.close()
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    return path


def _page(name: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "main.py"), default_timeout=120)
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


@pytest.mark.slow
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
    # The log names the area and the district (it stores their codes: "brottsoffer 80106").
    at.switch_page("app_pages/audit.py").run()
    log = next(d.value for d in at.dataframe if "Detaljer" in d.value.columns)
    judged = log[log["Vad"] == "bedömning"].iloc[0]
    assert judged["Detaljer"] == (
        "Särskilt utsatta och sårbara brottsoffer Bromma 2023: uppfyllt helt"
    )


def test_year_end_page_downloads(demo_db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHBOARD_DB", str(demo_db_path))
    at = _page("year_end")
    assert at.title[0].value == "Årssammanställning"
    summary = at.dataframe[0].value
    assert next(iter(summary["Prioriterat område"])) == "Unga i riskzon för destruktivt beteende"
    buttons = {b.proto.label for b in at.get("download_button")}
    assert {"Ladda ner Word", "Ladda ner Excel"} <= buttons


@pytest.fixture
def examples_db(db_path: Path) -> Path:
    """The store of ``db_path`` with the five example actions."""
    from loaders.followup_examples import load as load_examples

    con = open_store(db_path)
    load_examples(con)
    con.close()
    return db_path


def _action(path: Path, action_id: int) -> dict:
    release_store()
    con = open_store(path)
    try:
        row = followup.actions(con).set_index("id").loc[action_id].to_dict()
    finally:
        con.close()
    return {
        k: ("" if v is None or (isinstance(v, float) and v != v) else v) for k, v in row.items()
    }


@pytest.mark.slow
def test_switching_actions_before_saving_never_mixes_them(examples_db: Path) -> None:
    before_a, before_b = _action(examples_db, 1), _action(examples_db, 5)
    at = _page("actions")
    at.text_input(key="vem").set_value("Bo Berg")
    at.selectbox(key="andra_nr").set_value(1).run()  # look at action A first …
    assert at.text_input(key="andra_1_titel").value == before_a["title"]
    assert at.selectbox(key="andra_1_status").value == "genomförd"
    at.selectbox(key="andra_nr").set_value(5).run()  # … then edit action B
    assert at.text_input(key="andra_5_titel").value == before_b["title"]
    assert at.selectbox(key="andra_5_status").value == "avbruten"
    at.text_area(key="andra_5_not").set_value("Avslutad: för få deltagare")
    _submit(at, "andra_5")
    assert any(s.value == "Åtgärd 5 sparad. Ändrat: bara uppföljningen." for s in at.success)
    after_a, after_b = _action(examples_db, 1), _action(examples_db, 5)
    assert after_a == before_a
    assert after_b["notes"].endswith("Avslutad: för få deltagare")
    assert {k: v for k, v in after_b.items() if k != "notes"} == {
        k: v for k, v in before_b.items() if k != "notes"
    }


@pytest.mark.slow
def test_every_field_of_an_action_is_edited_on_the_page(examples_db: Path) -> None:
    from datetime import date

    at = _page("actions")
    at.text_input(key="vem").set_value("Bo Berg")
    at.selectbox(key="andra_nr").set_value(3).run()
    edit = "andra_3"
    # It serves a local area of Skärholmen's agreement: moved to Farsta it cannot keep it.
    assert at.selectbox(key=f"{edit}_lokalt").value == "80124:L1"
    at.selectbox(key=f"{edit}_sdo").set_value("Farsta")
    _submit(at, edit)
    assert [e.value for e in at.error] == [
        "Sparades inte: det lokala området hör till ett annat stadsdelsområde än åtgärden."
    ]
    at.text_input(key=f"{edit}_titel").set_value("Sociala insatsgrupper, fas 2")
    at.text_area(key=f"{edit}_beskr").set_value("Fortsättning med skolan")
    at.selectbox(key=f"{edit}_omr").set_value("kriminella_miljoer")
    at.selectbox(key=f"{edit}_sdo").set_value("Farsta")
    at.selectbox(key=f"{edit}_agare").set_value("gemensamt")
    at.text_input(key=f"{edit}_enhet").set_value("Farsta stadsdelsförvaltning")
    at.selectbox(key=f"{edit}_status").set_value("pågående")
    at.date_input(key=f"{edit}_start").set_value(date(2024, 1, 8))
    at.date_input(key=f"{edit}_slut").set_value(date(2025, 6, 30))
    at.text_area(key=f"{edit}_effekt").set_value("Färre unga i kriminella nätverk")
    at.multiselect(key=f"{edit}_ind").set_value(["avhoppare_stod", "unga_hot_vald"])
    at.selectbox(key=f"{edit}_lokalt").set_value("")
    at.text_input(key=f"{edit}_kontakt").set_value("Anna.Berg@example.org")
    _submit(at, edit)
    assert [s.value for s in at.success] == [
        "Åtgärd 3 sparad. Ändrat: prioriterat område, stadsdelsområde, rubrik, beskrivning, "
        "ägare, ansvarig enhet, status, start, slut, förväntad effekt, indikatorer, lokalt "
        "område, kontaktperson."
    ]
    after = _action(examples_db, 3)
    assert {
        k: after[k]
        for k in (
            "title",
            "description",
            "area",
            "region_name",
            "owner",
            "responsible_unit",
            "status",
            "expected_effect",
            "indicators",
        )
    } == {
        "title": "Sociala insatsgrupper, fas 2",
        "description": "Fortsättning med skolan",
        "area": "kriminella_miljoer",
        "region_name": "Farsta",
        "owner": "gemensamt",
        "responsible_unit": "Farsta stadsdelsförvaltning",
        "status": "pågående",
        "expected_effect": "Färre unga i kriminella nätverk",
        "indicators": "avhoppare_stod,unga_hot_vald",
    }
    assert (str(after["start_date"])[:10], str(after["end_date"])[:10]) == (
        "2024-01-08",
        "2025-06-30",
    )


@pytest.mark.slow
def test_a_saved_assessment_is_in_the_year_end_documents_of_the_same_session(
    demo_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import types

    import docx
    import openpyxl
    from streamlit.elements.widgets import button as button_module

    from tests.conftest import copy_store

    # AppTest has no runtime to hold a download built on click: keep each button's callable,
    # as the server's media file manager does, and run it as a click would.
    deferred: dict[str, object] = {}
    names: dict[str, str] = {}

    def add_deferred(data, mimetype, coordinates, **kwargs):  # type: ignore[no-untyped-def]
        deferred[coordinates] = data
        names[coordinates] = kwargs.get("file_name")
        return coordinates

    fake = types.SimpleNamespace(
        exists=lambda: True,
        get_instance=lambda: types.SimpleNamespace(
            media_file_mgr=types.SimpleNamespace(
                add_deferred=add_deferred, remove_deferred=lambda *a, **k: None
            )
        ),
    )
    monkeypatch.setattr(button_module, "runtime", fake)
    monkeypatch.setenv("DASHBOARD_DB", str(copy_store(demo_db_path, tmp_path / "demo.duckdb")))

    def downloaded(at: AppTest, label: str) -> bytes:
        button = next(b for b in at.get("download_button") if b.proto.label == label)
        return deferred[button.proto.deferred_file_id]()  # type: ignore[operator]

    at = _page("year_end")
    # It opens on the last year with figures for a whole year (the police events of 2025;
    # 2026 has only January–July) and says so; the files say what they hold.
    assert at.selectbox(key="ar").value == 2025
    assert "2025 är det senaste året med uppgifter för hela året" in at.caption[1].value
    stem = "arssammanstallning_2025_hela-staden_overenskommelsen-2024"
    assert sorted(names[b.proto.deferred_file_id] for b in at.get("download_button")) == [
        f"{stem}.docx", f"{stem}.xlsx", f"motespaket_{stem}.pdf", f"motespaket_{stem}.pptx"
    ]  # fmt: skip
    at.selectbox(key="ar").set_value(2023).run()
    assert "Det senaste året med uppgifter för hela året är 2025" in at.caption[1].value
    # The documents are built (and cached) before the assessment.
    assert b"Ungdomsmottagningen" not in downloaded(at, "Ladda ner Word")
    at.switch_page("app_pages/actions.py").run()
    at.text_input(key="vem").set_value("Bo Berg")
    at.selectbox(key="bed_omr").set_value("unga")
    at.selectbox(key="bed_sdo").set_value("Hela staden")
    at.number_input(key="bed_ar").set_value(2023)
    at.radio(key="bed_dom").set_value("delvis")
    why = "Ungdomsmottagningen nådde fler än planerat."
    at.text_area(key="bed_motiv").set_value(why)
    at.button(key="bed_spara").click().run()
    assert any(s.value == "Bedömningen sparad." for s in at.success), at.error
    at.switch_page("app_pages/year_end.py").run()
    at.selectbox(key="ar").set_value(2023).run()
    assert not at.exception, at.exception
    word = docx.Document(io.BytesIO(downloaded(at, "Ladda ner Word")))
    assert f"Delvis. {why}" in [p.text for p in word.paragraphs]
    book = openpyxl.load_workbook(io.BytesIO(downloaded(at, "Ladda ner Excel")))
    sheet = book.worksheets[1]  # the first area's sheet: Unga i riskzon …
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert ["Bedömning", "delvis", why] in [r[:3] for r in rows]
