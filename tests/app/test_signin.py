"""With local accounts configured, the app asks for sign-in, shows each role only its pages,
logs sign-ins and failures, and ends the session after inactivity."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from loaders.reference import open_store
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


def test_session_ends_after_inactivity(accounts: Path) -> None:
    at = _sign_in("lisa", PASSWORD)
    at.session_state["last_activity"] = time.time() - 31 * 60
    at.run()
    assert at.title[0].value == "Logga in"
    assert any("utan aktivitet" in w.value for w in at.warning)


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


def test_an_administrator_keeps_the_accounts_on_the_konton_page(
    accounts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _admin_page(accounts, monkeypatch).switch_page("app_pages/accounts.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Konton"
    table = at.dataframe[0].value
    assert list(table["Namn"]) == ["adam", "lisa"]
    assert list(table["Status"]) == ["aktivt", "aktivt"]

    form = at.get("form")[0]
    at.text_input[0].set_value("berit")
    at.selectbox[0].set_value("rapportör")
    at.multiselect[0].set_value(["Bromma"])
    at.text_input[1].set_value("ett-långt-lösenord-2")
    at.text_input[2].set_value("ett-annat-lösenord-2")
    assert form is not None
    at.button[0].click().run()
    assert any("Lösenorden är inte lika" in e.value for e in at.error)
    at.text_input[0].set_value("berit")
    at.selectbox[0].set_value("rapportör")
    at.multiselect[0].set_value(["Bromma"])
    at.text_input[1].set_value("ett-långt-lösenord-2")
    at.text_input[2].set_value("ett-långt-lösenord-2")
    at.button[0].click().run()
    assert any(s.value == "Kontot berit är skapat (rapportör)." for s in at.success)
    table = at.dataframe[0].value
    berit = table[table["Namn"] == "berit"].iloc[0]
    assert (berit["Roll"], berit["Stadsdelsområden"], berit["Inloggning"]) == (
        "rapportör", "Bromma", "lösenord",
    )  # fmt: skip
    from service import accounts as service_accounts

    assert service_accounts.users().authenticate("berit", "ett-långt-lösenord-2") is not None

    # Disabling needs the confirmation; one's own account cannot be disabled.
    at.selectbox(key="konto_vem").set_value("adam").run()
    at.checkbox(key="konto_stang_sakert").check().run()
    next(b for b in at.button if b.label == "Stäng av kontot").click().run()
    assert any("Du kan inte stänga av ditt eget konto" in e.value for e in at.error)
    at.selectbox(key="konto_vem").set_value("berit").run()
    at.checkbox(key="konto_stang_sakert").check().run()
    next(b for b in at.button if b.label == "Stäng av kontot").click().run()
    table = at.dataframe[0].value
    assert table[table["Namn"] == "berit"].iloc[0]["Status"] == "avstängt"
    assert service_accounts.users().find("berit").disabled  # type: ignore[union-attr]

    release_store()
    store = open_store(accounts)
    log = audit.entries(store)
    store.close()
    events = list(zip(log["who"], log["what"], log["detail"], strict=True))
    assert ("adam", "konto skapat", "berit (rapportör; Bromma)") in events
    assert ("adam", "konto avstängt", "berit") in events
    assert "ett-långt-lösenord-2" not in log.astype(str).to_csv()


def test_the_konton_page_is_for_administrators_only(
    accounts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _admin_page(accounts, monkeypatch, "lisa")
    with pytest.raises(ValueError, match="Known pages") as caught:
        at.switch_page("app_pages/accounts.py")
    assert "accounts.py" not in str(caught.value).split("Known pages")[1]
