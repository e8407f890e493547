"""With local accounts configured, the app asks for sign-in, shows each role only its pages,
logs sign-ins and failures, and ends the session after inactivity."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from service.session import open_store
from store import audit
from tests.conftest import ROOT, accounts_in, copy_store, release_store

PASSWORD = "ett-långt-lösenord"


@pytest.fixture
def accounts(tmp_path: Path, demo_db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # A copy of the demo store: these tests write (sign-ins, an action) and must not change
    # what other tests read.
    release_store()
    copy = copy_store(demo_db_path, tmp_path / "demo.duckdb")
    with accounts_in(copy) as users:
        users.add("lisa", "läsare", PASSWORD)
        users.add("adam", "administratör", PASSWORD)
    monkeypatch.setenv("DASHBOARD_DB", str(copy))
    return copy


def _sign_in(name: str, password: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "main.py"), default_timeout=120)
    at.run()
    assert at.title[0].value == "Logga in"
    at.text_input(key="signin_name").set_value(name)
    at.text_input(key="signin_password").set_value(password)
    next(iter(at.get("form_submit_button"))).click().run()
    return at


@pytest.mark.slow
def test_sign_in_roles_and_failures(accounts: Path) -> None:
    at = _sign_in("lisa", "fel-lösenord-här")
    assert any("Fel namn eller lösenord" in e.value for e in at.error)
    # A password typed into the name field is not logged as the name.
    at = _sign_in("Hemligt-lösen-99", "")
    assert any("Fel namn eller lösenord" in e.value for e in at.error)
    at = _sign_in("lisa", PASSWORD)
    assert not at.exception, at.exception
    assert at.title[0].value == "Översikt"
    assert any(c.value == "Inloggad: lisa (läsare)" for c in at.sidebar.caption)
    # A reader has no upload, action, year-end or log page: they are not registered at all.
    with pytest.raises(ValueError, match="Known pages") as caught:
        at.switch_page("app_pages/upload.py")
    known = str(caught.value)
    assert "overview.py" in known and "data_status.py" in known
    assert "actions.py" not in known and "audit.py" not in known
    admin = _sign_in("adam", PASSWORD)
    admin.switch_page("app_pages/audit.py").run()
    assert admin.title[0].value == "Logg över ändringar"

    release_store()
    con = open_store(accounts)
    log = audit.entries(con)
    con.close()
    events = list(zip(log["who"], log["what"], strict=True))
    assert ("lisa", "misslyckad inloggning") in events and ("lisa", "inloggning") in events
    assert ("(okänt namn)", "misslyckad inloggning") in events
    # Neither the typed passwords nor their hashes reach the log.
    logged = log.astype(str).to_csv()
    assert "fel-lösenord-här" not in logged and PASSWORD not in logged and "argon2" not in logged
    assert "Hemligt-lösen-99" not in logged


@pytest.mark.slow
def test_session_ends_after_inactivity(accounts: Path) -> None:
    at = _sign_in("lisa", PASSWORD)
    at.session_state["last_activity"] = time.time() - 31 * 60
    at.run()
    assert at.title[0].value == "Logga in"
    assert any("utan aktivitet" in w.value for w in at.warning)


@pytest.mark.slow
def test_a_district_rapportor_is_offered_and_allowed_only_their_district(
    accounts: Path, tmp_path: Path
) -> None:
    with accounts_in(accounts) as users:
        users.add("jonas", "rapportör", PASSWORD, ["80132"])
    at = _sign_in("jonas", PASSWORD)
    at.switch_page("app_pages/actions.py").run()
    assert not at.exception, at.exception
    assert "vem" not in [t.key for t in at.text_input]  # the name comes from the sign-in
    assert any(c.value == "Du kan ändra uppgifter för: Järva." for c in at.caption)
    for key in ("ny_sdo", "bed_sdo", "kom_sdo"):
        assert at.selectbox(key=key).options == ["Järva"]
    # Of the example actions only the Järva one (number 1) can be changed here.
    assert at.selectbox(key="andra_nr").options == ["1: Trygghetsvandringar i Tensta och Rinkeby"]
    at.text_input(key="ny_titel").set_value("Belysning i Tensta")
    next(iter(at.get("form_submit_button"))).click().run()
    assert any(s.value.startswith("Åtgärd") and "sparad" in s.value for s in at.success)
    # An Excel file that changes the Farsta action is refused as a whole.
    from tests.loaders.test_actions_excel import write_sheet

    path = write_sheet(tmp_path / "atgarder.xlsx", [[5, "Ändrad", "Särskilt utsatta och sårbara "
                       "brottsoffer", "Farsta", "stad", "", "pågående"]])  # fmt: skip
    at.file_uploader(key="atgard_fil").set_value(
        ("atgarder.xlsx", path.read_bytes(), "application/octet-stream")
    ).run()
    at.button(key="atgard_spara").click().run()
    assert any(
        e.value == "Sparades inte: jonas får bara ändra uppgifter för Järva; inte för Farsta."
        for e in at.error
    ), [e.value for e in at.error]

    from store import followup

    release_store()
    con = open_store(accounts)
    actions = followup.actions(con)
    con.close()
    mine = actions[actions["created_by"] == "jonas"]
    assert list(mine["title"]) == ["Belysning i Tensta"]
    assert actions.set_index("id").loc[5, "title"] != "Ändrad"


@pytest.mark.slow
def test_the_gates_session_cookie_signs_in_without_the_form_and_sign_out_ends_it(
    accounts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Behind dashboard.py the gate has set the session cookie: the script takes the user
    from it (no form); "Logga ut" ends it, here and in every other tab with the cookie."""
    from streamlit.runtime.context import ContextProxy

    from service import accounts as service_accounts

    con = open_store(":memory:")
    signed = service_accounts.sign_in(con, "adam", PASSWORD, "127.0.0.1")
    con.close()
    assert signed.cookie is not None
    jar = {service_accounts.SESSION_COOKIE: signed.cookie}
    monkeypatch.setattr(ContextProxy, "cookies", property(lambda self: jar))
    at = AppTest.from_file(str(ROOT / "main.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Översikt"
    assert any(c.value == "Inloggad: adam (administratör)" for c in at.sidebar.caption)
    at.sidebar.button(key="logout").click().run()
    assert at.title[0].value == "Utloggad"
    assert "Du är utloggad" in at.info[0].value
    other_tab = AppTest.from_file(str(ROOT / "main.py"), default_timeout=120)
    other_tab.run()
    assert other_tab.title[0].value == "Utloggad"
    assert service_accounts.session_of(signed.cookie) is None
    release_store()
    store = open_store(accounts)
    events = list(audit.entries(store)["what"])
    store.close()
    assert events[0] == "utloggning"


def _admin_page(accounts: Path, monkeypatch: pytest.MonkeyPatch, name: str = "adam") -> AppTest:
    from streamlit.runtime.context import ContextProxy

    from service import accounts as service_accounts

    con = open_store(":memory:")
    signed = service_accounts.sign_in(con, name, PASSWORD, "127.0.0.1")
    con.close()
    jar = {service_accounts.SESSION_COOKIE: signed.cookie}
    monkeypatch.setattr(ContextProxy, "cookies", property(lambda self: jar))
    at = AppTest.from_file(str(ROOT / "main.py"), default_timeout=120)
    at.run()
    return at


def _button(at: AppTest, label: str):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label == label)


def _new_account(at: AppTest, name: str, role: str, districts: list[str], first: str,
                 second: str) -> AppTest:  # fmt: skip
    at.text_input(key="nk_namn").set_value(name)
    at.selectbox(key="nk_roll").set_value(role)
    at.multiselect(key="nk_omraden").set_value(districts)
    at.text_input(key="nk_pw1").set_value(first)
    at.text_input(key="nk_pw2").set_value(second)
    return _button(at, "Skapa kontot").click().run()


@pytest.mark.slow
def test_an_administrator_keeps_the_accounts_on_the_konton_page(
    accounts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from service import accounts as service_accounts

    at = _admin_page(accounts, monkeypatch).switch_page("app_pages/accounts.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Konton"
    table = at.dataframe[0].value
    assert list(table["Namn"]) == ["adam", "lisa"]
    assert list(table["Status"]) == ["aktivt", "aktivt"]

    new = "ett-långt-lösenord-2"
    _new_account(at, "berit", "rapportör", ["Bromma"], new, "ett-annat-lösenord-2")
    assert any("Lösenorden är inte lika" in e.value for e in at.error)
    assert at.text_input(key="nk_namn").value == "berit"  # what was typed is kept
    _new_account(at, "Lisa", "läsare", [], new, new)
    assert any(e.value == "Det finns redan ett konto som heter lisa." for e in at.error)
    _new_account(at, "gun", "läsare", ["Bromma"], new, new)
    assert any("Stadsdelsområden gäller bara en rapportör" in e.value for e in at.error)
    _new_account(at, "berit", "rapportör", ["Bromma"], new, new)
    assert any(s.value == "Kontot `berit` är skapat (rapportör)." for s in at.success)
    assert at.text_input(key="nk_namn").value == ""  # the form is emptied after a success
    table = at.dataframe[0].value
    berit = table[table["Namn"] == "berit"].iloc[0]
    assert (berit["Roll"], berit["Stadsdelsområden"], berit["Inloggning"]) == (
        "rapportör", "Bromma", "lösenord",
    )  # fmt: skip
    assert service_accounts.users().authenticate("BERIT", new) is not None  # any case

    # One's own account offers no disabling; another's needs its own confirmation, which
    # does not carry over to the next account chosen.
    at.selectbox(key="konto_vem").set_value("adam").run()
    assert "Stäng av kontot" not in [b.label for b in at.button]
    at.selectbox(key="konto_vem").set_value("berit").run()
    assert _button(at, "Stäng av kontot").disabled
    at.checkbox(key="bekrafta:stang:berit").check().run()
    _button(at, "Stäng av kontot").click().run()
    assert any("Kontot `berit` är avstängt" in s.value for s in at.success)
    table = at.dataframe[0].value
    assert table[table["Namn"] == "berit"].iloc[0]["Status"] == "avstängt"
    at.selectbox(key="konto_vem").set_value("lisa").run()
    assert not at.checkbox(key="bekrafta:stang:lisa").value
    assert _button(at, "Stäng av kontot").disabled
    # Another role and districts, in force at the next page load.
    at.selectbox(key="konto_vem").set_value("lisa").run()
    role_box = next(b for b in at.selectbox if b.label == "Roll" and b.value == "läsare")
    role_box.set_value("rapportör")
    area_box = next(m for m in at.multiselect if m.key != "nk_omraden")
    area_box.set_value(["Farsta"])
    _button(at, "Spara rollen").click().run()
    assert any(s.value == "`lisa` är nu rapportör." for s in at.success)
    found = service_accounts.users().find("lisa")
    assert found is not None and (found.role, found.districts) == ("rapportör", ["80118"])
    # A disabled account can be enabled again.
    at.selectbox(key="konto_vem").set_value("berit").run()
    _button(at, "Aktivera kontot").click().run()
    assert service_accounts.users().authenticate("berit", new) is not None

    release_store()
    store = open_store(accounts)
    log = audit.entries(store)
    store.close()
    events = list(zip(log["who"], log["what"], log["detail"], strict=True))
    assert ("adam", "konto skapat", "berit (rapportör; Bromma)") in events
    assert ("adam", "konto avstängt", "berit") in events
    assert ("adam", "konto aktiverat", "berit") in events
    assert ("adam", "roll ändrad", "lisa (rapportör; Farsta)") in events
    assert new not in log.astype(str).to_csv()


@pytest.mark.slow
def test_the_konton_page_is_for_administrators_only(
    accounts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _admin_page(accounts, monkeypatch, "lisa")
    with pytest.raises(ValueError, match="Known pages") as caught:
        at.switch_page("app_pages/accounts.py")
    assert "accounts.py" not in str(caught.value).split("Known pages")[1]


@pytest.mark.slow
def test_a_disabled_accounts_open_tab_says_why(
    accounts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from service import accounts as service_accounts

    at = _admin_page(accounts, monkeypatch, "lisa")
    assert at.title[0].value == "Översikt"
    service_accounts.users().disable("lisa")
    at.run()
    assert at.title[0].value == "Utloggad"
    assert at.info[0].value == "Ditt konto är avstängt. Kontakta en administratör."
