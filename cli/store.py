"""Command line for the store itself.

    python -m store init [--demo] [--db PATH]
    python -m store export DIR [--db PATH]
    python -m store import DIR --db NEW_PATH
    python -m store backup DIR [--db PATH]
    python -m store restore DIR --db NEW_PATH
    python -m store snapshots create NAME [--date YYYY-MM-DD] | list [--db PATH]
    python -m store maintain [--keep-days N] [--db PATH]
    python -m store examples [--remove] [--db PATH]
    python -m store examples --prepare
    python -m store users add NAME --role ROLE [--district NAME] [--external] | list
                          | disable NAME | enable NAME
                          | set-role NAME --role ROLE [--district NAME]
                          | reset-password NAME

``init`` creates the database file and its schema (safe on an existing file) and copies the
region register from data/reference/. With ``--demo`` it also loads the bundled demo data,
exactly as the dashboard does on its first start. No other command fills a store by itself.
``export`` writes every table as Parquet with a manifest (schema version, row counts);
``import`` reads such a folder into a new store file in one transaction, checked by the counts.
``backup`` copies the store's catalog and data folder together into a new folder (saved
meetings kept, which an export cannot carry); ``restore`` puts such a folder back as a new
store and checks every table's count and the meetings against it.
``snapshots create`` keeps the figures as they stand now under a meeting's name (pages, the
year-end summary and ``indicators values --snapshot`` show them as of it); ``maintain`` compacts
the files and forgets unnamed snapshots older than ``--keep-days`` (meetings are kept).
``examples`` lists what the bundled demo data and the example follow-up put in the store;
with ``--remove`` it removes them in one audited step (the demo's batches with their rows, and
every row marked as an example), then refreshes the indicator results. ``--prepare`` builds
the demo store from its files with its results into ``data/demo/prepared/`` (commit it), which
a first start copies into place in one step while it is current (issue 36).

This entry point is the one place in store/ that calls into loaders/ (the demo data and
the register are loaded through them); the library modules of store/ import nothing of ours.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from service import accounts, failures, loads, meetings, results, session

DB_HELP = "the store's catalog file (default: $DASHBOARD_DB or data/dashboard.sqlite)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m store", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    init = sub.add_parser("init", help="create or migrate the store")
    init.add_argument("--db", help=DB_HELP)
    init.add_argument("--demo", action="store_true", help="also load the bundled demo data")
    export = sub.add_parser("export", help="write every table as Parquet to a new folder")
    export.add_argument("folder", type=Path)
    export.add_argument("--db", help=DB_HELP)
    taken = sub.add_parser("backup", help="catalog and data folder into a new folder")
    taken.add_argument("folder", type=Path)
    taken.add_argument("--db", help=DB_HELP)
    back = sub.add_parser("restore", help="a backup as a new store, checked")
    back.add_argument("folder", type=Path)
    back.add_argument("--db", required=True, help="the new store's catalog file")
    load = sub.add_parser("import", help="read an export into a new store file")
    load.add_argument("folder", type=Path)
    load.add_argument("--db", help="the new store file (must not exist)")
    snaps = sub.add_parser("snapshots", help="meetings: the figures kept as they stood")
    snaps_sub = snaps.add_subparsers(dest="action", required=True)
    create = snaps_sub.add_parser("create", help="keep the store as it stands now")
    create.add_argument("name", help='the meeting\'s name, e.g. "Styrgrupp 2026-12-02"')
    create.add_argument("--date", type=_iso_date, help="the meeting's date (default: today)")
    snaps_list = snaps_sub.add_parser("list", help="list the saved meetings")
    for action in (create, snaps_list):
        action.add_argument("--db", help=DB_HELP)
    maintain = sub.add_parser("maintain", help="compact files, forget old unnamed snapshots")
    maintain.add_argument(
        "--keep-days", type=int, default=7,
        help="keep every snapshot this many days (default 7); meetings are always kept",
    )  # fmt: skip
    maintain.add_argument("--db", help=DB_HELP)
    examples = sub.add_parser("examples", help="the demo data and examples; --remove them")
    examples.add_argument("--remove", action="store_true", help="remove them (audited)")
    examples.add_argument(
        "--prepare", action="store_true",
        help="build data/demo/prepared/, the demo store a first start copies in",
    )  # fmt: skip
    examples.add_argument("--db", help=DB_HELP)
    users = sub.add_parser("users", help="local accounts (in the store)")
    users_sub = users.add_subparsers(dest="action", required=True)
    add = users_sub.add_parser("add", help="add an account; the password is asked twice")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=list(accounts.ROLES))
    add.add_argument("--district", action="append", default=[], help="a district it may change")
    add.add_argument(
        "--external",
        action="store_true",
        help="signs in through the identity provider ([auth] in secrets.toml): NAME is the "
        "e-mail address it gives; no password is kept",
    )
    listing = users_sub.add_parser("list", help="list the accounts")
    disable = users_sub.add_parser("disable", help="disable an account")
    disable.add_argument("name")
    reset = users_sub.add_parser("reset-password", help="set a new password")
    reset.add_argument("name")
    enable = users_sub.add_parser("enable", help="let a disabled account sign in again")
    enable.add_argument("name")
    role = users_sub.add_parser("set-role", help="give an account another role and districts")
    role.add_argument("name")
    role.add_argument("--role", required=True, choices=list(accounts.ROLES))
    role.add_argument("--district", action="append", default=[], help="a district it may change")
    for action in (add, listing, disable, reset, enable, role):
        action.add_argument("--db", help=DB_HELP)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "users":
        return users_command(args)
    if args.command in ("export", "import"):
        return transfer_command(args)
    if args.command in ("snapshots", "maintain"):
        return snapshot_command(args)
    if args.command == "examples":
        return examples_command(args)
    if args.command in ("backup", "restore"):
        return backup_command(args)

    path = session.db_path(args.db)
    try:
        reports = session.init(path, demo=args.demo)
    except (loads.StoreError, loads.ReferenceDataError, loads.LoadError) as exc:
        print(f"error: {failures.message(exc)}", file=sys.stderr)  # a full disk said as such
        return 1
    print(f"Store ready at {session.describe(path)}.")
    for report in reports:
        print(report.summary())  # type: ignore[attr-defined]
    return 0


def transfer_command(args: argparse.Namespace) -> int:
    path = session.db_path(args.db)
    try:
        if args.command == "export":
            counts = session.export_store(args.folder, path)
            verb = f"Exported {path} to {args.folder}"
        else:
            counts = session.import_store(args.folder, path)
            verb = f"Imported {args.folder} into {path}"
    except loads.StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{verb}: {len(counts)} tables, {sum(counts.values())} rows.")
    for name, rows in counts.items():
        print(f"  {name}: {rows}")
    return 0


def backup_command(args: argparse.Namespace) -> int:
    path = session.db_path(args.db)
    if args.command == "backup":
        manifest = session.backup_store(args.folder, path)
        verb = f"Backed up {path} into {args.folder}"
    else:
        manifest = session.restore_store(args.folder, path)
        verb = f"Restored {args.folder} as {path} (every table and meeting checked)"
    tables = manifest["tables"]
    assert isinstance(tables, dict)
    meetings = manifest["meetings"]
    assert isinstance(meetings, list)
    print(f"{verb}: {len(tables)} tables, {sum(tables.values())} rows, {len(meetings)} "
          f"meetings, snapshot {manifest['snapshot']}.")  # fmt: skip
    return 0


def examples_command(args: argparse.Namespace) -> int:
    if args.prepare:
        manifest = loads.prepare_demo()
        rows = manifest["tables"]
        assert isinstance(rows, dict)
        print(
            f"Prepared the demo store in {loads.PREPARED}: {sum(rows.values())} rows, "
            f"inputs {str(manifest['inputs'])[:12]}. Commit it."
        )
        return 0
    path = session.db_path(args.db)
    con = session.open_store(path)
    try:
        if not args.remove:
            rows = loads.example_rows(con)
            print(f"Demo data and examples in {path}: {sum(rows.values())} rows.")
            for table, n in rows.items():
                print(f"  {table}: {n}")
            print("Remove them with: python -m store examples --remove")
            return 0
        removed = loads.remove_examples(con, loads.operator())
        print(f"Removed the demo data and examples from {path}: {sum(removed.values())} rows.")
        for table, n in removed.items():
            print(f"  {table}: {n}")
        done = results.refresh_connection(con)
        if done is not None:
            print(results.report(done))
    finally:
        con.close()
    return 0


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-12-02") from None


def snapshot_command(args: argparse.Namespace) -> int:
    con = session.open_store(session.db_path(args.db))
    try:
        if args.command == "maintain":
            done = meetings.maintain(con, args.keep_days)
            print(
                f"Maintained {session.db_path(args.db)}: {done.expired} snapshots older than "
                f"{args.keep_days} days forgotten, {done.kept_for_meetings} kept for meetings, "
                f"{done.files_deleted} files deleted."
            )
        elif args.action == "create":
            meeting = meetings.save_in(con, loads.operator(), args.name, args.date or date.today())
            print(f"Saved meeting {meeting.name!r} ({meeting.meeting_date:%Y-%m-%d}) as "
                  f"snapshot {meeting.snapshot_id}.")  # fmt: skip
        else:
            for m in meetings.listed(con):
                print(f"{m.meeting_date:%Y-%m-%d}  {m.name:<40} snapshot {m.snapshot_id:<6} "
                      f"{m.saved_by}, {m.saved_at:%Y-%m-%d %H:%M}")  # fmt: skip
    except loads.StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        con.close()
    return 0


def _password() -> str:
    """Asked twice at a terminal (never echoed); read from standard input otherwise."""
    import getpass

    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Lösenord: ")
    if getpass.getpass("Lösenordet igen: ") != first:
        raise SystemExit("error: the passwords differ; nothing was changed")
    return first


def users_command(args: argparse.Namespace) -> int:
    con = session.open_store(session.db_path(args.db))
    try:
        return _users_command(args, accounts.users(con))
    finally:
        con.close()


def _users_command(args: argparse.Namespace, users: accounts.UserStore) -> int:
    operator = loads.operator()
    try:
        if args.action == "list":
            for row in accounts.account_rows(users):
                print(f"{row['Namn']:<24} {row['Roll']:<16} {row['Status']:<9} "
                      f"{row['Inloggning']:<27} {row['Stadsdelsområden']}")  # fmt: skip
            return 0
        if args.action == "disable":
            accounts.change(operator, users, "disable", args.name)
            print(f"Disabled {args.name}.")
            return 0
        if args.action == "set-role":
            codes = accounts.district_codes(args.district) if args.district else []
            accounts.change(operator, users, "set_role", args.name, role=args.role,
                            districts=codes)  # fmt: skip
            print(f"{args.name} is now {args.role}.")
            return 0
        if args.action == "enable":
            accounts.change(operator, users, "enable", args.name)
            print(f"Enabled {args.name}: it can sign in again.")
            return 0
        codes = []
        if args.action == "add" and args.district:
            codes = accounts.district_codes(args.district)
        if args.action == "add" and args.external:
            accounts.change(
                operator, users, "add_external", args.name, role=args.role, districts=codes
            )
            print(f"Added {args.name} ({args.role}, identity provider).")
            return 0
        password = _password()
        if args.action == "add":
            accounts.change(
                operator,
                users,
                "add",
                args.name,
                role=args.role,
                password=password,
                districts=codes,
            )
            print(f"Added {args.name} ({args.role}).")
        else:
            accounts.change(operator, users, "reset_password", args.name, password=password)
            print(f"New password set for {args.name}.")
    except (accounts.AccountError, LookupError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
