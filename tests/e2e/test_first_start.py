"""The README's first command on a fresh store, end to end: ``streamlit run dashboard.py``
answers on /_stcore/health, fills the empty store with the demo data, and a real browser
shows real BRÅ numbers with no further step.

Needs Chromium (/usr/bin/chromium, Debian's package) and Playwright's Python package: the
browser tier (``python -m tests`` installs both; pytest stops with the install command when
they are missing, see tests/system.py).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from service.session import open_store
from store import loading
from tests import system
from tests.conftest import ROOT, copy_store

CHROMIUM = str(system.find("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None  # type: ignore[assignment]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_dashboard(
    db_path: Path,
    env: dict[str, str] | None = None,
    args: tuple[str, ...] = (),
    port: int | None = None,
) -> Iterator[str]:
    """``streamlit run dashboard.py`` from the repository on a free port; yields its URL once
    /_stcore/health answers. The server's output goes to ``streamlit.log`` beside the store (a
    pipe nobody reads would fill up and stall it)."""
    port = port or _free_port()
    log_path = db_path.with_name("streamlit.log")
    log = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", *args],
        cwd=ROOT, env={**os.environ, "DASHBOARD_DB": str(db_path), **(env or {})},
        stdout=log, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read().decode() == "ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                output = log_path.read_text()
                pytest.fail(f"the dashboard did not answer on /_stcore/health:\n{output}")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    db_path = tmp_path_factory.mktemp("fresh") / "dashboard.duckdb"
    with running_dashboard(db_path) as url:
        yield url, db_path


def test_first_start_shows_real_numbers(server: tuple[str, Path]) -> None:
    url, db_path = server
    assert sync_playwright is not None
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{url}/anmalda-brott")
            try:
                page.wait_for_selector(".js-plotly-plot .main-svg", timeout=90_000)
            except Exception:
                pytest.fail(
                    "no chart within 90 s; page text:\n"
                    + page.inner_text("body")[:2000]
                    + "\nserver log:\n"
                    + db_path.with_name("streamlit.log").read_text()[-4000:]
                )
            text = page.inner_text("body")
            data = page.evaluate(
                # _fullData holds the arrays as drawn (decoded from Plotly's binary form).
                """() => document.querySelector('.js-plotly-plot')._fullData.map(
                       t => [t.name, Array.from(t.x || []), Array.from(t.y || [])])"""
            )
        finally:
            browser.close()
    assert "Anmälda brott per stadsdelsområde" in text
    assert "Källa: BRÅ, anmälda brott; preliminära siffror för 2023" in text
    series = {name: dict(zip(x, y, strict=True)) for name, x, y in data}
    # Järva 2021 on today's boundaries: Rinkeby-Kista 2 049 + Spånga-Tensta 1 196.
    assert series["Järva"][2021] == 3245
    assert series["Bromma"][2022] == 1464

    # The first start filled the empty store with the demo data, through the loaders.
    # (The server still holds the file, so read it after the browser check via a copy.)
    copy = copy_store(db_path, db_path.with_name("copy.duckdb"))
    con = open_store(copy)
    try:
        with (ROOT / "data" / "demo" / "manifest.csv").open(encoding="utf-8") as handle:
            manifest = [line.split(",")[1].split("/")[-1] for line in handle.readlines()[1:]]
        assert [b.file_name for b in loading.batches(con)] == manifest
        assert {b.loaded_by for b in loading.batches(con)} == {"demodata"}
    finally:
        con.close()
