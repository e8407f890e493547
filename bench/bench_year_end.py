"""Benchmark: the city-wide year-end summary for one year, as Word and as Excel.

    python bench/bench_year_end.py [--year 2023]

On a store with the demo data (and its example follow-up): builds the summary (every indicator
computed, assessments, comments, actions) and renders both files. Target (issue 7): under 10 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from catalogue.catalogue import load_catalogue
from loaders.demo import load_demo
from loaders.reference import open_store
from report import render_docx, render_xlsx
from report.build import build


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=2023)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        con = open_store(Path(tmp) / "bench.duckdb")
        load_demo(con)
        catalogue = load_catalogue()
        start = time.perf_counter()
        summary = build(con, catalogue, args.year)
        built = time.perf_counter() - start
        docx_bytes = render_docx.render(summary)
        word = time.perf_counter() - start - built
        xlsx_bytes = render_xlsx.render(summary)
        total = time.perf_counter() - start
        print(
            f"year-end {args.year}, whole city: build {built:.2f} s, Word {word:.2f} s "
            f"({len(docx_bytes) / 1e3:.0f} kB), Excel {total - built - word:.2f} s "
            f"({len(xlsx_bytes) / 1e3:.0f} kB); total {total:.2f} s"
        )
        con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
