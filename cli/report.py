"""Command line for reports.

    python -m report year-end --year YEAR [--region NAME] [--agreement ID]
                              [--snapshot MEETING] --out FILE [--db PATH]

FILE ending in .docx gives a Word document, .xlsx an Excel workbook.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DB_HELP = "the store's catalog file (default: $DASHBOARD_DB or data/dashboard.sqlite)"


def build_parser() -> argparse.ArgumentParser:
    from service import indicator_values

    parser = argparse.ArgumentParser(prog="python -m report")
    sub = parser.add_subparsers(dest="command", required=True)
    year_end = sub.add_parser("year-end", help="the year-end summary for the beredningsgrupp")
    year_end.add_argument("--year", type=int, required=True)
    year_end.add_argument("--region", default="Stockholms stad", help="the city or a district")
    agreements = list(indicator_values.agreement_options())  # the one in force first
    year_end.add_argument("--agreement", choices=agreements, default=agreements[0])
    year_end.add_argument("--out", type=Path, required=True, help="a .docx or .xlsx file")
    year_end.add_argument(
        "--snapshot", metavar="NAME",
        help="as the figures stood at a saved meeting (python -m store snapshots list)",
    )  # fmt: skip
    year_end.add_argument("--db", help=DB_HELP)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from service import indicator_values, meetings, reports
    from service.loads import StoreError

    if args.out.suffix not in (".docx", ".xlsx"):
        print("error: --out must end in .docx or .xlsx", file=sys.stderr)
        return 2
    try:
        # The year-end reads the observations of the catalogue's indicators only (their
        # results, values computed where not stored, the region splits): a copy of those rows
        # and of the small tables, not of the whole store (issue 33: 1,2 GB at 100x).
        measures = sorted({m for d in indicator_values.catalogue().definitions.values()
                           for m in d.measures})  # fmt: skip
        with meetings.open_at(args.snapshot, args.db, measures) as (con, meeting):
            summary = reports.year_end(con, args.year, args.region, args.agreement)
    except (reports.UnknownRegionError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if meeting is not None:
        summary = reports.as_of_meeting(summary, meeting)
    args.out.write_bytes(reports.render(summary, args.out.suffix))
    print(f"Wrote the year-end summary {args.year} for {summary.region_name} to {args.out}.")
    return 0
