"""Benchmark: the README's first command on a fresh clone, as a new user meets it (issue 36).

    python bench/bench_first_start.py [--repeat 3] [--json FILE]

Each run clones this repository into a new folder (``git clone``: what is committed, no store,
no caches), starts ``python -m streamlit run dashboard.py`` there with nothing set (the default
store ``data/dashboard.sqlite`` does not exist; an empty home folder, so no cache from an
earlier run), and opens its address in Debian's Chromium at 1440×1000 the moment the server
answers. Timed from the start of the process, on the clock:

- **message**: the first Swedish text in the page (the progress message while the store is
  prepared);
- **numbers**: the first of Översikt's indicator cards with a value (a figure of the demo
  data: "Antal" or "Andel" with digits), i.e. the first numbers a user reads.

Target (issue 36): numbers within 10 s on the project's 2-core machine when it is quiet,
the message within the first second after the page opens. The install is not timed.
"""

from __future__ import annotations

import argparse
import json
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
CHROMIUM = "/usr/bin/chromium"
# An indicator's sentence under Översikt's cards ("Antalet har ökat från 3 245 (basåret 2021)
# till 3 438 (2023 prel.) …"): the tables are drawn on a canvas, so the text is what a test
# can read.
NUMBER = r"(Antalet|Andelen|Indexet)[^.]*\d"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def one_run(folder: Path) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    clone = folder / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    home = folder / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DASHBOARD_", "PYTEST"))}
    env |= {"HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache")}
    port = _port()
    url = f"http://127.0.0.1:{port}"
    log = (folder / "streamlit.log").open("w")
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
         "--server.port", str(port)],
        cwd=clone, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as answer:
                    if answer.read() == b"ok":
                        break
            except OSError:
                time.sleep(0.05)
            if time.perf_counter() - started > 120:
                raise RuntimeError("the server did not answer within 120 s")
        answered = time.perf_counter() - started
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(url)
            opened = time.perf_counter() - started
            page.wait_for_function(
                "() => /[åäö]/i.test(document.querySelector('[data-testid=stMain]')"
                "?.innerText || '')",
                timeout=120_000,
                polling=50,
            )
            message = time.perf_counter() - started
            first_text = page.inner_text("[data-testid=stMain]")[:200]
            page.wait_for_function(
                "(p) => new RegExp(p).test(document.body.innerText)",
                arg=NUMBER,
                timeout=180_000,
                polling=50,
            )
            numbers = time.perf_counter() - started
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    return {
        "server answers": answered,
        "page opened": opened,
        "message": message,
        "numbers": numbers,
        "first text": first_text,  # type: ignore[dict-item]
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    runs = []
    for n in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            run = one_run(Path(tmp))
        runs.append(run)
        print(
            f"run {n + 1}: server answers {run['server answers']:.1f} s, page opened "
            f"{run['page opened']:.1f} s, message "
            f"{run['message']:.1f} s ({str(run['first text']).splitlines()[0][:60]!r}), "
            f"first numbers {run['numbers']:.1f} s",
            flush=True,
        )
    median = statistics.median(r["numbers"] for r in runs)
    print(f"first numbers: median {median:.1f} s of {len(runs)} runs (target: 10 s)")
    if args.json:
        args.json.write_text(json.dumps({"runs": runs, "median_numbers": median}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
