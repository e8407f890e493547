"""With local accounts configured, the app asks for sign-in, shows each role only its pages,
logs sign-ins and failures, and ends the session after inactivity."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from access.users import UserStore
from loaders.reference import open_store
from store import audit
from tests.conftest import ROOT

PASSWORD = "ett-långt-lösenord"


@pytest.fixture
def accounts(tmp_path: Path, demo_db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    users = UserStore(tmp_path / "users.json")
    users.add("lisa", "läsare", PASSWORD)
    users.add("adam", "administratör", PASSWORD)
    monkeypatch.setenv("DASHBOARD_USERS", str(tmp_path / "users.json"))
    # A copy of the demo store: these tests write (sign-ins, an action) and must not change
    # what other tests read.
    import shutil

    import streamlit as st

    st.cache_resource.clear()
    copy = tmp_path / "demo.duckdb"
    shutil.copy(demo_db_path, copy)
    wal = demo_db_path.with_name(demo_db_path.name + ".wal")
    if wal.exists():
        shutil.copy(wal, copy.with_name(copy.name + ".wal"))
    monkeypatch.setenv("DASHBOARD_DB", str(copy))
    return copy


def _sign_in(name: str, password: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    assert at.title[0].value == "Logga in"
    at.text_input(key="signin_name").set_value(name)
    at.text_input(key="signin_password").set_value(password)
    next(iter(at.get("form_submit_button"))).click().run()
    return at


def test_sign_in_roles_and_failures(accounts: Path) -> None:
    at = _sign_in("lisa", "fel-lösenord-här")
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
    import streamlit as st

    st.cache_resource.clear()
    con = open_store(accounts)
    log = audit.entries(con)
    con.close()
    events = list(zip(log["who"], log["what"], strict=True))
    assert ("lisa", "misslyckad inloggning") in events and ("lisa", "inloggning") in events


def test_session_ends_after_inactivity(accounts: Path) -> None:
    at = _sign_in("lisa", PASSWORD)
    at.session_state["last_activity"] = time.time() - 31 * 60
    at.run()
    assert at.title[0].value == "Logga in"
    assert any("utan aktivitet" in w.value for w in at.warning)


def test_a_district_rapportor_is_refused_another_district(
    accounts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    users = UserStore(Path(str(tmp_path / "users.json")))
    users.add("jonas", "rapportör", PASSWORD, ["80132"])
    at = _sign_in("jonas", PASSWORD)
    at.switch_page("app_pages/actions.py").run()
    assert not at.exception, at.exception
    assert "vem" not in [t.key for t in at.text_input]  # the name comes from the sign-in
    at.text_input(key="ny_titel").set_value("Belysning i Bromma")
    at.selectbox(key="ny_sdo").set_value("Bromma")
    next(iter(at.get("form_submit_button"))).click().run()
    assert any("får bara ändra uppgifter för sina stadsdelsområden" in e.value for e in at.error)
    at.text_input(key="ny_titel").set_value("Belysning i Tensta")
    at.selectbox(key="ny_sdo").set_value("Järva")
    next(iter(at.get("form_submit_button"))).click().run()
    assert any(s.value.startswith("Åtgärd") and "sparad" in s.value for s in at.success)
    import streamlit as st

    from store import followup

    st.cache_resource.clear()
    con = open_store(accounts)
    actions = followup.actions(con)
    con.close()
    mine = actions[actions["created_by"] == "jonas"]
    assert list(mine["title"]) == ["Belysning i Tensta"]
