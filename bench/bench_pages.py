"""Benchmark: each page's script run (warm cache) on the demo data and on 100 times the demo
data, and the browser time from navigation to the first chart drawn; on the embedded store
or, with ``--server``, on a PostgreSQL catalog (a throwaway server, tests/postgres.py). An
empty Streamlit page is timed the same way, for the ratio of each page to it.

    python bench/bench_pages.py [--scale 100] [--repeat 5] [--no-browser] [--server]

Script runs are timed with Streamlit's AppTest (the page's script in this process; the median
of the warm runs after one cold run). The browser time uses the real server and Debian's
Chromium through Playwright: navigation to the first Plotly chart's SVG, cache warm. Targets
(issue 6): under 0.3 s per page on the demo data, under 1 s at 100×; under 2 s in the browser.
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

PAGES = ["overview", "district", "indicator", "compare", "meeting", "crime", "upload",
         "data_status"]  # fmt: skip


def time_pages(repeat: int) -> dict[str, tuple[float, float]]:
    import streamlit as st
    from streamlit.runtime.context import ContextProxy
    from streamlit.testing.v1 import AppTest

    # As a browser on this computer (AppTest's stand-in connection has a mock address, which
    # demo mode would refuse), with no cookies.
    ContextProxy.ip_address = property(lambda self: None)  # type: ignore[assignment]
    ContextProxy.cookies = property(lambda self: {})  # type: ignore[assignment]
    st.cache_data.clear()
    from service import readmodel, session

    session.close_all()
    readmodel.clear_all()
    result = {}
    at = AppTest.from_file(str(ROOT / "main.py"), default_timeout=300)
    at.run()
    for page in PAGES:
        at.switch_page(f"app_pages/{page}.py")
        start = time.perf_counter()
        at.run()
        cold = time.perf_counter() - start
        runs = []
        for _ in range(repeat):
            start = time.perf_counter()
            at.run()
            runs.append(time.perf_counter() - start)
        if at.exception:
            raise SystemExit(f"{page}: {at.exception}")
        if at.error:  # a page that only says what is wrong is not the page timed
            raise SystemExit(f"{page}: {at.error[0].value}")
        result[page] = (cold, statistics.median(runs))
    return result


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


def browser_time(db: Path) -> float:
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DASHBOARD_DB": str(db)}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "dashboard.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                ],
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            times = []
            for _ in range(4):  # the first visit warms the server's caches
                start = time.perf_counter()
                page.goto(f"{url}/indikator")
                page.wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000)
                times.append(time.perf_counter() - start)
            browser.close()
        return statistics.median(times[1:])
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--server", action="store_true", help="a PostgreSQL catalog")
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
    from bench_indicators import add_synthetic

    from loaders.demo import load_demo
    from loaders.reference import open_store

    with tempfile.TemporaryDirectory() as tmp:
        mode = "server mode (PostgreSQL catalog)" if args.server else "embedded store"
        print(f"{mode}; an empty Streamlit page: {empty_page(args.repeat, Path(tmp)):.3f} s warm")
        db = Path(tmp) / "pages.sqlite"
        con = open_store(db)
        load_demo(con)
        con.close()
        os.environ["DASHBOARD_DB"] = str(db)
        # No accounts file of an earlier version to move in (it would ask for sign-in).
        os.environ["DASHBOARD_USERS"] = str(Path(tmp) / "no-accounts.json")
        print("demo data: script run per page (cold, then median warm)")
        for page, (cold, warm) in time_pages(args.repeat).items():
            print(f"  {page:<12} cold {cold:5.2f} s   warm {warm:5.3f} s")
        if not args.no_browser:
            seconds = browser_time(db)  # the server shares the store with this process
            print(f"browser, navigation to the first chart (indicator page, warm): {seconds:.2f} s")

        from service import readmodel, session

        if args.scale <= 1:
            return 0
        session.close_all()
        readmodel.clear_all()  # let go of the file before growing it
        con = open_store(db)
        added = add_synthetic(con, args.scale - 1)
        con.close()
        print(f"{args.scale}× the demo data ({added} synthetic observations added)")
        for page, (cold, warm) in time_pages(args.repeat).items():
            print(f"  {page:<12} cold {cold:5.2f} s   warm {warm:5.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
