"""Command line for reports.

    python -m report year-end --year YEAR [--region NAME] [--agreement 2024|2019] --out FILE
                              [--db PATH]

FILE ending in .docx gives a Word document, .xlsx an Excel workbook.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DB_HELP = "database file (default: $DASHBOARD_DB or data/dashboard.duckdb)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m report")
    sub = parser.add_subparsers(dest="command", required=True)
    year_end = sub.add_parser("year-end", help="the year-end summary for the beredningsgrupp")
    year_end.add_argument("--year", type=int, required=True)
    year_end.add_argument("--region", default="Stockholms stad", help="the city or a district")
    year_end.add_argument("--agreement", choices=["2024", "2019"], default="2024")
    year_end.add_argument("--out", type=Path, required=True, help="a .docx or .xlsx file")
    year_end.add_argument("--db", help=DB_HELP)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from indicators.catalogue import load_catalogue
    from loaders.reference import open_store
    from report import render_docx, render_xlsx
    from report.build import build
    from store.regions import RegionResolver, UnknownRegionError

    if args.out.suffix not in (".docx", ".xlsx"):
        print("error: --out must end in .docx or .xlsx", file=sys.stderr)
        return 2
    con = open_store(args.db)
    try:
        try:
            region = RegionResolver.from_store(con).resolve(args.region).region
        except UnknownRegionError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        summary = build(
            con, load_catalogue(), args.year, agreement=args.agreement, region_code=region.code
        )
    finally:
        con.close()
    renderer = render_docx if args.out.suffix == ".docx" else render_xlsx
    args.out.write_bytes(renderer.render(summary))
    print(f"Wrote the year-end summary {args.year} for {summary.region_name} to {args.out}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
