"""Reminders when the mail server refuses an address (issue 34): every other recipient still
gets theirs, the refused one is reported by the command (exit status 1, with the person and
the server's reason) and logged without the address, and it is tried again at the next run
while nobody else gets a second e-mail."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.remind import main as service_main
from tests.app.test_local_agreements import _Inbox, mail_server, reports_not_handed_in
from tests.conftest import copy_store, release_store

REFUSED = "samordnare.farsta@example.org"


class _Refusing(_Inbox):
    """A mail server that has no mailbox for one address (550 at RCPT TO)."""

    def __init__(self) -> None:
        super().__init__()
        self.refuse = True

    async def handle_RCPT(self, server, session, envelope, address, options):  # type: ignore[no-untyped-def]
        if self.refuse and address == REFUSED:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.mark.slow
def test_a_refused_address_is_reported_and_tried_again_the_others_sent_once(
    demo_db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = copy_store(demo_db_path, tmp_path / "remind.sqlite")
    release_store()
    reports_not_handed_in(db)  # the demo's reporters have overdue reports to be reminded of
    inbox = _Refusing()
    server, secrets = mail_server(inbox, tmp_path)
    command = ["remind", "--db", str(db), "--secrets", str(secrets), "--today", "2026-12-03"]
    try:
        assert service_main(command) == 1
        first = capsys.readouterr()
        inbox.refuse = False  # the address is fixed at the mail server
        assert service_main(command) == 0
        second = capsys.readouterr()
    finally:
        server.stop()
    to = [rcpt[0] for rcpt, _ in inbox.messages]
    # The demo's other example reporter got theirs once; the refused one on the second run.
    assert to.count("samordnare.skarholmen@example.org") == 1
    assert to.count(REFUSED) == 1 and to[-1] == REFUSED
    summary = first.err.strip().splitlines()[-1]
    assert summary.startswith("2026-12-03: 1 reminder(s) sent. 1 refused by the mail server, ")
    assert (
        "Trygghetssamordnaren (exempel) <s…@example.org> (550 5.1.1 Mailbox unavailable)" in summary
    )
    assert REFUSED not in first.out + first.err  # the output shows a masked address only
    assert second.err.strip().splitlines()[-1] == "2026-12-03: 1 reminder(s) sent."
