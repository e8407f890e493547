"""Benchmark: in the browser, the time from a click to the first chart drawn, right after a
load by another process and warm, on the real server; and the first visit to a new server
process. On the embedded store or, with ``--server``, on a PostgreSQL catalog (a throwaway
server, tests/postgres.py).

    python bench/bench_pages.py [--store /tmp/large/store.sqlite] [--repeat 3] [--server]

On a copy of ``--store`` (default: a store with the demo data). The dashboard is started as
``streamlit run dashboard.py``; the first visit (to Anmälda brott, whose crime series is not
a stored result) is timed from navigation to its first Plotly chart: what the first user
after a restart waits for. Then, for each page with a chart: the browser shows a page without
one (Ladda upp), a 10-row BRÅ file for Farsta is loaded from the command line
(``python -m loaders load``, a separate process, which refreshes the results it changed), and
the page's link in the navigation is clicked: the time from the click to the first Plotly
chart's SVG is the first click after a load; the median of ``--repeat`` more clicks (each
after Ladda upp again) is warm. Debian's Chromium through Playwright at 1440x1000. Targets
(issue 33): the first click after a load <= 1 s; a new process's first visit <= 1 s at 100x.
The script runs of every page are in bench/bench_after_load.py.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

# The pages with a chart (their address) and what they are called.
CHART_PAGES = {"indikator": "Indikator", "stadsdelsomrade": "Stadsdelsområde",
               "anmalda-brott": "Anmälda brott"}  # fmt: skip


def empty_page(repeat: int, folder: Path) -> float:
    """The median warm run of a page that only writes a title: Streamlit's own cost."""
    from streamlit.testing.v1 import AppTest

    script = folder / "empty_page.py"
    script.write_text('import streamlit as st\n\nst.title("Tom sida")\n', encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=60)
    at.run()
    runs = []
    for _ in range(max(repeat, 5)):
        start = time.perf_counter()
        at.run()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


PASSWORD = "bänkens-lösenord-1"


def browser_times(db: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """Per page: (first view after a load, median warm view), seconds to the first chart."""
    from bench_cli import bra_file
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    home = db.parent / "home"
    home.mkdir(exist_ok=True)
    env = {**os.environ, "DASHBOARD_DB": str(db), "HOME": str(home),
           "DASHBOARD_USERS": str(db.parent / "no-accounts.json")}  # fmt: skip
    env.pop("DASHBOARD_RESULTS", None)
    # Signed in, as a city's server has it: a store the command line loads into is never
    # served in demo mode (issue 34).
    subprocess.run(
        [sys.executable, "-m", "store", "users", "add", "bench", "--role", "administratör",
         "--db", str(db)],
        cwd=ROOT, env=env, input=f"{PASSWORD}\n", capture_output=True, text=True, check=True,
    )  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    out = {}
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                      "--disable-background-networking", "--disable-component-update",
                      "--disable-sync"],
            )  # fmt: skip
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(f"{url}/inloggning")
            page.fill("#namn", "bench")
            page.fill("#losenord", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{url}/", timeout=300_000)

            def view(address: str) -> float:
                start = time.perf_counter()
                page.goto(f"{url}/{address}")
                page.wait_for_selector(".js-plotly-plot .main-svg", timeout=300_000)
                return time.perf_counter() - start

            def click(address: str) -> float:
                """From a page without a chart, click the page's link: seconds to its chart."""
                page.goto(f"{url}/ladda-upp")
                page.get_by_role("heading", level=1).first.wait_for(timeout=300_000)
                page.wait_for_timeout(300)
                link = page.locator(f'[data-testid="stSidebarNav"] a[href$="/{address}"]')
                start = time.perf_counter()
                link.click()
                page.wait_for_selector(".js-plotly-plot .main-svg", timeout=300_000)
                return time.perf_counter() - start

            out["first visit to a new process"] = (view("anmalda-brott"), float("nan"))
            time.sleep(5)
            for n, address in enumerate(CHART_PAGES):
                loaded = subprocess.run(
                    [sys.executable, "-m", "loaders", "load", "bra",
                     str(bra_file(db.parent / f"farsta_{n}.txt", 100 + n)), "--db", str(db),
                     "--user", "bench"],
                    cwd=ROOT, env=env, capture_output=True, text=True, check=False,
                )  # fmt: skip
                if loaded.returncode != 0:
                    raise SystemExit(f"load failed: {loaded.stderr}")
                first = click(address)
                warm = statistics.median(click(address) for _ in range(repeat))
                out[address] = (first, warm)
            browser.close()
        return out
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="a store to copy (default: the demo data)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--server", action="store_true", help="a PostgreSQL catalog")
    parser.add_argument("--json", type=Path, help="also write the figures here (bench/run.py)")
    args = parser.parse_args()
    if args.server:
        from tests.postgres import postgres_server

        with tempfile.TemporaryDirectory(prefix="bench-pages-pg-") as folder:
            os.chmod(folder, 0o755)
            with postgres_server(Path(folder)) as server:
                os.environ["DASHBOARD_CATALOG"] = server.new_database()
                os.environ["DASHBOARD_DATA_PATH"] = str(Path(folder) / "data")
                return run(args)
    return run(args)


def run(args: argparse.Namespace) -> int:
    from bench_writes import prepare_store
    from record import Record

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "pages.sqlite"
        prepare_store(args.store if not args.server else None, db)
        label = args.store or "the demo data"
        mode = "server mode (PostgreSQL catalog)" if args.server else "embedded store"
        print(f"{label}, {mode}: browser, navigation to the first chart (s)")
        print(f"{'page':<30}{'after a load':>14}{'warm':>8}")
        record = Record(args.json)
        large = args.store is not None
        for address, (first, warm) in browser_times(db, args.repeat).items():
            if address not in CHART_PAGES:
                print(f"{'Anmälda brott, new process':<30}{first:>14.2f}")
                record.add("browser, Anmälda brott: first visit to a new server process", first,
                           "s", 1.0 if large else None)  # fmt: skip
                continue
            print(f"{CHART_PAGES[address]:<30}{first:>14.2f}{warm:>8.2f}")
            name = CHART_PAGES[address]
            record.add(f"browser, {name}: click to first chart after a CLI load", first, "s",
                       1.0 if large else None)  # fmt: skip
            record.add(f"browser, {name}: click to first chart, warm", warm, "s", 1.0)
        record.write()
    return 0


if __name__ == "__main__":
    sys.exit(main())
