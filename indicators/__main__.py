"""Command line for the indicator catalogue.

    python -m indicators check [--root DIR]
    python -m indicators list [--format text|csv]
    python -m indicators values ID [--region NAME_OR_CODE] [--boundaries current|historical]
                                   [--by sex] [--db PATH]

``check`` exits 1 and lists every problem (file:line) when any definition is broken.
``values`` prints CSV: indicator, region_code, region_name, year, sex, age_group, value,
lower, upper, respondents, suppressed, preliminary, status. Boundaries: ``historical``
(default) as the source reported the districts, ``current`` rolled up to today's 11.

Like ``python -m store``, this entry point uses loaders/ to open the store with its
register; the library modules of indicators/ do not.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb

from indicators.catalogue import INDICATORS_DIR, load_catalogue
from indicators.compute import OUTPUT_COLUMNS, Request, compute
from store import queries
from store.db import StoreError
from store.regions import RegionResolver, UnknownRegionError

DB_HELP = "database file (default: $DASHBOARD_DB or data/dashboard.duckdb)"
BOUNDARIES = {"current": "today", "historical": "time"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m indicators", description=__doc__.split("\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate every definition; list every problem")
    check.add_argument(
        "--root", type=Path, default=None, help="catalogue folder (default: indicators/)"
    )
    listing = sub.add_parser("list", help="list the indicators")
    listing.add_argument("--format", choices=["text", "csv"], default="text")
    values = sub.add_parser("values", help="print an indicator's values as CSV")
    values.add_argument("id", help="indicator id, e.g. brott_mot_person")
    values.add_argument("--region", help="a district or municipality, by name or code")
    values.add_argument("--boundaries", choices=sorted(BOUNDARIES), default="historical")
    values.add_argument("--by", choices=["sex", "age_group"], action="append", default=[])
    values.add_argument("--db", help=DB_HELP)
    return parser


def _known_region_checker() -> Callable[[str], bool]:
    from loaders.reference import open_store

    con = open_store(":memory:")
    resolver = RegionResolver.from_store(con)
    con.close()

    def known(name: str) -> bool:
        if resolver.by_code(name):
            return True
        try:
            return resolver.resolve(name).region.kind == "district"
        except UnknownRegionError:
            return False

    return known


def cmd_check(root: Path | None) -> int:
    catalogue = load_catalogue(root or INDICATORS_DIR, known_region=_known_region_checker())
    for problem in catalogue.problems:
        print(
            f"{problem.level}: {problem}",
            file=sys.stderr if problem.level == "error" else sys.stdout,
        )
    errors = [p for p in catalogue.problems if p.level == "error"]
    if errors:
        print(
            f"{len(errors)} problem(s); {len(catalogue.disabled)} definition file(s) disabled: "
            + ", ".join(sorted(catalogue.disabled)),
            file=sys.stderr,
        )
        return 1
    print(f"OK: {len(catalogue.definitions)} indicators, {len(catalogue.measures)} measures, "
          f"{len(catalogue.agreements)} agreements.")  # fmt: skip
    return 0


def cmd_list(fmt: str) -> int:
    catalogue = load_catalogue()
    rows = [
        (d.id, d.title, ",".join(d.areas), d.source, d.type)
        for d in sorted(catalogue.definitions.values(), key=lambda d: (d.areas[0], d.id))
    ]
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["id", "title", "area", "source", "type"])
        writer.writerows(rows)
    else:
        for row in rows:
            print(f"{row[0]:<28} {row[2]:<20} {row[4]:<6} {row[3]:<24} {row[1]}")
    for name in sorted(catalogue.disabled):
        print(f"disabled: {name} (run 'python -m indicators check')", file=sys.stderr)
    return 0


def _fmt(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.0f}"
    return str(value)


def cmd_values(args: argparse.Namespace) -> int:
    from loaders.reference import open_store

    catalogue = load_catalogue()
    definition = catalogue.definitions.get(args.id)
    if definition is None:
        known = ", ".join(sorted(catalogue.definitions))
        print(f"error: unknown or disabled indicator {args.id!r}; known: {known}", file=sys.stderr)
        return 1
    con = open_store(args.db)
    try:
        boundaries = BOUNDARIES[args.boundaries]
        codes = None
        if args.region:
            try:
                region = RegionResolver.from_store(con).resolve(args.region).region
            except UnknownRegionError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 1
            codes = (region.code,)
            if boundaries == "today":
                mapping = dict(_today_map(con))
                codes = (mapping.get(region.code, region.code),)
        request = Request(
            boundaries=boundaries,  # type: ignore[arg-type]
            by_sex="sex" in args.by,
            by_age="age_group" in args.by,
            region_codes=codes,
        )
        frame = compute(con, definition, catalogue, request)
    finally:
        con.close()
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(OUTPUT_COLUMNS)
    for row in frame[OUTPUT_COLUMNS].itertuples(index=False):
        writer.writerow([_fmt(v) for v in row])
    if "example" in frame and frame["example"].fillna(False).astype(bool).any():
        print(
            f"note: {definition.id} includes example data (Exempeldata), not real results",
            file=sys.stderr,
        )
    if definition.type == "rate" and not frame.empty:
        older = frame[
            frame["population_year"].notna() & (frame["population_year"] != frame["year"])
        ]
        for row in older.itertuples():
            print(
                f"note: {row.region_name} {row.year} uses the population of "
                f"{int(row.population_year)} (the nearest earlier year loaded)",
                file=sys.stderr,
            )
    return 0


def _today_map(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return list(queries.today_region_map(con).itertuples(index=False, name=None))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "check":
            return cmd_check(args.root)
        if args.command == "list":
            return cmd_list(args.format)
        return cmd_values(args)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
