"""Benchmark: compute every indicator for every district and year.

    python bench/bench_indicators.py [--repeat 5] [--store /tmp/large/store.sqlite]

Times one full computation (all indicators of the catalogue, every district and the city,
every year, on today's boundaries and on those of the time; no stored result used) and
reports the median of the repeats: on a store with the demo data, and, with ``--store``, on
a copy of that store too (tools/build_large_store.py builds one with 100 times the demo data
through the loaders). The target (issue 3) is under 0.5 s for the demo data on the project's
2-core machine; since issue 16 the pages read stored results (bench/bench_results.py).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from catalogue.catalogue import load_catalogue
from indicators.basis import Request
from indicators.compute import compute_all
from loaders.demo import load_demo
from service.session import open_store
from store import queries


def full_pass(con, catalogue, boundaries: str) -> int:  # type: ignore[no-untyped-def]
    frames = compute_all(con, catalogue, Request(boundaries=boundaries))  # type: ignore[arg-type]
    return sum(len(frame) for frame in frames.values())


def timed(con, catalogue, repeat: int) -> dict[str, tuple[float, int]]:  # type: ignore[no-untyped-def]
    result = {}
    for boundaries in ("today", "time"):
        full_pass(con, catalogue, boundaries)  # warm up
        times, rows = [], 0
        for _ in range(repeat):
            start = time.perf_counter()
            rows = full_pass(con, catalogue, boundaries)
            times.append(time.perf_counter() - start)
        result[boundaries] = (statistics.median(times), rows)
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--store", type=Path, help="a large store to copy and time as well")
    args = parser.parse_args()
    catalogue = load_catalogue()
    with tempfile.TemporaryDirectory() as tmp:
        con = open_store(Path(tmp) / "bench.duckdb")
        load_demo(con)
        demo_rows = queries.count_observations(con)
        print(f"{len(catalogue.definitions)} indicators; demo data: {demo_rows} observations")
        for boundaries, (seconds, rows) in timed(con, catalogue, args.repeat).items():
            print(f"  demo, {boundaries:5} boundaries: {seconds:.3f} s per full pass "
                  f"({rows} values)")  # fmt: skip
        con.close()
        if args.store:
            from bench_writes import copy_store

            copy_store(args.store, Path(tmp) / "large.sqlite")
            con = open_store(Path(tmp) / "large.sqlite")
            print(f"{args.store}: {queries.count_observations(con)} observations")
            for boundaries, (seconds, rows) in timed(con, catalogue, 1).items():
                print(f"  large, {boundaries:5} boundaries: {seconds:.3f} s per full pass "
                      f"({rows} values)")  # fmt: skip
            con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
