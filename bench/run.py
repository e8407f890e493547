"""Run the benchmarks and print one table against the targets (issues 16 and 33).

    python bench/run.py [--large /tmp/large/store.sqlite] [--build] [--no-browser]
        [--fetches 30]

Each benchmark runs in its own process (one at a time: the machine has two cores), prints its
own lines and writes its figures for the table. On the demo data, and with ``--large`` (a
store made by tools/build_large_store.py; ``--build`` makes it there first, about fifteen
minutes) on that too:

- bench_cli: what an administrator waits for at the command line, each step the whole
  ``python -m …`` process (imports, opening the store, the load, the results refresh): a
  10-row BRÅ load for Farsta and its undo, 200 survey rows, 500 new police events, the
  year-end Word for the city, and ``--fetches`` daily fetches with ``store maintain``
  (files and bytes after each day);
- bench_after_load: every page's first script run after another process loaded a Farsta
  file (CPU and clock), and its warm rerun; at 100x also with each page run once before the
  load (``--visited``: a user who has the page open and clicks again after a colleague's load);
- bench_pages: in Chromium, the click to the first chart after such a load, warm, and a new
  server process's first visit;
- bench_results (large store only): the stored results and the log at 1 M entries.

Exits 1 when a target is missed. docs/benchmarks.md says how each figure is measured.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--large", type=Path, help="a store from tools/build_large_store.py")
    parser.add_argument("--build", action="store_true", help="build --large first")
    parser.add_argument("--no-browser", action="store_true", help="leave out bench_pages")
    parser.add_argument("--fetches", type=int, default=30, help="daily fetches in bench_cli")
    args = parser.parse_args()
    if args.build:
        if args.large is None:
            parser.error("--build needs --large PATH")
        args.large.parent.mkdir(parents=True, exist_ok=True)
        _run(["tools/build_large_store.py", "--db", str(args.large)], None)
    fetches = ["--fetches", str(args.fetches)]
    runs: list[tuple[str, list[str]]] = [
        ("demo", ["bench/bench_cli.py", *fetches]),
        ("demo", ["bench/bench_after_load.py"]),
    ]
    if not args.no_browser:
        runs.append(("demo", ["bench/bench_pages.py"]))
    if args.large is not None:
        large = ["--store", str(args.large)]
        runs += [
            ("100x", ["bench/bench_cli.py", *large, *fetches]),
            ("100x", ["bench/bench_results.py", *large]),
            ("100x", ["bench/bench_after_load.py", *large]),
            ("100x", ["bench/bench_after_load.py", *large, "--visited"]),
        ]
        if not args.no_browser:
            runs.append(("100x", ["bench/bench_pages.py", *large]))
    table: list[tuple[str, dict[str, object]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, (size, command) in enumerate(runs):
            out = Path(tmp) / f"{n}.json"
            _run(command, out)
            table += [(size, row) for row in json.loads(out.read_text(encoding="utf-8"))]
    print()
    print(f"{date.today()}, {platform.node()}, {_cpus()} CPUs, Python {platform.python_version()}")
    print(f"{'size':<6}{'measure':<72}{'value':>10}  {'target':>10}  met")
    missed = 0
    for size, row in table:
        value, target, unit = float(row["value"]), row["target"], str(row["unit"])  # type: ignore[arg-type]
        met = "" if target is None else ("yes" if value <= float(target) else "NO")  # type: ignore[arg-type]
        missed += met == "NO"
        shown = f"{value:.0f} {unit}" if unit != "s" else f"{value:.2f} s"
        goal = "" if target is None else f"<= {target:g} {unit}"
        print(f"{size:<6}{row['what']!s:<72}{shown:>10}  {goal:>10}  {met}")
    print(f"{missed} target(s) missed" if missed else "every target met")
    return 1 if missed else 0


def _run(command: list[str], out: Path | None) -> None:
    full = [sys.executable, *command] + (["--json", str(out)] if out is not None else [])
    print(f"$ {' '.join(full[1:])}", flush=True)
    started = time.perf_counter()
    done = subprocess.run(full, cwd=ROOT, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{command[0]} failed (exit {done.returncode})")
    print(f"  ({time.perf_counter() - started:.0f} s)", flush=True)


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    sys.exit(main())
