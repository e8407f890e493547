"""Build a large store through the loaders, for the benchmarks (issue 16): the demo data, BRÅ's
reported crime for every municipality 1997-2025 (real region names and codes, the export's
own format, the last year preliminary) and a million police events in the API's format.

    python tools/build_large_store.py --db /tmp/large/store.sqlite [--events 1000000]
        [--first-year 1997] [--last-year 2025] [--categories 20]

With the defaults the store holds about 4.5 million observations (about 100 times the demo's)
and 1 million police events. The figures are made up (seeded, so every build is the same),
their shape is real: every file goes through the same loader, checks and transaction as a
real one. Stockholm county's municipalities keep the demo's real figures for 2020-2023.
Takes about 10 minutes on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_police_events import write_events  # noqa: E402
from loaders import bra_anmalda_brott, polisen_handelser  # noqa: E402
from loaders.demo import load_demo  # noqa: E402
from loaders.reference import open_store  # noqa: E402
from store import queries  # noqa: E402

USER = "large-store"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec"]
# Categories as BRÅ's statistics database names them.
CATEGORIES = [
    "3-7 kap. Brott mot person", "3 kap. Brott mot liv och hälsa",
    "därav misshandel inkl. grov", "4 kap. Brott mot frihet och frid",
    "5 kap. Ärekränkningsbrott", "6 kap. Sexualbrott", "7 kap. Brott mot familj",
    "8-12 kap. Brott mot förmögenhet m.m.", "8 kap. Stöldbrott", "därav bostadsinbrott",
    "därav fickstöld", "9 kap. Bedrägeri m.m.", "12 kap. Skadegörelsebrott",
    "13-15 kap. Brott mot allmänheten", "16 kap. Brott mot allmän ordning",
    "17 kap. Brott mot allmän verksamhet", "Narkotikastrafflagen", "Trafikbrottslagen",
    "Vapenlagen", "därav rattfylleri",
]  # fmt: skip
DEMO_YEARS = range(2020, 2024)  # the demo's real BRÅ files
STOCKHOLM_COUNTY = "01"


def municipalities() -> list[tuple[str, str, str]]:
    """(code, name, county) of every municipality in the register."""
    with (ROOT / "data" / "reference" / "regions.csv").open(encoding="utf-8") as handle:
        return [
            (row["code"], row["name"], row["parent"])
            for row in csv.DictReader(handle)
            if row["kind"] in ("municipality", "city")
        ]


def write_bra_year(path: Path, year: int, last_year: int, categories: list[str]) -> int:
    """One year of BRÅ's export for every municipality (those of Stockholm county left out in
    the demo's years); returns the number of lines."""
    rng = random.Random(year)
    label = f"{year} prel." if year == last_year else str(year)
    lines = ["Region;Brott;År;Period;Antal;/100 000 inv"]
    for code, name, county in municipalities():
        if county == STOCKHOLM_COUNTY and year in DEMO_YEARS:
            continue
        size = random.Random(code).uniform(0.2, 8.0)
        for c, category in enumerate(categories):
            base = size * (40 if c < 8 else 10)
            for month in MONTHS:
                count = max(0, int(rng.gauss(base, base**0.5)))
                rate = round(count / size * 3.0)
                lines.append(f"{name} kommun;{category};{label};{month};{count};{rate};")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("latin-1"))
    return len(lines) - 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="a new store (catalog file)")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--first-year", type=int, default=1997)
    parser.add_argument("--last-year", type=int, default=2025)
    parser.add_argument("--categories", type=int, default=len(CATEGORIES))
    args = parser.parse_args()
    if args.db.exists():
        parser.error(f"{args.db} exists; give a new path")
    args.db.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    con = open_store(args.db)
    load_demo(con)
    print(f"demo data: {queries.count_observations(con)} observations", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for year in range(args.first_year, args.last_year + 1):
            path = Path(tmp) / f"Databasfil{year}.txt"
            lines = write_bra_year(path, year, args.last_year, CATEGORIES[: args.categories])
            report = bra_anmalda_brott.load(con, path, loaded_by=USER)
            print(f"BRÅ {year}: {lines} lines, {report.rows} observations", flush=True)
        if args.events:
            path = Path(tmp) / "events.json"
            write_events(path, args.events)
            report = polisen_handelser.load(con, path, loaded_by=USER)
            print(f"police: {args.events} events, {report.rows} observations", flush=True)
    print(
        f"{args.db}: {queries.count_observations(con)} observations "
        f"({queries.count_observations(con, current_only=True)} in force), "
        f"{len(queries.batches(con))} batches, built in {time.perf_counter() - started:.0f} s"
    )
    con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
