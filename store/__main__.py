"""Command line for the store itself.

    python -m store init [--demo] [--db PATH]

``init`` creates the database file and its schema (safe on an existing file) and copies the
region register from data/reference/. With ``--demo`` it also loads the bundled demo data,
exactly as the dashboard does on its first start. No other command fills a store by itself.

This entry point is the one place in store/ that calls into loaders/ (the demo data and
the register are loaded through them); the library modules of store/ import nothing of ours.
"""

from __future__ import annotations

import argparse
import sys

from store import queries
from store.db import StoreError, resolve_db_path

DB_HELP = "database file (default: $DASHBOARD_DB or data/dashboard.duckdb)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m store", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    init = sub.add_parser("init", help="create or migrate the store")
    init.add_argument("--db", help=DB_HELP)
    init.add_argument("--demo", action="store_true", help="also load the bundled demo data")
    args = parser.parse_args(argv)

    from loaders.batch import LoadError
    from loaders.demo import load_demo
    from loaders.reference import ReferenceDataError, open_store

    path = resolve_db_path(args.db)
    try:
        con = open_store(path)
    except (StoreError, ReferenceDataError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        print(f"Store ready at {path} ({len(queries.regions(con))} regions in the register).")
        if args.demo:
            for report in load_demo(con):
                print(report.summary())
    except LoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
