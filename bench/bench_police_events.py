"""Benchmark: load 1 000 000 synthetic police events in the real API format.

    python bench/bench_police_events.py [--events 1000000]

Writes a JSON array of events like polisen.se/api/events returns them (unpadded hours, relative
urls, types with commas, Detonation before and Explosion after September 2024, 2026 events
with the county as location, summaries naming places), then loads it into a new store in a
child process and reports the wall time and the child's peak memory (max RSS: Python, pandas
and DuckDB together). Target (issue 4): under 30 s and under 2 GB on the project's 2-core
machine.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december"]  # fmt: skip
TYPES = ["Misshandel", "Brand", "Rattfylleri", "Trafikolycka, personskada", "Stöld", "Rån",
         "Mord/dråp, försök", "Skottlossning", "Skadegörelse", "Narkotikabrott",
         "Larm Inbrott", "Lagen om hundar och katter ", "Olaga hot"]  # fmt: skip
PLACES = ["Bromsten", "Rinkeby", "Tensta", "Södermalm", "Hökarängen", "Sergels torg",
          "Bagarmossen", "Hässelby strand", "Kista", "Årsta"]  # fmt: skip
MUNICIPALITIES = ["Stockholm"] * 6 + ["Solna", "Huddinge", "Nacka", "Sigtuna"]


def write_events(path: Path, count: int) -> None:
    rng = random.Random(4)
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        for i in range(count):
            year = rng.choice([2022, 2023, 2024, 2025, 2026])
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            hour, minute, second = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
            kind = rng.choice(TYPES)
            if rng.random() < 0.02:
                kind = "Detonation" if (year, month) < (2024, 9) else "Explosion"
            municipality = rng.choice(MUNICIPALITIES)
            county = year == 2026
            place = rng.choice(PLACES) if rng.random() < 0.6 else "okänd plats"
            event = {
                "id": 1_000_000 + i,
                "datetime": f"{year}-{month:02d}-{day:02d} {hour}:{minute:02d}:{second:02d} +01:00",
                "name": f"{day:02d} {MONTHS[month - 1]} {hour:02d}.{minute:02d}, {kind.strip()}, "
                f"{municipality}",
                "summary": f"Polisen larmades till {place} under kvällen efter uppgifter om "
                "en händelse.",
                "url": f"/aktuellt/handelser/{year}/{MONTHS[month - 1]}/{day}/{i}/",
                "type": kind,
                "location": {"name": "Stockholms län" if county else municipality,
                             "gps": "59.329324,18.068581"},
            }  # fmt: skip
            if i:
                out.write(",\n")
            out.write(json.dumps(event, ensure_ascii=False))
        out.write("]\n")


CHILD = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from loaders import polisen_handelser
from service.session import open_store
con = open_store(Path(sys.argv[2]))
start = time.perf_counter()
report = polisen_handelser.load(con, Path(sys.argv[1]), loaded_by="bench")
print(f"load_seconds={time.perf_counter() - start:.2f}")
print(report.summary())
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.json"
        start = time.perf_counter()
        write_events(path, args.events)
        size = path.stat().st_size / 1e6
        print(f"wrote {args.events} events ({size:.0f} MB) in {time.perf_counter() - start:.1f} s")
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-c", CHILD, str(path), str(Path(tmp) / "bench.duckdb"), str(ROOT)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        wall = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(result.stdout.strip())
        if result.returncode != 0:
            print(result.stderr, file=sys.stderr)
            return 1
        print(f"child process: {wall:.1f} s wall (incl. start-up), peak memory {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
