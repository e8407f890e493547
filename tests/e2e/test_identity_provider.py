"""Sign-in through an identity provider, for real: ``streamlit run`` with an ``[auth]``
section, a browser, and a local OpenID Connect provider (tests/e2e/fake_oidc.py). Checks the
whole round trip (Streamlit's st.login with Authlib and httpx, the signed identity token),
the role from the accounts file, the audit log, sign-out, and a cookie older than the longest
session being ended by the app."""

from __future__ import annotations

import time
from pathlib import Path

from service.session import open_store
from store import audit
from tests.conftest import accounts_in, copy_store
from tests.e2e.fake_oidc import CLIENT_ID, CLIENT_SECRET, running_provider
from tests.e2e.test_first_start import (
    CHROMIUM,
    CHROMIUM_ARGS,
    _free_port,
    running_dashboard,
    sync_playwright,
)

READY = "[data-test-script-state='notRunning']"


def _secrets(path: Path, provider_url: str, port: int) -> Path:
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "en-lång-slumpad-hemlighet-bara-för-testet"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{provider_url}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    return path


def _log(db_path: Path) -> list[tuple[str, str]]:
    copy = copy_store(db_path, db_path.with_name("las.duckdb"))
    con = open_store(copy)
    try:
        entries = audit.entries(con)
        return list(zip(entries["who"], entries["what"], strict=True))
    finally:
        con.close()
        copy.unlink()
        copy.with_name(copy.name + ".wal").unlink(missing_ok=True)


def test_sign_in_through_the_identity_provider(tmp_path: Path, demo_db_path: Path) -> None:
    db_path = copy_store(demo_db_path, tmp_path / "dashboard.duckdb")
    with accounts_in(db_path) as users:
        users.add_external("Anna@Stockholm.se", "administratör")
    assert sync_playwright is not None
    with running_provider() as provider:
        # The port must be known for redirect_uri before the server starts.
        port = _free_port()
        secrets = _secrets(tmp_path / "secrets.toml", provider.url, port)
        env = {"DASHBOARD_SESSION_HOURS": "8"}
        args = ("--secrets.files", str(secrets))
        with running_dashboard(db_path, env, args, port) as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(url)
                page.get_by_role("button", name="Logga in").click()
                page.get_by_text("Inloggad: anna@stockholm.se (administratör)").wait_for(
                    timeout=60_000
                )
                nav = page.locator("[data-testid='stSidebarNav']").inner_text()
                assert "Ladda upp" in nav and "Logg" in nav
                page.goto(f"{url}/logg")
                page.wait_for_selector("[data-testid='stDataFrame']", timeout=60_000)
                page.get_by_role("button", name="Logga ut").click()
                page.get_by_role("button", name="Logga in").wait_for(timeout=60_000)
                assert provider.token_requests == 1

                # A reader: the provider lets them in, the accounts file gives no role.
                provider.email = "gast@polisen.se"
                page.get_by_role("button", name="Logga in").click()
                page.get_by_text("Inloggad: gast@polisen.se (läsare)").wait_for(timeout=60_000)
                nav = page.locator("[data-testid='stSidebarNav']").inner_text()
                assert "Översikt" in nav and "Ladda upp" not in nav and "Logg" not in nav
                page.context.clear_cookies()

                # A token issued nine hours ago: Streamlit would keep its cookie for 30
                # days; the app ends the session and shows the sign-in page.
                provider.email = "anna@stockholm.se"
                provider.issued_at = time.time() - 9 * 3600
                page.goto(url)
                page.get_by_role("button", name="Logga in").click()
                deadline = time.monotonic() + 60
                while provider.token_requests < 3 and time.monotonic() < deadline:
                    page.wait_for_timeout(200)
                page.wait_for_load_state("networkidle")
                page.get_by_role("button", name="Logga in").wait_for(timeout=60_000)
                assert provider.token_requests == 3
                assert not page.get_by_text("Inloggad:").count()
                # Both sign-outs (the user's and the app's) went through the provider's
                # end-session endpoint.
                assert provider.logouts == 2
            except Exception:
                log = db_path.with_name("streamlit.log").read_text()[-3000:]
                print(f"server log:\n{log}")
                raise
            finally:
                browser.close()
    log = _log(db_path)
    # Once per sign-in, however many pages were opened; the stale one is not a sign-in.
    assert log.count(("anna@stockholm.se", "inloggning")) == 1
    assert log.count(("gast@polisen.se", "inloggning")) == 1
    assert ("anna@stockholm.se", "utloggning") in log
    assert (
        "anna@stockholm.se",
        "utloggad: inloggningen är äldre än den längsta tillåtna sessionen",
    ) in log
