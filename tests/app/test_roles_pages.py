"""Each role on the pages that change data, signed in as staff sign in: with local accounts
(the form) and through the identity provider (``st.user`` as Streamlit fills it after an
OpenID Connect sign-in). A reader never reaches the upload page, a district's rapportör is
refused another district's rows, undo is offered for one's own uploads only, every write
carries the signed-in name, and the app ends an identity-provider session itself."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.views import plain
from service.session import open_store
from store import audit, db, loading
from tests.app.plotly_data import table_with
from tests.conftest import FIXTURES, ROOT, accounts_in, release_store

PASSWORD = "ett-långt-lösenord"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOAD = (FIXTURES / "uploads" / "enkat_openpyxl.xlsx").read_bytes()  # Bromma, Järva, Farsta
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "en-hemlighet-bara-för-testet",
    "client_id": "dashboard",
    "client_secret": "hemligt",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty store with the register, and four local accounts."""
    path = tmp_path / "roles.duckdb"
    con = open_store(path)
    # One placeholder batch: a store with none would fill itself with the demo data.
    loading.insert_batch(con, source="bra_anmalda_brott", file_name="x", sha256="x",
                         loaded_by="t", row_count=0)  # fmt: skip
    con.close()
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    with accounts_in(path) as users:
        users.add("lisa", "läsare", PASSWORD)
        users.add("jonas", "rapportör", PASSWORD, ["80132"])  # Järva
        users.add("cecilia", "rapportör", PASSWORD)  # city-wide
        users.add("adam", "administratör", PASSWORD)
        users.add_external("Rita.Rapportor@Stockholm.se", "rapportör", ["80132"])
        users.add_external("avstangd@stockholm.se", "rapportör")
        users.disable("avstangd@stockholm.se")
    release_store()
    return path


def _signed_in(name: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "main.py"), default_timeout=90)
    at.run()
    at.text_input(key="signin_name").set_value(name)
    at.text_input(key="signin_password").set_value(PASSWORD)
    next(iter(at.get("form_submit_button"))).click().run()
    assert not at.exception, at.exception
    assert any(c.value.startswith(f"Inloggad: {plain(name)} ") for c in at.sidebar.caption)
    return at


def _upload(at: AppTest) -> AppTest:
    at.switch_page("app_pages/upload.py").run()
    assert not at.exception, at.exception
    assert "uploader" not in [t.key for t in at.text_input]  # no typed-in name
    at.file_uploader(key="file").set_value(("enkat.xlsx", UPLOAD, XLSX)).run()
    at.button(key="confirm").click().run()
    assert not at.exception, at.exception
    return at


def _read(path: Path) -> tuple[list[tuple[int, str, str]], list[tuple[str, str]]]:
    release_store()  # the page holds the file; let go of it to read
    con = open_store(path)
    try:
        batches = [(b.id, b.loaded_by, b.state) for b in loading.batches(con) if b.id > 1]
        log = audit.entries(con)
        return batches, list(zip(log["who"], log["what"], strict=True))
    finally:
        con.close()


@pytest.mark.slow
def test_reader_has_no_upload_page(db_path: Path) -> None:
    at = _signed_in("lisa")
    with pytest.raises(ValueError, match="Known pages"):
        at.switch_page("app_pages/upload.py")


@pytest.mark.slow
def test_district_rapportor_is_refused_other_districts_rows(db_path: Path) -> None:
    at = _upload(_signed_in("jonas"))
    assert any("Du kan ladda upp värden för: Järva" in c.value for c in at.caption)
    assert [e.value for e in at.error] == [
        "Sparades inte: jonas får bara ändra uppgifter för Järva; inte för Bromma, Farsta."
    ]
    assert _read(db_path)[0] == []


@pytest.mark.slow
def test_city_rapportor_uploads_and_undoes_only_their_own(db_path: Path) -> None:
    at = _upload(_signed_in("cecilia"))
    assert any(s.value.startswith("Sparat som sats 2: 6 värden") for s in at.success)
    assert list(table_with(at, "Uppladdad av")["Uppladdad av"]) == ["cecilia"]
    # Another rapportör sees the upload but is not offered its undo.
    other = _signed_in("jonas")
    other.switch_page("app_pages/upload.py").run()
    assert not any(s.key == "undo_batch" for s in other.selectbox)
    # The uploader may undo it.
    at.selectbox(key="undo_batch").set_value(2).run()
    at.button(key="undo").click().run()
    at.button(key="undo_yes").click().run()
    assert not at.exception, at.exception
    batches, log = _read(db_path)
    assert batches == [(2, "cecilia", "undone")]
    assert ("cecilia", "inläsning") in log and ("cecilia", "ångra") in log


@pytest.mark.slow
def test_administrator_undoes_anyones_upload_and_reads_the_log(db_path: Path) -> None:
    _upload(_signed_in("cecilia"))
    admin = _signed_in("adam")
    admin.switch_page("app_pages/upload.py").run()
    admin.selectbox(key="undo_batch").set_value(2).run()
    admin.button(key="undo").click().run()
    admin.button(key="undo_yes").click().run()
    assert not admin.exception, admin.exception
    admin.switch_page("app_pages/audit.py").run()
    assert admin.title[0].value == "Logg över ändringar"
    admin.multiselect(key="logg_vad").set_value(["ångra"]).run()
    shown = table_with(admin, "Vem")
    assert list(zip(shown["Vem"], shown["Vad"], strict=True)) == [("adam", "ångra")]
    assert shown["Detaljer"].iloc[0] == "sats 2: enkat.xlsx"
    batches, log = _read(db_path)
    assert batches == [(2, "cecilia", "undone")]
    assert ("adam", "ångra") in log


def _identity_provider(claims: dict[str, object]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "main.py"), default_timeout=90)
    at.secrets["auth"] = AUTH
    at.user = claims
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.slow
def test_identity_provider_sign_in_button_when_signed_out(db_path: Path) -> None:
    at = _identity_provider({"is_logged_in": False})
    assert at.title[0].value == "Logga in"
    assert [b.label for b in at.button] == ["Logga in"]
    assert not any("Demoläge" in i.value for i in at.sidebar.info)


@pytest.mark.slow
def test_identity_provider_roles_come_from_the_users_file(db_path: Path) -> None:
    now = time.time()
    # Someone the provider lets in but who has no entry: läsare.
    guest = _identity_provider({"is_logged_in": True, "email": "gast@polisen.se", "iat": now})
    # Names are escaped for Markdown (shown literally in the browser).
    assert any(c.value == "Inloggad: gast@polisen\\.se (läsare)" for c in guest.sidebar.caption)
    with pytest.raises(ValueError, match="Known pages"):
        guest.switch_page("app_pages/upload.py")
    # A rapportör for Järva, matched without regard to case.
    rita = _identity_provider(
        {"is_logged_in": True, "email": "rita.rapportor@stockholm.se", "iat": now}
    )
    assert any("(rapportör)" in c.value for c in rita.sidebar.caption)
    rita.switch_page("app_pages/upload.py").run()
    rita.file_uploader(key="file").set_value(("enkat.xlsx", UPLOAD, XLSX)).run()
    rita.button(key="confirm").click().run()
    assert any("inte för Bromma, Farsta" in e.value for e in rita.error)
    # A disabled entry is refused.
    off = _identity_provider({"is_logged_in": True, "email": "avstangd@stockholm.se", "iat": now})
    assert any("Ditt konto är avstängt" in e.value for e in off.error)
    _, log = _read(db_path)
    assert ("gast@polisen.se", "inloggning") in log
    assert ("rita.rapportor@stockholm.se", "inloggning") in log
    assert ("avstangd@stockholm.se", "nekad inloggning (avstängt konto)") in log


@pytest.mark.slow
def test_identity_provider_session_ends_after_the_longest_session(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_SESSION_HOURS", "8")
    old = time.time() - 9 * 3600  # a cookie from yesterday: Streamlit would keep it 30 days
    at = _identity_provider({"is_logged_in": True, "email": "gast@polisen.se", "iat": old})
    assert at.user.get("is_logged_in") is False  # st.logout() was called
    assert not any(c.value.startswith("Inloggad") for c in at.sidebar.caption)
    _, log = _read(db_path)
    assert (
        "gast@polisen.se",
        "utloggad: inloggningen är äldre än den längsta tillåtna sessionen",
    ) in log


@pytest.mark.slow
def test_disabling_an_account_ends_its_session_at_the_next_page_load(
    db_path: Path, tmp_path: Path
) -> None:
    at = _signed_in("jonas")
    from service import accounts as service_accounts

    service_accounts.users().disable("jonas")
    at.run()
    assert any("Ditt konto är avstängt" in e.value for e in at.error)
    assert "principal" not in at.session_state
    _, log = _read(db_path)
    assert ("jonas", "utloggad: kontot är avstängt") in log


@pytest.mark.slow
def test_the_log_page_refuses_a_non_administrator_run_directly(db_path: Path) -> None:
    from access.roles import Principal

    at = AppTest.from_file(str(ROOT / "app_pages" / "audit.py"), default_timeout=60)
    at.session_state["principal"] = Principal("cecilia", "rapportör")
    at.run()
    assert [e.value for e in at.error] == ["Loggen är bara för administratörer."]
    assert not any(d.key == "audit" for d in at.dataframe)


@pytest.mark.slow
def test_raw_batch_rows_are_for_administrators_only(db_path: Path) -> None:
    """Datastatus lists batches to everyone, but a batch's rows (not suppressed) only to an
    administrator."""
    for name, opens in (("lisa", False), ("cecilia", False), ("adam", True)):
        at = _signed_in(name)
        at.switch_page("app_pages/data_status.py").run()
        assert not at.exception, at.exception
        assert ("batch" in [s.key for s in at.selectbox]) is opens, name
        refused = any("visas bara för administratörer" in c.value for c in at.caption)
        assert refused is not opens, name


@pytest.mark.slow
def test_a_long_log_is_shown_a_page_at_a_time(db_path: Path) -> None:
    con = open_store(db_path)
    with db.transaction(con):
        con.execute(
            "INSERT INTO audit_log (logged_at, who, what, detail) "
            "SELECT TIMESTAMP '2026-01-01' + INTERVAL (i) MINUTE, 'bo', 'bedömning', "
            "'post ' || i FROM range(2500) AS t(i)"
        )
    con.close()
    release_store()
    admin = _signed_in("adam")
    admin.switch_page("app_pages/audit.py").run()
    admin.multiselect(key="logg_vad").set_value(["bedömning"]).run()
    assert any(
        c.value.startswith("2\xa0500 händelser; här visas 1–1\xa0000") for c in admin.caption
    )
    shown = table_with(admin, "Vem")
    assert len(shown) == 1000 and shown["Detaljer"].iloc[0] == "post 2499"
    admin.number_input(key="logg_sida").set_value(3).run()
    assert any(
        c.value.startswith("2\xa0500 händelser; här visas 2\xa0001–2\xa0500") for c in admin.caption
    )
    shown = table_with(admin, "Vem")
    assert len(shown) == 500 and shown["Detaljer"].iloc[-1] == "post 0"
    # A narrower filter has one page: no page field, the entries it matches.
    admin.text_input(key="logg_vem").set_value("adam").run()
    assert not any(n.key == "logg_sida" for n in admin.number_input)
    assert set(table_with(admin, "Vem")["Vem"]) <= {"adam"}
