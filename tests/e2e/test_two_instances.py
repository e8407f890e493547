"""Two dashboard instances on one PostgreSQL catalog (server mode), in Chromium: an action
saved in one is in the other's action register at its next page load, and an upload in one
while another process reads the store loses nothing and is never seen half-stored."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import FIXTURES, ROOT
from tests.e2e.test_first_start import CHROMIUM, CHROMIUM_ARGS, running_dashboard, sync_playwright

READY = "[data-test-script-state='notRunning']"
TITLE = "Gemensam trygghetsvandring i Husby"


def _python(code: str, env: dict[str, str]) -> subprocess.Popen[str]:
    import os

    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT,
                            env={**os.environ, **env}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip


def _wait(page: object) -> None:
    page.wait_for_selector(READY, timeout=120_000)  # type: ignore[attr-defined]


def test_two_instances_share_one_store(postgres: object, tmp_path: Path) -> None:
    env = {
        "DASHBOARD_CATALOG": postgres.new_database(),  # type: ignore[attr-defined]
        "DASHBOARD_DATA_PATH": str(tmp_path / "shared"),
        "HOME": str(tmp_path),
    }
    # An empty store with the register; one placeholder batch, or it fills with the demo data.
    made = _python(
        """
        from service.session import open_store
        from store import db, loading
        con = open_store("unused")
        with db.transaction(con):
            loading.insert_batch(con, source="bra", file_name="x", sha256="x",
                                 loaded_by="t", row_count=0)
        """,
        env,
    )
    assert made.wait(timeout=120) == 0, made.communicate()[1]
    # A server's store is never served without sign-in (issue 34): an account.
    made = _python(
        """
        from service import accounts
        from service.session import open_store
        con = open_store("unused")
        accounts.users(con).add("anna", "rapportör", "ett-långt-lösenord")
        """,
        env,
    )
    assert made.wait(timeout=120) == 0, made.communicate()[1]

    with (
        running_dashboard(tmp_path / "a.sqlite", env=env) as first,
        running_dashboard(tmp_path / "b.sqlite", env=env) as second,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page_a = browser.new_page(viewport={"width": 1440, "height": 1000})
        page_b = browser.new_page(viewport={"width": 1440, "height": 1000})

        def sign_in(page: object, site: str) -> None:
            page.goto(f"{site}/atgarder")  # type: ignore[attr-defined]
            page.fill("#namn", "anna")  # type: ignore[attr-defined]
            page.fill("#losenord", "ett-långt-lösenord")  # type: ignore[attr-defined]
            page.click("button[type=submit]")  # type: ignore[attr-defined]
            page.wait_for_url(f"{site}/atgarder", timeout=60_000)  # type: ignore[attr-defined]

        # An action saved in the first instance … (the second opens after it: its first page
        # run refreshes the results in the background, and a form's save made at that moment
        # is refused as a conflict, by design, rather than retried)
        sign_in(page_a, first)
        _wait(page_a)
        page_a.get_by_text("Ny åtgärd").click()
        page_a.get_by_label("Åtgärd", exact=True).fill(TITLE)
        page_a.get_by_role("button", name="Spara åtgärden").click()
        page_a.get_by_text("sparad.").first.wait_for(timeout=120_000)  # as _wait: CI load
        # … is in the second instance's register at its next page load.
        sign_in(page_b, second)
        _wait(page_b)
        # (the table is a canvas; its cells are in the page for screen readers)
        page_b.get_by_text(TITLE).first.wait_for(state="attached", timeout=60_000)

        # An upload in the first instance while another process reads the store.
        reader = _python(
            """
            import json, time
            from service import session
            from store import db
            seen = []
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                con = session.cursor("unused")
                row = con.execute("SELECT count(*) FROM observation_current").fetchone()
                con.close()
                seen.append(int(row[0]))
                if row[0] and len(seen) > 3 and seen[-3:] == [row[0]] * 3:
                    break
                time.sleep(0.05)
            print(json.dumps(seen))
            """,
            env,
        )
        page_a.goto(f"{first}/ladda-upp")
        _wait(page_a)
        page_a.locator("input[type='file']").set_input_files(
            str(FIXTURES / "uploads" / "enkat_openpyxl.xlsx")
        )
        page_a.get_by_role("button", name="Spara i databasen").click(timeout=120_000)
        page_a.get_by_text("Sparat som sats").first.wait_for(timeout=120_000)
        out, err = reader.communicate(timeout=240)
        assert reader.returncode == 0, err
        seen = json.loads(out)
        # Before the upload none of the file's six values (five shares of those who feel
        # unsafe outdoors at night, one count of safety walks), after it all six: never a part.
        assert set(seen) <= {0, 6} and seen[-1] == 6, seen

        page_b.goto(f"{second}/datastatus")
        _wait(page_b)
        page_b.get_by_text("enkat_openpyxl.xlsx").first.wait_for(state="attached", timeout=60_000)
        page_a.screenshot(path=str(tmp_path / "a_upload.png"))
        page_b.screenshot(path=str(tmp_path / "b_datastatus.png"), full_page=True)
        browser.close()
