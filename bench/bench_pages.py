"""Benchmark: the browser's time from navigation to the first chart drawn, right after a load
and warm, on the real server; on the embedded store or, with ``--server``, on a PostgreSQL
catalog (a throwaway server, tests/postgres.py).

    python bench/bench_pages.py [--store /tmp/large/store.sqlite] [--repeat 3] [--server]

On a copy of ``--store`` (default: a store with the demo data). The dashboard is started as
``streamlit run dashboard.py`` and left to store its indicator results; then, for each page
with a chart, a 10-row BRÅ file is loaded from the command line (``python -m loaders load``,
a separate process, which refreshes the results it changed) and the page is opened in
Debian's Chromium through Playwright: the time from navigation to the first Plotly chart's
SVG is its first view after a load; the median of ``--repeat`` more views is warm. Target
(issue 6): under 2 s in the browser. The script runs of every page (first after a load and
warm) are in bench/bench_after_load.py.
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


def browser_times(db: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """Per page: (first view after a load, median warm view), seconds to the first chart."""
    from bench_after_load import small_bra_file
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    home = db.parent / "home"
    home.mkdir(exist_ok=True)
    env = {**os.environ, "DASHBOARD_DB": str(db), "HOME": str(home),
           "DASHBOARD_USERS": str(db.parent / "no-accounts.json")}  # fmt: skip
    env.pop("DASHBOARD_RESULTS", None)
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

            def view(address: str) -> float:
                start = time.perf_counter()
                page.goto(f"{url}/{address}")
                page.wait_for_selector(".js-plotly-plot .main-svg", timeout=300_000)
                return time.perf_counter() - start

            view("indikator")  # the server's start (and its results) before the first timing
            time.sleep(5)
            for n, address in enumerate(CHART_PAGES):
                loaded = subprocess.run(
                    [sys.executable, "-m", "loaders", "load", "bra",
                     str(small_bra_file(db.parent, 100 + n)), "--db", str(db), "--user", "bench"],
                    cwd=ROOT, env=env, capture_output=True, text=True, check=False,
                )  # fmt: skip
                if loaded.returncode != 0:
                    raise SystemExit(f"load failed: {loaded.stderr}")
                first = view(address)
                warm = statistics.median(view(address) for _ in range(repeat))
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
        print(f"{'page':<18}{'after a load':>14}{'warm':>8}")
        record = Record(args.json)
        for address, (first, warm) in browser_times(db, args.repeat).items():
            print(f"{CHART_PAGES[address]:<18}{first:>14.2f}{warm:>8.2f}")
            name = CHART_PAGES[address]
            record.add(f"browser, {name}: first chart after a load", first, "s")  # reported
            record.add(f"browser, {name}: first chart, warm", warm, "s", 2.0)
        record.write()
    return 0


if __name__ == "__main__":
    sys.exit(main())
