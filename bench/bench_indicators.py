"""Benchmark: compute every indicator for every district and year.

    python bench/bench_indicators.py [--repeat 5] [--scale 100]

Builds a store with the demo data in a temporary file, then times one full pass (all
indicators of the catalogue, every district and the city, every year, on today's boundaries
and on those of the time) and reports the median of the repeats. It then appends synthetic
rows (copies of every demo batch shifted back in time, ``--scale`` times the demo data in
all) and times the same pass again, to show how it grows. The target (issue 3) is under
0.5 s for the demo data on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from catalogue.catalogue import load_catalogue
from indicators.compute import Request, compute_all
from loaders.demo import load_demo
from loaders.reference import open_store
from store import db, queries


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


def add_synthetic(con, copies: int) -> int:  # type: ignore[no-untyped-def]
    """Append ``copies`` shifted copies of every demo batch (years moved back 4 per copy,
    so no key collides with the real data)."""
    added = 0
    originals = [b.id for b in queries.batches(con)]
    frames = [queries.batch_observations(con, b) for b in originals]
    with db.transaction(con):
        for k in range(1, copies + 1):
            for frame in frames:
                shifted = frame.assign(year=frame["year"] - 4 * k)
                batch_id = queries.insert_batch(
                    con, source="bra_anmalda_brott", file_name=f"synthetic-{k}", sha256=f"syn-{k}",
                    loaded_by="bench", row_count=len(shifted),
                )  # fmt: skip
                shifted = shifted.assign(source="bra_anmalda_brott")
                added += queries.insert_observations(con, batch_id, shifted)
        queries.refresh_batch_states(con, "bra_anmalda_brott")
    return added


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scale", type=int, default=100)
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
        added = add_synthetic(con, args.scale - 1)
        print(f"{args.scale}x: {demo_rows + added} observations")
        for boundaries, (seconds, rows) in timed(con, catalogue, max(1, args.repeat // 2)).items():
            print(f"  {args.scale}x, {boundaries:5} boundaries: {seconds:.3f} s per full pass "
                  f"({rows} values)")  # fmt: skip
        con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
