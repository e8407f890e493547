"""Benchmark: what an administrator waits for at the command line (issue 33).

    python bench/bench_cli.py                                   # the demo data
    python bench/bench_cli.py --store /tmp/large/store.sqlite   # tools/build_large_store.py

On a copy of the store, each step is the real command (``python -m loaders load …``,
``python -m report year-end …``) run as a process of its own, and what is timed is the whole
process as the operator waits for it: the interpreter's start and imports, opening the store,
the load and the results refresh it does before it returns, with the program's bytecode
compiled as an install leaves it (``python -m compileall``; README). CPU is the process's user and
system time (all its threads), memory its peak resident size, both as the kernel reports them
for the ended child (``wait4``); the wall clock is printed beside them. Steps:

- a 10-row BRÅ file for Farsta (``3-7 kap. Brott mot person``, jan–maj 2026: the figures
  Stadsdelsområde shows for Farsta), and its undo;
- 200 survey rows (the city's safety survey, every district and year, as a CSV upload);
- 500 new police events (ids never seen, spread over 2022–2026);
- the year-end Word document for the city (the year before the last complete one);
- ``--fetches`` daily police fetches (500 events of which 50 are new each day) each followed by
  ``store maintain --keep-days 7`` with the snapshots made a day older between the days (the
  SQLite catalog's clock column): the store's files and bytes after each day.

Targets (issue 33, at 100x): a load or an undo <= 2 s CPU and <= 400 MB; 500 new events
<= 3 s CPU; the year-end Word <= 3 s CPU; after the fetches, files and bytes flat (the last
days within 10 % of each other).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

FARSTA = "Stadsdelsområde Farsta (Sthlm)"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "Maj"]
SURVEY_HEADER = "Stadsdelsområde;År;Mått;Kön;Åldersgrupp;Andel (%);Antal svarande;Antal;Kommentar"
SURVEY_MEASURES = [
    "stad_trygghet.otrygg_ute_kvall",
    "stad_trygghet.orolig_brott",
    "stad_trygghet.utsatt_brott_mot_person",
    "stad_trygghet.avstar_aktiviteter",
]
DISTRICTS = ["Bromma", "Enskede-Årsta-Vantör", "Farsta", "Hägersten-Älvsjö", "Hässelby-Vällingby",
             "Järva", "Kungsholmen", "Norra innerstaden", "Skarpnäck", "Skärholmen",
             "Södermalm"]  # fmt: skip


# The cache folder the commands of one run share (a user's ~/.cache): empty at the start, filled
# by the steps before the timed ones as the dashboard and earlier work would have filled it.
CACHE: list[Path] = []
# The program's packages, compiled as an install does (README: server mode).
PACKAGES = ["access", "app_pages", "catalogue", "indicators", "loaders", "report", "service",
            "store", "web"]  # fmt: skip


@dataclass
class Run:
    cpu: float
    peak_mb: float
    wall: float
    out: str


def command(args: list[str], db: Path) -> Run:
    """Run ``python -m …`` as its own process; its CPU and peak memory from wait4."""
    env = {**os.environ, "DASHBOARD_RESULTS": "on"}
    if CACHE:  # the user's cache folder of this run (charts, disclosure years, extensions)
        env["XDG_CACHE_HOME"] = str(CACHE[0])
    env.pop("DASHBOARD_DB_THREADS", None)
    # As installed (README, server mode): the program's bytecode compiled, as Python writes it
    # on a first run or `python -m compileall` at the install; a machine whose environment
    # turns that off (PYTHONDONTWRITEBYTECODE) would compile every module on every command.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", *args, "--db", str(db)], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{out}")
    return Run(usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, wall, out)


def bra_file(path: Path, add: int) -> Path:
    lines = ["Region;Brott;År;Period;Antal;/100 000 inv"]
    lines += [f"{FARSTA};3-7 kap. Brott mot person;2026 prel.;{m};{n + add};{(n + add) * 2};"
              for m, n in zip(MONTHS, [114, 130, 139, 121, 127], strict=True)]  # fmt: skip
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("latin-1"))
    return path


def survey_file(path: Path, rows: int = 200, shift: int = 0) -> Path:
    """The city's safety survey for today's districts, 2024 and 2025, four questions, all,
    women and men: the first ``rows`` of those 264 rows (``shift``: other shares)."""
    lines = [SURVEY_HEADER]
    for year in (2025, 2024):
        for measure in SURVEY_MEASURES:
            for sex in ("Alla", "Kvinnor", "Män"):
                for n, district in enumerate(DISTRICTS):
                    share = f"{10 + (n * 7 + year + shift) % 30},5"
                    lines.append(f"{district};{year};{measure};{sex};Alla;{share};400;;")
    path.write_text("\n".join(lines[: rows + 1]) + "\n", encoding="utf-8")
    return path


def event_file(path: Path, count: int, first_id: int, in_month: str | None = None) -> Path:
    from bench_police_events import write_events

    write_events(path, count)
    events = json.loads(path.read_text(encoding="utf-8"))
    for i, event in enumerate(events):
        event["id"] = first_id + i
        if in_month is not None:
            event["datetime"] = in_month + event["datetime"][7:]
    path.write_text(json.dumps(events, ensure_ascii=False), encoding="utf-8")
    return path


def a_day_passes(db: Path) -> None:
    with sqlite3.connect(db) as catalog:
        catalog.execute(
            "UPDATE ducklake_snapshot SET snapshot_time = "
            "strftime('%Y-%m-%d %H:%M:%S', substr(snapshot_time, 1, 19), '-1 day') || '+00'"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="a store to copy (default: the demo data)")
    parser.add_argument("--fetches", type=int, default=30)
    parser.add_argument("--year", type=int, default=2024, help="the year-end summary's year")
    parser.add_argument("--json", type=Path, help="also write the figures here (bench/run.py)")
    args = parser.parse_args()
    from bench_writes import prepare_store
    from record import Record

    from store.snapshots import footprint

    record = Record(args.json)
    large = args.store is not None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "store.sqlite"
        prepare_store(args.store, db)
        compiled = subprocess.run(
            [sys.executable, "-m", "compileall", "-q", *PACKAGES], cwd=ROOT, check=False
        )
        if compiled.returncode != 0:
            raise SystemExit("python -m compileall failed")
        CACHE[:] = [folder / "cache"]
        # The store as the dashboard leaves it (not timed): every result stored; an earlier
        # upload of the survey (other shares for 2024 and 2025), so its years were decided
        # before and the timed upload decides the two it changes; a year-end document made
        # before, so the timed one draws the charts whose figures the loads changed.
        command(["loaders", "batches"], db)
        warm = folder / "warm.txt"
        command(["loaders", "load", "bra", str(bra_file(warm, 0))], db)
        command(["loaders", "load", "survey", str(survey_file(folder / "tidigare.csv",
                                                               shift=3))], db)  # fmt: skip
        command(["report", "year-end", "--year", str(args.year), "--out",
                 str(folder / "tidigare.docx")], db)  # fmt: skip
        steps: list[tuple[str, Run, float | None, float | None]] = []
        load = command(["loaders", "load", "bra", str(bra_file(folder / "farsta.txt", 1))], db)
        steps.append(("10 BRÅ rows for Farsta, loaders load", load, 2.0, 400.0))
        batch = int(re.search(r"as batch (\d+)", load.out).group(1))  # type: ignore[union-attr]
        steps.append(("undo of the 10 rows, loaders undo",
                      command(["loaders", "undo", str(batch)], db), 2.0, 400.0))  # fmt: skip
        survey = survey_file(folder / "enkat.csv")
        run = command(["loaders", "load", "survey", str(survey)], db)
        steps.append(("200 survey rows, loaders load survey", run, 2.0, 400.0))
        events = event_file(folder / "events.json", 500, 950_000_000)
        run = command(["loaders", "load", "polisen", str(events)], db)
        steps.append(("500 new police events, loaders load polisen", run, 3.0, 400.0))
        word = folder / "arssammanstallning.docx"
        steps.append((f"year-end Word for the city {args.year}, report year-end",
                      command(["report", "year-end", "--year", str(args.year), "--out",
                               str(word)], db), 3.0, None))  # fmt: skip
        print(f"{args.store or 'the demo data'}")
        print(f"{'step':<58}{'CPU s':>8}{'wall s':>8}{'peak MB':>9}")
        for name, run, cpu_target, mb_target in steps:
            print(f"{name:<58}{run.cpu:>8.2f}{run.wall:>8.2f}{run.peak_mb:>9.0f}")
            record.add(f"{name}: CPU", run.cpu, "s", cpu_target if large else None)
            record.add(f"{name}: peak memory", run.peak_mb, "MB", mb_target if large else None)
        if args.fetches:
            sizes, seconds = [], []
            for day in range(1, args.fetches + 1):
                window = event_file(folder / f"day{day}.json", 500, 960_000_000 + 50 * day,
                                    in_month="2026-11")  # fmt: skip
                fetch = command(["loaders", "load", "polisen", str(window)], db)
                command(["store", "maintain", "--keep-days", "7"], db)
                a_day_passes(db)
                seconds.append(fetch.cpu)
                sizes.append(footprint(db))
                print(f"day {day:>2}: fetch {fetch.cpu:.2f} s CPU; {sizes[-1][0]} files, "
                      f"{sizes[-1][1] / 1e6:.1f} MB")  # fmt: skip
            settled = sizes[10:] or sizes
            files = [n for n, _ in settled]
            size = [b for _, b in settled]
            record.add(f"daily fetch + maintain x {args.fetches}: files, growth after day 11",
                       100 * (max(files) / min(files) - 1), "%", 10.0)  # fmt: skip
            record.add(f"daily fetch + maintain x {args.fetches}: bytes, growth after day 11",
                       100 * (max(size) / min(size) - 1), "%", 10.0)  # fmt: skip
            record.add("daily fetch, CPU (median)", sorted(seconds)[len(seconds) // 2], "s",
                       3.0 if large else None)  # fmt: skip
        record.write()
    return 0


if __name__ == "__main__":
    sys.exit(main())
