"""Benchmark: stored indicator results and the log on a large store (issue 16).

    python tools/build_large_store.py --db /tmp/large/store.sqlite    # once, ~10 min
    python bench/bench_results.py --store /tmp/large/store.sqlite [--log-entries 1000000]

On a copy of the store: the refresh after a load (every result computed, as after the first
start; then a 10-row BRÅ load and the refresh that follows it, which computes the BRÅ
indicators only), every indicator for every district read from the stored results (the
Overview's and Datastatus's read; median of 5), and the log page's reads (count and newest
page of 1 000, median of 5) with ``--log-entries`` entries. Reads go through the in-memory
copy the pages read. Targets (issue 16): all indicators from stored results <= 0.5 s at 100x;
Logg <= 0.3 s at 1 M entries. Also the time the in-memory copy takes to catch up with the
load (what a page's first run after a load pays, in any process).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _median_seconds(work: object, repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()  # type: ignore[operator]
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> int:
    from bench.bench_writes import BRA_LINES, copy_store
    from catalogue.catalogue import load_catalogue
    from indicators import results
    from indicators.basis import Request
    from loaders import bra_anmalda_brott
    from store import audit, db, queries
    from store.replica import Replica

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="tools/build_large_store.py")
    parser.add_argument("--log-entries", type=int, default=1_000_000)
    parser.add_argument("--json", type=Path, help="also write the figures here (bench/run.py)")
    args = parser.parse_args()
    from bench.record import Record

    record = Record(args.json)
    catalogue = load_catalogue()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "copy.sqlite"
        copy_store(args.store, path)
        con = db.connect(path)
        replica = Replica(con)
        start = time.perf_counter()
        replica.cursor().close()
        copy_seconds = time.perf_counter() - start
        rows = queries.count_observations(con)
        print(f"store: {rows} observations; in-memory copy made in {copy_seconds:.1f} s")
        first = results.refresh(replica.cursor(), con, catalogue)
        print(f"refresh, every result: {first.computed} computed in {first.seconds:.1f} s")
        bra = Path(tmp) / "Databasfil2026_kiruna.txt"
        bra.write_bytes(("\r\n".join(BRA_LINES) + "\r\n").encode("latin-1"))
        start = time.perf_counter()
        bra_anmalda_brott.load(con, bra, loaded_by="bench")
        load_seconds = time.perf_counter() - start
        start = time.perf_counter()
        replica.cursor().close()  # the copy brought up to date: the rows the load changed
        catch_up = time.perf_counter() - start
        print(f"in-memory copy up to date after the load in {catch_up:.2f} s")
        record.add("in-memory copy up to date after a 10-row load", catch_up, "s")
        after = results.refresh(replica.cursor(), con, catalogue)
        print(
            f"10-row BRÅ load {load_seconds:.2f} s, then refresh: {after.computed} computed, "
            f"{after.kept} kept, in {after.seconds:.1f} s"
        )
        reader = replica.cursor()
        for request in (Request(boundaries="today"), Request(boundaries="time")):
            seconds = _median_seconds(lambda r=request: results.values_all(reader, catalogue, r))
            print(f"every indicator from stored results ({request.boundaries}): {seconds:.3f} s")
            record.add(f"every indicator from stored results ({request.boundaries})", seconds,
                       "s", 0.5)  # fmt: skip
        with db.transaction(con):
            con.execute(
                "INSERT INTO audit_log (logged_at, who, what, detail) "
                "SELECT TIMESTAMP '2020-01-01' + INTERVAL (i) SECOND, 'user ' || (i % 50), "
                "CASE WHEN i % 7 = 0 THEN 'ångra' ELSE 'bedömning' END, 'entry ' || i "
                "FROM range($n) AS t(i)",
                {"n": args.log_entries},
            )
        reader = replica.cursor()
        total = audit.count(reader)

        def log_page(who: str | None = None, what: list[str] | None = None) -> None:
            audit.count(reader, who, what)
            audit.entries(reader, 1000, who, what, offset=0)

        print(f"log: {total} entries")
        plain = _median_seconds(log_page)
        filtered = _median_seconds(lambda: log_page("user 7", ["ångra"]))
        print(f"log page, no filter: {plain:.3f} s")
        print(f"log page, filtered: {filtered:.3f} s")
        record.add(f"Logg at {total} entries, no filter", plain, "s", 0.3)
        record.add(f"Logg at {total} entries, filtered", filtered, "s", 0.3)
        record.add("refresh after a 10-row load", after.seconds, "s")
        record.write()
        con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
