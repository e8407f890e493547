"""Command line for loading files into the store.

    python -m loaders load SOURCE FILE [--db PATH] [--user NAME] [--skip-unknown-regions]
    python -m loaders load survey FILE [--mapping FILE] [--dry-run] [--user NAME]
    python -m loaders fetch polisen [--times N] [--db PATH] [--user NAME]
    python -m loaders template survey OUT.xlsx
    python -m loaders undo BATCH_ID [--db PATH] [--user NAME]
    python -m loaders batches [--db PATH]
    python -m loaders compact [--db PATH] [--user NAME]

Exits 0 on success (also when the file was already loaded), 1 when the file cannot be
loaded (nothing is stored), 2 on wrong usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from service import failures, loads, results
from service.loads import (
    Fetcher,
    LoadError,
    ReferenceDataError,
    StoreError,
    UploadRefused,
    load_catalogue,
)
from service.session import open_store

DB_HELP = "the store's catalog file (default: $DASHBOARD_DB or data/dashboard.sqlite)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m loaders", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    load = sub.add_parser("load", help="load one file as one batch")
    load.add_argument("source", choices=loads.SOURCES, help="which format")
    load.add_argument("file", type=Path, help="the file as the publisher made it")
    load.add_argument("--db", help=DB_HELP)
    load.add_argument("--user", default=None, help="who loads (default: the login name)")
    load.add_argument("--year", type=int, help="the year of a population table that states none")
    load.add_argument("--mapping", type=Path, help="survey: mapping of a respondent-level file")
    load.add_argument(
        "--dry-run", action="store_true", help="survey: validate and preview, write nothing"
    )
    load.add_argument("--example", action="store_true", help="survey: mark as example data")
    load.add_argument(
        "--skip-unknown-regions",
        action="store_true",
        help="load the rest of a file whose region names are partly unknown, and list them",
    )

    fetch = sub.add_parser("fetch", help="fetch a live API response and load it")
    fetch.add_argument("source", choices=["polisen"], help="which API")
    fetch.add_argument("--times", type=int, default=1, help="calls, at least 10 s apart")
    fetch.add_argument("--db", help=DB_HELP)
    fetch.add_argument("--user", default=None, help="who loads (default: the login name)")

    template = sub.add_parser("template", help="write the Excel template for uploads")
    template.add_argument("kind", choices=["survey"])
    template.add_argument("out", type=Path, help="the .xlsx file to write")

    undo = sub.add_parser("undo", help="undo a batch: the values it replaced come back")
    undo.add_argument("batch_id", type=int)
    undo.add_argument("--db", help=DB_HELP)
    undo.add_argument("--user", default=None, help="who undoes (default: the login name)")

    listing = sub.add_parser("batches", help="list the loaded batches")
    listing.add_argument("--db", help=DB_HELP)

    compact = sub.add_parser(
        "compact", help="delete the police counts that no undo can bring back any more"
    )
    compact.add_argument("--db", help=DB_HELP)
    compact.add_argument("--user", default=None, help="who does it (default: the login name)")
    return parser


def _refresh_results(con: duckdb.DuckDBPyConnection) -> None:
    """Store the indicator results the write changed (see service.results)."""
    done = results.refresh_connection(con)
    if done is not None:
        print(results.report(done))


def cmd_load(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        print(f"error: {args.file}: no such file", file=sys.stderr)
        return 1
    if args.source == "survey":
        return cmd_survey(args)
    con = open_store(args.db)
    try:
        options = loads.options_for(
            args.source, skip_unknown_regions=args.skip_unknown_regions, year=args.year
        )
        if args.mapping or args.dry_run or args.example:
            raise SystemExit("error: --mapping, --dry-run and --example apply to survey files")
        report = loads.load_file(con, loads.operator(args.user), args.source, args.file, **options)
        print(report.summary())
        _refresh_results(con)
    except LoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        con.close()
    return 0


def cmd_fetch(args: argparse.Namespace, fetcher: Fetcher | None = None) -> int:
    fetcher = fetcher or Fetcher()
    con = open_store(args.db)
    try:
        for _ in range(max(1, args.times)):
            try:
                path = fetcher.fetch()
            except OSError as exc:
                print(f"error: the police API did not answer: {exc}", file=sys.stderr)
                return 1
            print(f"Saved the response to {path}.")
            try:
                report = loads.load_file(con, loads.operator(args.user), "polisen", path)
            except LoadError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 1
            print(report.summary())
        _refresh_results(con)
    finally:
        con.close()
    return 0


def cmd_survey(args: argparse.Namespace) -> int:
    catalogue = load_catalogue()
    mapping = loads.Mapping.from_file(args.mapping) if args.mapping else None
    con = open_store(args.db)
    try:
        try:
            prepared = loads.prepare_survey(con, args.file, catalogue, mapping)
        except UploadRefused as exc:
            print(f"error: {args.file}: {exc}", file=sys.stderr)
            return 1
        for finding in prepared.table.findings:
            stream = sys.stderr if finding.level == "fel" else sys.stdout
            print(finding, file=stream)
        if prepared.table.errors:
            print(f"error: {args.file}: {len(prepared.table.errors)} fel; inget lästes in.",
                  file=sys.stderr)  # fmt: skip
            return 1
        if prepared.already_loaded is not None:
            b = prepared.already_loaded
            print(f"error: {args.file}: filen är redan inläst som sats {b.id} "
                  f"({b.loaded_by}, {str(b.loaded_at)[:16]}).", file=sys.stderr)  # fmt: skip
            return 1
        counts = prepared.counts()
        print(f"Förhandsgranskning: {counts['new']} nya värden, {counts['replaced']} ersätter "
              f"lagrade, {counts['unchanged']} oförändrade.")  # fmt: skip
        for row in prepared.preview[prepared.preview["Ändring"] == "ersätter"].itertuples():
            print(f"  rad {row.Rad}: {row.Område} {row.År} {row.Mått} ({row.Kön}, "
                  f"{row.Åldersgrupp}): {row._9:g} → {row._7:g}")  # fmt: skip
        if args.dry_run:
            print("Provkörning: inget skrevs.")
            return 0
        report = loads.commit_survey(
            con, loads.operator(args.user), prepared, catalogue, example=args.example
        )
        print(report.summary())
        _refresh_results(con)
    finally:
        con.close()
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    loads.template(args.out)
    print(f"Wrote the template to {args.out}.")
    return 0


def cmd_undo(args: argparse.Namespace) -> int:
    con = open_store(args.db)
    try:
        restored = loads.undo(con, loads.operator(args.user), args.batch_id)
        back = f"; batch(es) {', '.join(map(str, restored))} are in force again" if restored else ""
        print(f"Undid batch {args.batch_id}{back}.")
        _refresh_results(con)
    except UploadRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        con.close()
    return 0


def cmd_compact(args: argparse.Namespace) -> int:
    con = open_store(args.db)
    try:
        deleted = loads.compact(con, loads.operator(args.user))
    finally:
        con.close()
    print(f"Removed {deleted} replaced counts of the police's events (the results are unchanged).")
    return 0


def cmd_batches(args: argparse.Namespace) -> int:
    con = open_store(args.db)
    try:
        rows = loads.batches(con)
    finally:
        con.close()
    if not rows:
        print("No batches loaded.")
        return 0
    header = (
        f"{'id':>4}  {'source':<20} {'state':<10} {'rows':>7}  {'loaded_at':<19}  {'by':<12} file"
    )
    print(header)
    for b in rows:
        when = str(b.loaded_at)[:19]
        print(
            f"{b.id:>4}  {b.source:<20} {b.state:<10} {b.row_count:>7}  {when:<19}  "
            f"{b.loaded_by:<12} {b.file_name}"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "load":
            return cmd_load(args)
        if args.command == "fetch":
            return cmd_fetch(args)
        if args.command == "template":
            return cmd_template(args)
        if args.command == "undo":
            return cmd_undo(args)
        if args.command == "compact":
            return cmd_compact(args)
        return cmd_batches(args)
    except (StoreError, ReferenceDataError) as exc:
        print(f"error: {failures.message(exc)}", file=sys.stderr)  # a full disk said as such
        return 1
