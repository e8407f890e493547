"""The documented nginx configuration (deploy/nginx.conf, run as it is but for the lines
marked "test:") in front of ``streamlit run dashboard.py``, in Chromium: with local accounts
a deep link leads through the sign-in page back to the page asked for, a reload and a new tab
stay signed in, the live connection works through the proxy, the security headers arrive
once each and the metrics are closed; without sign-in (demo mode) the proxy gets the Swedish
refusal. Needs nginx (Debian's nginx-light): the browser tier."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from service.session import open_store
from store import loading
from tests import system
from tests.conftest import ROOT, accounts_in, copy_store
from tests.e2e.test_first_start import CHROMIUM, CHROMIUM_ARGS, running_dashboard, sync_playwright

NGINX = str(system.find("nginx") or "/usr/sbin/nginx")

PASSWORD = "ett-långt-lösenord"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def proxy_config(folder: Path, upstreams: list[int], listen: int) -> Path:
    """deploy/nginx.conf with its "test:" lines replaced (the instances' ports: one or two),
    inside a minimal main config."""
    replaced, lines = 0, []
    for line in (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8").splitlines():
        if "# test: the first dashboard's port" in line:
            line, replaced = f"    server 127.0.0.1:{upstreams[0]};", replaced + 1
        elif "# test: the second dashboard's port" in line:
            replaced += 1
            if len(upstreams) < 2:
                continue
            line = f"    server 127.0.0.1:{upstreams[1]};"
        elif "# test: listen on loopback" in line:
            line, replaced = f"    listen 127.0.0.1:{listen};", replaced + 1
        elif "# test: removed" in line:
            replaced += 1
            continue
        lines.append(line)
    assert replaced == 5, "deploy/nginx.conf lost a line the test replaces"
    (folder / "site.conf").write_text("\n".join(lines) + "\n", encoding="utf-8")
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = folder / "nginx.conf"
    main.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"worker_processes 1;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\n"
        + "events { worker_connections 64; }\n"
        + f"http {{\n    access_log off;\n{temp}\n    include {folder / 'site.conf'};\n}}\n",
        encoding="utf-8",
    )
    return main


@contextmanager
def nginx_in_front(folder: Path, *upstream_urls: str) -> Iterator[str]:
    listen = _free_port()
    config = proxy_config(folder, [int(u.rsplit(":", 1)[1]) for u in upstream_urls], listen)
    check = subprocess.run(
        [NGINX, "-t", "-p", str(folder), "-c", str(config)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(config), "-g", "daemon off;"])
    url = f"http://127.0.0.1:{listen}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read()
                break
            except urllib.error.HTTPError:
                break  # nginx answers
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail((folder / "error.log").read_text())
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _get(url: str) -> tuple[int, dict[str, list[str]], str]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Accept": "text/html"})
    try:
        response = opener.open(request, timeout=10)
    except urllib.error.HTTPError as error:
        response = error
    headers: dict[str, list[str]] = {}
    for name, value in response.headers.items():
        headers.setdefault(name.lower(), []).append(value)
    return response.status, headers, response.read().decode("utf-8", errors="replace")


@pytest.fixture(scope="module")
def signed_in_site(tmp_path_factory: pytest.TempPathFactory, demo_db_path: Path) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("proxy")
    db = copy_store(demo_db_path, folder / "dashboard.duckdb")
    with accounts_in(db) as users:
        users.add("anna", "rapportör", PASSWORD, ["0180"])
    env = {"HOME": str(folder), "DASHBOARD_TRUST_PROXY": "1"}
    with running_dashboard(db, env=env) as app, nginx_in_front(folder, app) as url:
        yield url


def test_headers_and_metrics_through_the_proxy(signed_in_site: str) -> None:
    status, headers, _ = _get(f"{signed_in_site}/_stcore/metrics")
    assert status == 404
    status, headers, _ = _get(f"{signed_in_site}/anmalda-brott")
    assert status == 303 and headers["location"] == ["/inloggning?nasta=%2Fanmalda-brott"]
    status, headers, body = _get(f"{signed_in_site}/inloggning?nasta=%2Fanmalda-brott")
    assert status == 200 and "Logga in" in body
    for name in ("content-security-policy", "x-frame-options", "referrer-policy",
                 "x-content-type-options", "strict-transport-security"):  # fmt: skip
        assert len(headers.get(name, [])) == 1, name
    assert "frame-ancestors 'none'" in headers["content-security-policy"][0]
    assert "server" not in headers or "nginx/" not in headers["server"][0]


def test_a_deep_link_through_the_proxy_survives_sign_in_reload_and_a_new_tab(
    signed_in_site: str,
) -> None:
    assert sync_playwright is not None
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1440, "height": 1000})
            page = context.new_page()
            page.on(
                "console",
                lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
            )
            page.goto(f"{signed_in_site}/anmalda-brott")
            assert "/inloggning?nasta=%2Fanmalda-brott" in page.url
            page.fill("#namn", "anna")
            page.fill("#losenord", "fel-lösenord-1")
            page.click("button[type=submit]")
            assert "Fel namn eller lösenord" in page.inner_text(".error")
            page.fill("#losenord", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=90_000)
            assert page.url == f"{signed_in_site}/anmalda-brott"
            assert "Inloggad: anna (rapportör)" in page.inner_text(
                "section[data-testid='stSidebar']"
            )
            page.reload()
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=90_000)
            assert page.url == f"{signed_in_site}/anmalda-brott"
            # An open page whose fragment reruns after the session ended elsewhere.
            district = context.new_page()
            district.goto(f"{signed_in_site}/stadsdelsomrade")
            district.wait_for_selector("text=Utveckling över tid", timeout=90_000)
            tab = context.new_page()
            tab.goto(f"{signed_in_site}/atgarder")
            tab.wait_for_selector("[data-test-script-state='notRunning']", timeout=90_000)
            assert tab.url == f"{signed_in_site}/atgarder"
            assert "Åtgärder" in tab.inner_text("h1")
            tab.get_by_role("button", name="Logga ut").click()
            tab.wait_for_selector("text=Du är utloggad", timeout=30_000)
            tab.click("a:has-text('Logga in igen')")  # in the same tab
            tab.wait_for_url("**/inloggning?nasta=%2Fatgarder", timeout=30_000)
            assert len(context.pages) == 3
            page.reload()
            page.wait_for_url("**/inloggning?nasta=%2Fanmalda-brott", timeout=30_000)
            # The open district page's trend fragment: another indicator chosen → signed out.
            selects = district.locator("[data-testid='stSelectbox']")
            selects.filter(has_text="Indikator").last.click()
            for key in ("ArrowDown", "ArrowDown", "Enter"):
                district.keyboard.press(key)
            district.wait_for_selector("text=Du är utloggad", timeout=30_000)
        finally:
            browser.close()
    assert errors == []


def test_demo_mode_behind_a_proxy_refuses(tmp_path: Path, demo_db_path: Path) -> None:
    db = copy_store(demo_db_path, tmp_path / "dashboard.duckdb")
    with (
        running_dashboard(db, env={"HOME": str(tmp_path)}) as app,
        nginx_in_front(tmp_path, app) as url,
    ):
        status, _, body = _get(f"{url}/")
        assert status == 403
        assert "Inloggning är inte inställd" in body and "README" in body
        status, _, _ = _get(f"{app}/")
        assert status == 200  # straight on this computer: the demo opens


def _survey(folder: Path, n: int) -> Path:
    """The city's survey for Bromma, one share changed per file (five different files)."""
    source = (ROOT / "tests" / "fixtures" / "uploads" / "enkat_utf8_semikolon.csv").read_text(
        encoding="utf-8"
    )
    path = folder / f"enkat_{n}.csv"
    path.write_text(source.replace(";6,2;1307;", f";{6 + n},2;1307;", 1), encoding="utf-8")
    return path


@pytest.mark.postgres
def test_two_instances_behind_the_proxy_take_five_uploads_in_a_row(  # type: ignore[no-untyped-def]
    postgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """deploy/nginx.conf in front of two instances on one store (server mode), as the
    systemd units of deploy/systemd/ run them: a signed-in browser's page, live connection and
    uploads reach the same instance (the route cookie), so five uploads in a row are all
    saved. With round robin, three of four failed (issue 34)."""
    monkeypatch.setenv("DASHBOARD_CATALOG", postgres.new_database())
    monkeypatch.setenv("DASHBOARD_DATA_PATH", str(tmp_path / "shared"))
    with accounts_in(tmp_path / "store.sqlite") as users:
        users.add("anna", "rapportör", PASSWORD)  # city-wide
    env = {"HOME": str(tmp_path), "DASHBOARD_TRUST_PROXY": "1"}
    assert sync_playwright is not None
    with (
        running_dashboard(tmp_path / "a.sqlite", env=env) as first,
        running_dashboard(tmp_path / "b.sqlite", env=env) as second,
        nginx_in_front(tmp_path, first, second) as url,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(f"{url}/ladda-upp")
            page.fill("#namn", "anna")
            page.fill("#losenord", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{url}/ladda-upp", timeout=60_000)
            cookies = {c["name"]: c["value"] for c in page.context.cookies()}
            assert "samverkan_route" in cookies
            for n in range(1, 6):
                page.wait_for_selector("input[type='file']", state="attached", timeout=120_000)
                page.locator("input[type='file']").set_input_files(str(_survey(tmp_path, n)))
                page.get_by_role("button", name="Spara i databasen").click(timeout=120_000)
                page.get_by_text("Sparat som sats").first.wait_for(timeout=120_000)
                page.screenshot(path=str(tmp_path / f"upload_{n}.png"))
                page.goto(f"{url}/ladda-upp")
        finally:
            browser.close()
    con = open_store(tmp_path / "store.sqlite")
    try:
        uploaded = [b for b in loading.batches(con) if b.file_name.startswith("enkat_")]
    finally:
        con.close()
    assert sorted(b.file_name for b in uploaded) == [f"enkat_{n}.csv" for n in range(1, 6)]
    assert {b.loaded_by for b in uploaded} == {"anna"}
