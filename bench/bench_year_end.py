"""Benchmark: the city-wide year-end summary for one year, as Word and as Excel.

Times building and rendering inside a running process (issue 16's figures, kept for
comparison); the whole ``python -m report year-end`` process is timed by bench/bench_cli.py.

    python bench/bench_year_end.py [--year 2023] [--store /tmp/large/store.sqlite]

On a store with the demo data (and its example follow-up), or on a copy of ``--store``: the
indicator results are refreshed first (as the command line and the dashboard do after every
load), then the summary is built (every indicator read, assessments, comments, actions) and
both files rendered. Targets: under 10 s (issue 7); for the city, Word included, <= 5 s at
100 times the demo data (issue 16).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_writes import prepare_store  # noqa: E402
from bench.record import Record  # noqa: E402
from catalogue.catalogue import load_catalogue  # noqa: E402
from indicators import results  # noqa: E402
from report import render_docx, render_xlsx  # noqa: E402
from report.build import build  # noqa: E402
from service.session import open_store  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--year", type=int, default=2023)
    parser.add_argument("--store", type=Path, help="a store to copy (default: the demo data)")
    parser.add_argument("--json", type=Path, help="also write the figures here (bench/run.py)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite"
        prepare_store(args.store, path)
        con = open_store(path)
        catalogue = load_catalogue()
        refreshed = results.refresh(con, con, catalogue)
        start = time.perf_counter()
        summary = build(con, catalogue, args.year)
        built = time.perf_counter() - start
        docx_bytes = render_docx.render(summary)
        word = time.perf_counter() - start - built
        xlsx_bytes = render_xlsx.render(summary)
        total = time.perf_counter() - start
        print(
            f"results refreshed first ({refreshed.computed} computed in {refreshed.seconds:.1f} s)"
            f"; year-end {args.year}, whole city: build {built:.2f} s, Word {word:.2f} s "
            f"({len(docx_bytes) / 1e3:.0f} kB), Excel {total - built - word:.2f} s "
            f"({len(xlsx_bytes) / 1e3:.0f} kB); total {total:.2f} s"
        )
        record = Record(args.json)
        record.add("year-end for the city, built with Word", built + word, "s", 5.0)
        record.add("year-end, Word and Excel", total, "s", 10.0)
        record.write()
        con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
