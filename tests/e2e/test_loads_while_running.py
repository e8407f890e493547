"""The embedded store shared by the running dashboard and the command line, in Chromium: with
a page open, two command-line loads started at the same moment both succeed, and a reload
shows their batches and figures."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from service.session import open_store
from store import db, loading
from tests.conftest import DEMO_BRA, ROOT, accounts_in
from tests.e2e.test_first_start import CHROMIUM, CHROMIUM_ARGS, running_dashboard, sync_playwright

READY = "[data-test-script-state='notRunning']"
PASSWORD = "ett-långt-lösenord"


def _load(store: Path, name: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "loaders", "load", "bra", str(DEMO_BRA / name), "--db", str(store)],
        cwd=ROOT, env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def test_two_loads_at_once_while_the_dashboard_shows_a_page(tmp_path: Path) -> None:
    store = tmp_path / "delad.sqlite"
    con = open_store(store)  # the register; a placeholder batch keeps the demo data out
    with db.transaction(con):
        loading.insert_batch(con, source="bra", file_name="x", sha256="x", loaded_by="t",
                             row_count=0)  # fmt: skip
    con.close()
    # Signed in: a store the command line loads into is never served in demo mode (issue 34).
    with accounts_in(store) as users:
        users.add("anna", "administratör", PASSWORD)
    with running_dashboard(store, env={"HOME": str(tmp_path)}) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.goto(f"{url}/datastatus")
        page.fill("#namn", "anna")
        page.fill("#losenord", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{url}/datastatus", timeout=60_000)
        page.wait_for_selector(READY, timeout=120_000)
        assert page.get_by_text("Databasfil2021.txt").count() == 0

        loads = [_load(store, name) for name in ("Databasfil2021.txt", "Databasfil2022.txt")]
        for load in loads:
            out, err = load.communicate(timeout=300)
            assert load.returncode == 0, err
            assert "as batch" in out

        page.reload()
        page.wait_for_selector(READY, timeout=120_000)
        for name in ("Databasfil2021.txt", "Databasfil2022.txt"):
            page.get_by_text(name).first.wait_for(state="attached", timeout=60_000)
        # A figure of the new files on an analysis page: Bromma's crimes against the person.
        page.goto(f"{url}/stadsdelsomrade?stadsdelsomrade=Bromma")
        page.wait_for_selector(READY, timeout=120_000)
        page.get_by_text("Anmälda brott mot person").first.wait_for(state="attached")
        page.screenshot(path=str(tmp_path / "efter_inlasning.png"), full_page=True)
        browser.close()
