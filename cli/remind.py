"""Reminders of the årshjul and alerts by e-mail, for daily timers:

    python -m service remind [--db PATH] [--secrets FILE] [--today YYYY-MM-DD] [--dry-run]
    python -m service alerts [--db PATH] [--secrets FILE] [--today YYYY-MM-DD] [--dry-run]

``alerts`` e-mails the subscribers (page Bevakningar) of what changed since its last run: a
verdict turned to a significant deterioration, a target slipped, a district's report returned
with comments; each change once. Its first run records what it sees and sends nothing.

Sends one e-mail per person who answers for an item that is due within the configured days
(catalogue/arshjul.yaml) or overdue: the reporters of a district's local agreement for its
reports and revision, an action's contact person for its end date. Each item is reminded
once before its date and at most once a week after it; nobody gets two e-mails the same day,
so running it again the same day sends nothing. The SMTP server is read from the ``[smtp]``
table of .streamlit/secrets.toml (host, port, sender; username, password, starttls, ssl
optional). Each e-mail sent is recorded (and audited) right after it went; a failure stops
the run with what was sent so far recorded.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import smtplib
import sys
import tomllib
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from service import alerts as alerting
from service import calendar, session

SECRETS = Path(".streamlit") / "secrets.toml"


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    sender: str
    username: str = ""
    password: str = ""
    starttls: bool = False
    ssl: bool = False


LOG = logging.getLogger("service.remind")


def smtp_settings(path: Path) -> Smtp:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise calendar.RuleBroken(f"no SMTP settings: {path} does not exist (see README)") from exc
    except tomllib.TOMLDecodeError as exc:
        raise calendar.RuleBroken(f"{path} is not valid TOML: {exc}") from exc
    table = data.get("smtp")
    if not isinstance(table, dict) or not table.get("host") or not table.get("sender"):
        raise calendar.RuleBroken(f"{path} has no [smtp] table with host and sender (see README)")
    return Smtp(
        host=str(table["host"]),
        port=int(table.get("port", 587 if table.get("starttls", True) else 25)),
        sender=str(table["sender"]),
        username=str(table.get("username", "")),
        password=str(table.get("password", "")),
        starttls=bool(table.get("starttls", False)),
        ssl=bool(table.get("ssl", False)),
    )


def _connect(settings: Smtp) -> smtplib.SMTP:
    if settings.ssl:
        server: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=30)
    else:
        server = smtplib.SMTP(settings.host, settings.port, timeout=30)
        if settings.starttls:
            server.starttls()
    if settings.username:
        server.login(settings.username, settings.password)
    return server


def remind(args: argparse.Namespace) -> int:
    today = date.fromisoformat(args.today) if args.today else date.today()
    settings = calendar.config()
    smtp = None if args.dry_run else smtp_settings(Path(args.secrets))
    con = session.open_store(session.db_path(args.db))
    try:
        due = calendar.reminders(con, today, settings)
        if not due:
            print(f"{today}: no reminders due.", file=sys.stderr)
            return 0
        if args.dry_run:
            for reminder in due:
                subject, _body = calendar.message_text(reminder, today)
                print(f"{reminder.name} <{_masked(reminder.recipient)}>\t{subject}")
            return 0
        assert smtp is not None
        server = _connect(smtp)
        sent = 0
        refused: list[str] = []
        try:
            for reminder in due:
                subject, body = calendar.message_text(reminder, today)
                message = _message(smtp, reminder.recipient, subject, body)
                who = f"{reminder.name} <{_masked(reminder.recipient)}>"
                try:
                    server.send_message(message)
                except smtplib.SMTPRecipientsRefused as exc:
                    # This address only: the others still get theirs, and this one is tried
                    # again at the next run (it is not recorded as sent).
                    code, why = next(iter(exc.recipients.values()), (0, b""))
                    reason = (
                        f"{code} {why.decode(errors='replace') if isinstance(why, bytes) else why}"
                    )
                    refused.append(f"{who} ({reason.strip()})")
                    LOG.warning("reminder refused by the mail server: %s (%s)", who, reason.strip())
                    continue
                calendar.record_sent(con, reminder, today)
                sent += 1
                print(f"{who}\t{subject}")
        finally:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                server.quit()
        summary = f"{today}: {sent} reminder(s) sent."
        if refused:
            summary += (
                f" {len(refused)} refused by the mail server, to be tried again at the next "
                f"run: {'; '.join(refused)}."
            )
        print(summary, file=sys.stderr)
        return 1 if refused else 0
    finally:
        con.close()


def alerts(args: argparse.Namespace) -> int:
    """Send the alerts due (see the module's text); the states seen are recorded after the
    e-mails went, so a failure sends the rest at the next run, never one twice."""
    today = date.fromisoformat(args.today) if args.today else date.today()
    smtp = None if args.dry_run else smtp_settings(Path(args.secrets))
    path = session.db_path(args.db)
    con = session.open_store(path)
    try:
        frames = alerting.frames_on(con)
        due, changed = alerting.due(con, frames, today)
        if args.dry_run:
            for alert in due:
                subject, _body = alerting.message_text(alert, today)
                print(f"{alert.name} <{_masked(alert.recipient)}>\t{subject}")
            print(f"{today}: {len(due)} alert(s) due, {len(changed)} state(s) changed.",
                  file=sys.stderr)  # fmt: skip
            return 0
        sent = 0
        if due:
            assert smtp is not None
            server = _connect(smtp)
            try:
                for alert in due:
                    subject, body = alerting.message_text(alert, today)
                    server.send_message(_message(smtp, alert.recipient, subject, body))
                    alerting.record_sent(con, alert, today)
                    sent += 1
                    print(f"{alert.name} <{_masked(alert.recipient)}>\t{subject}")
            finally:
                with contextlib.suppress(smtplib.SMTPException, OSError):
                    server.quit()
        alerting.record_states(con, changed)
        print(f"{today}: {sent} alert(s) sent; {len(changed)} state(s) recorded.", file=sys.stderr)
        return 0
    finally:
        con.close()


def _message(smtp: Smtp, recipient: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=smtp.sender.rpartition("@")[2] or None)
    message.set_content(body, charset="utf-8")
    return message


def _masked(address: str) -> str:
    """An e-mail address as the output shows it (the log keeps no addresses): its first
    letter and its domain, enough for the operator to know whose it is."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}…@{domain}" if domain else "…"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m service", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("remind", help="send the årshjul's reminders by e-mail")
    command.add_argument("--db", help="the store's catalog file (default: $DASHBOARD_DB)")
    command.add_argument("--secrets", default=str(SECRETS), help="the TOML file with [smtp]")
    command.add_argument("--today", help="the date to remind as of (default: today)")
    command.add_argument("--dry-run", action="store_true", help="list, send nothing")
    command = commands.add_parser("alerts", help="e-mail the subscribers of what changed")
    command.add_argument("--db", help="the store's catalog file (default: $DASHBOARD_DB)")
    command.add_argument("--secrets", default=str(SECRETS), help="the TOML file with [smtp]")
    command.add_argument("--today", help="the date to send as of (default: today)")
    command.add_argument(
        "--dry-run", action="store_true", help="list, send nothing, record nothing"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return alerts(args) if args.command == "alerts" else remind(args)
