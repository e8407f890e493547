"""Händelser as staff use them: an event saved on the page is drawn on the indicator's chart
(the figure's data), listed under it, and in the year-end Word; the role rules hold on the
server."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import docx
import pytest
from streamlit.testing.v1 import AppTest

from access.roles import Principal
from service import events
from service.writes import PermissionDenied, RuleBroken
from store import audit
from tests.app.plotly_data import _values
from tests.conftest import ROOT, copy_store, reading, release_store


@pytest.fixture
def demo_copy(demo_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = copy_store(demo_db_path, tmp_path / "demo.duckdb")
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    return path


def _page(name: str, params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "main.py"), default_timeout=120)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"app_pages/{name}.py").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.slow
def test_an_event_saved_on_the_page_is_on_the_chart_and_in_the_year_end(demo_copy: Path) -> None:
    at = _page("events")
    at.text_input(key="event_title").set_value("Ny lokalpolisstation i Rinkeby")
    at.text_area(key="event_text").set_value("Öppnade vid Rinkeby torg.")
    at.date_input(key="event_start").set_value(date(2023, 3, 3))
    at.radio(key="event_party").set_value("polis")
    at.multiselect(key="event_regions").set_value(["Järva"])
    at.multiselect(key="event_indicators").set_value(["brott_mot_person"])
    at.text_input(key="event_who").set_value("Anna Andersson")
    button = next(b for b in at.get("form_submit_button") if b.form_id == "new_event")
    button.click().run()
    assert not at.exception, at.exception
    assert any("Händelsen sparades" in s.value for s in at.success)
    listed = at.dataframe[0].value
    assert listed.iloc[0]["Händelse"] == "Ny lokalpolisstation i Rinkeby"
    assert listed.iloc[0]["Gäller"] == "Järva" and listed.iloc[0]["Vem"] == "polisen"

    at = _page("indicator", {"indikator": "Anmälda brott mot person"})
    spec = next(
        __import__("json").loads(e.proto.spec)
        for e in at.get("plotly_chart")
        if "multiples" in e.proto.id
    )
    marks = [t for t in spec["data"] if t.get("name") == "Händelse"]
    assert len(marks) == 1  # on Järva's panel only: the event names Järva
    panel = next(t for t in spec["data"] if t.get("meta") == "Järva")
    assert marks[0]["xaxis"] == panel["xaxis"]
    assert _values(marks[0]["x"])[0] == pytest.approx(2023 + 61 / 365)  # 3 March
    assert marks[0]["hovertext"][0] == (
        "3 mars 2023: Ny lokalpolisstation i Rinkeby (polisen; Järva). Öppnade vid Rinkeby torg."
    )
    assert any("Ny lokalpolisstation i Rinkeby" in c.value for c in at.caption)

    release_store()
    from catalogue.catalogue import load_catalogue
    from report import render_docx
    from report.build import build

    con = reading(demo_copy)
    summary = build(con, load_catalogue(), 2023, region_code="80132")
    text = "\n".join(
        p.text for p in docx.Document(io.BytesIO(render_docx.render(summary))).paragraphs
    )
    assert "Händelser 2023 (▲ i diagrammen; även serieavbrott):" in text
    assert "3 mars 2023: Ny lokalpolisstation i Rinkeby (polisen; Järva)" in text
    # The city's summary: an event of Järva alone is not the city's.
    city = build(con, load_catalogue(), 2023)
    assert all(not s.events for s in city.sections)


def test_a_district_rapportor_adds_events_for_their_own_district_only(store) -> None:  # type: ignore[no-untyped-def]
    bromma = Principal("Bo Berg", "rapportör", ("80106",))
    with pytest.raises(PermissionDenied, match="får bara ändra uppgifter för Bromma"):
        events.add(store, bromma, title="Ny fritidsgård", starts_on=date(2024, 5, 1),
                   party="stad", regions=["80132"])  # fmt: skip
    with pytest.raises(PermissionDenied):  # the whole city needs a city-wide role
        events.add(store, bromma, title="Ny fritidsgård", starts_on=date(2024, 5, 1), party="stad")
    with pytest.raises(RuleBroken, match="slutdatumet ligger före"):
        events.add(store, bromma, title="Ny fritidsgård", starts_on=date(2024, 5, 1),
                   ends_on=date(2024, 4, 1), party="stad", regions=["80106"])  # fmt: skip
    new = events.add(store, bromma, title="Ny fritidsgård", starts_on=date(2024, 5, 1),
                     party="stad", regions=["80106"])  # fmt: skip
    other = Principal("Cia Ek", "rapportör", ("80106",))
    with pytest.raises(RuleBroken, match="Bara den som lade till"):
        events.remove(store, other, new)
    events.remove(store, Principal("Admin", "administratör"), new)
    logged = audit.entries(store, limit=10)
    assert {"händelse", "händelse borttagen"} <= set(logged["what"])
