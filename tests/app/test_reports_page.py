"""The page Rapporter (issue 37) as its users use it: Järva's rapportör writes and submits the
report for 15 June, a beredningsgrupp member returns it with a comment, the rapportör sees
the comment where it applies, revises and resubmits, it is approved; the overview, the
årshjul and the log show each step under the right name; a Bromma rapportör is offered no
form for Järva's report; a reader sees it marked preliminary."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from service import action_plan
from service.session import open_store
from store import audit
from tests.app.test_local_agreements import reports_not_handed_in
from tests.app.test_roles_pages import PASSWORD
from tests.conftest import ROOT, accounts_in, copy_store, release_store

JARVA = "80132"
ITEM = f"rapport:2026:halvar:{JARVA}"
FORM = f"rap_form_{ITEM}"
PARAMS = {
    "rap_ar": "2026",
    "rap_rapport": "Halvårsuppföljning till beredningsgruppen",
    "rap_sdo": "Järva",
}


@pytest.fixture
def store(demo_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = copy_store(demo_db_path, tmp_path / "demo.duckdb")
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    reports_not_handed_in(path)
    with accounts_in(path) as users:
        users.add("jonas", "rapportör", PASSWORD, [JARVA])
        users.add("bo", "rapportör", PASSWORD, ["80106"])  # Bromma
        users.add("bea", "beredningsgrupp", PASSWORD)
        users.add("lisa", "läsare", PASSWORD)
    release_store()
    return path


def _as(name: str, params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "main.py"), default_timeout=180)
    for key, value in (PARAMS if params is None else params).items():
        at.query_params[key] = value
    at.run()
    at.text_input(key="signin_name").set_value(name)
    at.text_input(key="signin_password").set_value(PASSWORD)
    next(iter(at.get("form_submit_button"))).click().run()
    assert not at.exception, at.exception
    at.switch_page("app_pages/reports.py").run()
    assert not at.exception, at.exception
    return at


def _press(at: AppTest, form_prefix: str, label: str) -> None:
    next(
        b
        for b in at.get("form_submit_button")
        if b.form_id.startswith(form_prefix) and b.label == label
    ).click().run()
    assert not at.exception, at.exception


def _status(at: AppTest, district: str = "Järva") -> str:
    table = at.dataframe[0].value
    return str(table[table["Stadsdelsområde"] == district].iloc[0]["Status"])


def _write_all(at: AppTest) -> None:
    for area in ("unga", "platser", "systemhot", "brottsoffer", "kriminella_miljoer"):
        at.text_area(key=f"rap_{ITEM}_stad:{area}_lagesbild").set_value(
            "Personalen beskriver ett lugnare läge kvällstid."
        )
        at.text_area(key=f"rap_{ITEM}_stad:{area}_bedomning").set_value("Delvis i rätt riktning.")


@pytest.mark.slow
def test_jarvas_report_is_written_returned_revised_and_approved_on_the_page(store: Path) -> None:
    at = _as("jonas")
    assert _status(at) == "Saknas (försenad)"
    assert any("Preliminärt" in w.value for w in at.warning)
    # The figures are pre-filled with their periods; the actions' status too.
    assert any("Anmälda brott mot person" in m.value for m in at.markdown)
    _write_all(at)
    _press(at, FORM, "Skicka in till beredningsgruppen")
    assert any("Järvas rapport är inskickad till beredningsgruppen" in s.value for s in at.success)
    assert _status(at) == "Inskickad, ej godkänd"
    assert not [b for b in at.get("form_submit_button") if b.form_id.startswith(FORM)]
    release_store()

    # Bromma's rapportör is offered no form for Järva; the reader neither, and reads
    # the report as preliminary.
    for name in ("bo", "lisa"):
        other = _as(name)
        assert not [b for b in other.get("form_submit_button") if b.form_id.startswith("rap_")]
        assert any("Preliminärt" in w.value for w in other.warning)
        release_store()

    bea = _as("bea")
    assert not [b for b in bea.get("form_submit_button") if b.form_id.startswith(FORM)]
    bea.text_area(key=f"rap_g_{ITEM}_stad:unga").set_value("Beskriv rekryteringen vid skolorna.")
    _press(bea, f"rap_granska_{ITEM}", "Återsänd med kommentarer")
    assert any("återsänd med kommentarer" in s.value for s in bea.success)
    assert _status(bea) == "Återsänd"
    release_store()

    again = _as("jonas")
    assert any(
        e.value.replace("\\", "")
        == "Beredningsgruppens kommentar: Beskriv rekryteringen vid skolorna."
        for e in again.error
    )
    again.text_area(key=f"rap_{ITEM}_stad:unga_lagesbild").set_value(
        "Rekrytering vid två skolor i Tensta."
    )
    _press(again, FORM, "Skicka in till beredningsgruppen")
    release_store()

    bea = _as("bea")
    _press(bea, f"rap_granska_{ITEM}", "Godkänn rapporten")
    assert any("Järvas rapport är godkänd och fryst" in s.value for s in bea.success)
    assert _status(bea) == "Godkänd"
    assert not any("Preliminärt" in w.value for w in bea.warning)
    assert any(
        "Rekrytering vid två skolor i Tensta." in m.value.replace("\\", "") for m in bea.markdown
    )
    release_store()

    # The årshjul shows it done, by whom.
    jonas = _as("jonas")
    jonas.switch_page("app_pages/arshjul.py").run()
    table = jonas.dataframe[0].value
    row = table[table["Vad"] == "Halvårsuppföljning till beredningsgruppen: Järva"].iloc[0]
    assert row["Status"].startswith("klar") and row["Anteckning"] == "godkänd av bea"
    release_store()

    con = open_store(store)
    try:
        log = audit.entries(con)
        steps = log[log["what"].str.startswith("rapport ")]
        assert list(zip(steps["who"], steps["what"], strict=True))[::-1] == [
            ("jonas", "rapport inskickad"),
            ("bea", "rapport återsänd"),
            ("jonas", "rapport inskickad"),
            ("bea", "rapport godkänd"),
        ]
    finally:
        con.close()


@pytest.mark.slow
def test_the_plan_is_adopted_and_next_years_begun_on_the_page(store: Path) -> None:
    year = date.today().year
    params = {"plan_ar": str(year)}
    reader = _as("lisa", params)
    reader.switch_page("app_pages/plan.py").run()
    assert not reader.exception, reader.exception
    assert not [b for b in reader.get("form_submit_button") if b.form_id.startswith("plan_")]
    facts = reader.dataframe[0].value
    assert "KS 2023/740" in facts[facts["Uppgift"] == "Beslut"].iloc[0]["Värde"]
    release_store()

    bea = _as("bea", params)
    bea.switch_page("app_pages/plan.py").run()
    for area in ("unga", "platser", "systemhot", "brottsoffer", "kriminella_miljoer"):
        bea.text_area(key=f"plan_{year}_{area}_mal").set_value(f"Mål för {area}.")
    _press(bea, f"plan_form_{year}", "Fastställ planen")
    assert any(f"Handlingsplanen för {year} är fastställd" in s.value for s in bea.success)
    assert any("**Status:** fastställd" in m.value for m in bea.markdown)
    _press(bea, "plan_nasta", f"Påbörja planen för {year + 1} (utkast)")
    assert any(f"Handlingsplanen för {year + 1} är påbörjad som utkast" in s.value
               for s in bea.success)  # fmt: skip
    release_store()
    con = open_store(store)
    try:
        following = action_plan.read(con, year + 1)
        assert following is not None and following.area("unga").goal == "Mål för unga."
        log = audit.entries(con)
        assert ("bea", "handlingsplan") in set(zip(log["who"], log["what"], strict=True))
    finally:
        con.close()


@pytest.mark.slow
def test_a_reader_subscribes_and_unsubscribes_on_the_page(store: Path) -> None:
    lisa = _as("lisa")
    lisa.switch_page("app_pages/alerts.py").run()
    assert not lisa.exception, lisa.exception
    lisa.radio(key="bevaka_slag").set_value("indicator").run()
    lisa.selectbox(key="bevaka_varde").set_value("skjutningar")
    lisa.text_input(key="bevaka_epost").set_value("lisa@example.se")
    _press(lisa, "bevakning_ny", "Spara bevakningen")
    assert any("Skjutningar till lisa@example.se" in s.value for s in lisa.success)
    table = lisa.dataframe[0].value
    assert list(table["Bevakar"]) == ["Indikator: Skjutningar"]
    _press(lisa, "bevakning_bort", "Ta bort")
    assert any("borttagen" in s.value for s in lisa.success)
    assert any(c.value == "Inga bevakningar ännu." for c in lisa.caption)


@pytest.mark.slow
def test_a_second_tab_never_overwrites_a_newer_version_and_keeps_the_typing(store: Path) -> None:
    first, second = _as("jonas"), _as("jonas")  # two tabs on the same draft
    field = f"rap_{ITEM}_stad:unga_lagesbild"
    second.text_area(key=field).set_value("Från flik två.")
    _press(second, FORM, "Spara utkast")
    assert any(
        "Utkastet till Järvas rapport är sparat (version 1)" in s.value for s in second.success
    )
    # The first tab still shows the form as it was drawn; its save is refused, its text kept.
    first.text_area(key=field).set_value("Från flik ett.")
    _press(first, FORM, "Spara utkast")
    assert any("har ändrats sedan du öppnade den" in e.value for e in first.error)
    assert first.text_area(key=field).value == "Från flik ett."
    # The second tab saves again on its own version: allowed.
    second.text_area(key=field).set_value("Från flik två, igen.")
    _press(second, FORM, "Spara utkast")
    assert any("(version 2)" in s.value for s in second.success)
    release_store()
    # A link to the November report opens that report, not the half-year one.
    later = _as("jonas", {**PARAMS, "rap_rapport": "Underlag till årssammanställningen"})
    assert any(h.value == "Järva: underlag till årssammanställningen 2026" for h in later.header)
