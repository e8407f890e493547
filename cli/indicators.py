"""Command line for the indicator catalogue.

    python -m indicators check [--root DIR]
    python -m indicators list [--format text|csv]
    python -m indicators values ID [--region NAME_OR_CODE] [--boundaries current|historical]
                                   [--by sex] [--snapshot MEETING] [--db PATH]
    python -m indicators drivers ID --from YEAR --to YEAR [--region NAME]
                                    [--by region|measure|sex|age_group] [--db PATH]

``check`` exits 1 and lists every problem (file:line) when any definition is broken.
``values`` prints CSV: indicator, region_code, region_name, year, sex, age_group, value,
lower, upper, respondents, suppressed, preliminary, status, period, missing_reason, and what
the status compares with: compared_with ("sedan basåret 2023", "sedan 2024", "jan–jul 2026
mot jan–jul 2025"), reference_period, reference_value, change (the change the status tested)
and change_test ("inom felmarginalen", "säkerställd försämring", "ingen jämförelse: …").
Boundaries: ``historical``
(default) as the source reported the districts, ``current`` rolled up to today's 11.
``drivers`` prints CSV: part, part_name, from_value, to_value, change, lower, upper,
suppressed, one row per part and the total last (``part=total``): what drove the change from
one year to another (the city's over its districts by default; a district's over its crime
categories or event types; or over women and men or age groups); notes go to stderr.

Like ``python -m store``, this entry point uses loaders/ to open the store with its
register; the library modules of indicators/ do not.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from service import analysis, meetings
from service.analysis import (
    BY,
    COLUMNS,
    VALUE_COLUMNS,
    Catalogue,
    Definition,
    DriversError,
    StoreError,
    UnknownRegionError,
    load_catalogue,
)

DB_HELP = "the store's catalog file (default: $DASHBOARD_DB or data/dashboard.sqlite)"
BOUNDARIES = {"current": "today", "historical": "time"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m indicators", description=__doc__.split("\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate every definition; list every problem")
    check.add_argument(
        "--root", type=Path, default=None, help="catalogue folder (default: catalogue/)"
    )
    listing = sub.add_parser("list", help="list the indicators")
    listing.add_argument("--format", choices=["text", "csv"], default="text")
    values = sub.add_parser("values", help="print an indicator's values as CSV")
    values.add_argument("id", help="indicator id, e.g. brott_mot_person")
    values.add_argument("--region", help="a district or municipality, by name or code")
    values.add_argument("--boundaries", choices=sorted(BOUNDARIES), default="historical")
    values.add_argument("--by", choices=["sex", "age_group"], action="append", default=[])
    values.add_argument(
        "--snapshot", metavar="NAME",
        help="the figures as they stood at a saved meeting (python -m store snapshots list)",
    )  # fmt: skip
    values.add_argument("--db", help=DB_HELP)
    drivers = sub.add_parser("drivers", help="split an indicator's change into its parts (CSV)")
    drivers.add_argument("id", help="indicator id, e.g. brott_mot_person")
    drivers.add_argument("--from", dest="start", type=int, required=True, metavar="YEAR")
    drivers.add_argument("--to", dest="end", type=int, required=True, metavar="YEAR")
    drivers.add_argument("--region", help="a district (default: the whole city)")
    drivers.add_argument(
        "--by", choices=list(BY),
        help="region (the city's districts; the default for the city), measure (crime "
        "categories or event types; the default for a district), sex or age_group",
    )  # fmt: skip
    drivers.add_argument("--db", help=DB_HELP)
    return parser


def cmd_check(root: Path | None) -> int:
    catalogue = analysis.check(root)
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


_fmt = analysis.cell_text


def _definition(catalogue: Catalogue, indicator: str) -> Definition | None:
    """The indicator's definition, or None after saying on stderr that there is none."""
    definition = catalogue.definitions.get(indicator)
    if definition is None:
        known = ", ".join(sorted(catalogue.definitions))
        print(f"error: unknown or disabled indicator {indicator!r}; known: {known}",
              file=sys.stderr)  # fmt: skip
    return definition


# What ``values`` prints: the values, then what each status compares with and the change it
# tested ("sedan basåret 2023", "2023", 51, -6, "inom felmarginalen").


def cmd_values(args: argparse.Namespace) -> int:
    catalogue = load_catalogue()
    definition = _definition(catalogue, args.id)
    if definition is None:
        return 1
    try:
        with meetings.open_at(args.snapshot, args.db) as (con, _meeting):
            frame = analysis.values(
                con,
                definition,
                catalogue,
                region=args.region,
                boundaries=BOUNDARIES[args.boundaries],
                by_sex="sex" in args.by,
                by_age="age_group" in args.by,
            )
    except (StoreError, UnknownRegionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(VALUE_COLUMNS)
    for row in frame.reindex(columns=VALUE_COLUMNS).itertuples(index=False):
        writer.writerow([_fmt(v) for v in row])
    if frame.empty:
        print(
            f"note: {definition.id} has no values: nothing loaded covers its measures "
            f"({', '.join(definition.measures)})",
            file=sys.stderr,
        )
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


def cmd_drivers(args: argparse.Namespace) -> int:
    catalogue = load_catalogue()
    definition = _definition(catalogue, args.id)
    if definition is None:
        return 1
    try:
        with meetings.open_at(None, args.db) as (con, _meeting):
            split = analysis.drivers(
                con, definition, catalogue, start=args.start, end=args.end, region=args.region,
                by=args.by,
            )  # fmt: skip
    except (StoreError, UnknownRegionError, DriversError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in split.frame()[COLUMNS].itertuples(index=False):
        writer.writerow([_fmt(v) for v in row])
    print(f"note: {split.region_name}, {split.from_label} to {split.to_label}, by {split.by}",
          file=sys.stderr)  # fmt: skip
    if not split.additive:
        print("note: the parts are each group's own change and do not add up", file=sys.stderr)
    if split.within_margins():
        print("note: every part's change is within its margin (95 %)", file=sys.stderr)
    for note in split.notes:
        print(f"note: {note}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "check":
            return cmd_check(args.root)
        if args.command == "list":
            return cmd_list(args.format)
        if args.command == "drivers":
            return cmd_drivers(args)
        return cmd_values(args)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
