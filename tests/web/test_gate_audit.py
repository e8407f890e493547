"""Every sign-in event through the real front gate reaches the store's audit log (issue 34):
the gate and the session as the server runs them, nothing replaced, and the log read back
through a new connection, as another process (the Logg page of another instance) reads it.
The gate used to write these events through the pages' in-memory read copy, where they were
thrown away; its other test (test_gate.py) hands it the writer and could not see that."""

from __future__ import annotations

import pytest

from access.sessions import SessionClock
from access.throttle import Throttle
from service import accounts, session
from store import audit, db
from tests.conftest import accounts_in, release_store
from tests.web.test_gate import LOCAL, PASSWORD, _client, _sign_in


def _log(path: str) -> list[tuple[str, str]]:
    """The store's audit log, oldest first, through a connection of its own."""
    release_store(keep=frozenset())  # the gate's connections let go of, as at a restart
    con = db.connect(path)
    try:
        rows = audit.entries(con)
        return list(zip(rows["who"], rows["what"], strict=True))[::-1]
    finally:
        con.close()


def test_sign_ins_refusals_throttling_and_time_outs_are_in_the_store(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(session.db_path())
    with accounts_in(path) as users:
        users.add("anna", "rapportör", PASSWORD)
    monkeypatch.setattr(accounts, "THROTTLE", Throttle(limit=3))
    now = [accounts.time.time()]
    monkeypatch.setattr(accounts, "CLOCK", SessionClock(lambda: now[0]))

    anna = _client(LOCAL)
    assert _sign_in(anna, "anna", PASSWORD).status_code == 303
    guesser = _client(("10.9.9.9", 1234))
    assert _sign_in(guesser, "anna", "fel-lösenord").status_code == 401
    assert _sign_in(guesser, "bertil", "gissning-1").status_code == 401
    assert _sign_in(guesser, "cecilia", "gissning-2").status_code == 401
    assert _sign_in(guesser, "anna", PASSWORD).status_code == 429
    # Idle past the limit: the next request is sent to sign in again, and that is logged.
    assert anna.get("/logg").status_code == 200
    now[0] += 3 * 3600
    assert anna.get("/logg", headers={"accept": "text/html"}).status_code == 303

    log = _log(path)
    assert log.count(("anna", "inloggning")) == 1
    assert log.count(("anna", "misslyckad inloggning")) == 1
    assert log.count((accounts.UNKNOWN_NAME, "misslyckad inloggning")) == 2
    assert log.count(("anna", "inloggning stoppad")) == 1
    assert [w for who, w in log if who == "anna" and w.startswith("utloggad:")] == [
        "utloggad: ingen aktivitet på en stund"
    ]
    # Nothing typed in the form is in the log (a password typed in the name field).
    assert not any("gissning" in who or "bertil" in who for who, _ in log)
    # And each is a line of the operator's log (the gate set it up), with nothing typed.
    err = capsys.readouterr().err
    assert " INFO samverkan.audit: inloggning by anna (" in err
    assert (
        err.count(f" INFO samverkan.audit: misslyckad inloggning by {accounts.UNKNOWN_NAME} (") == 2
    )
    assert " INFO samverkan.audit: inloggning stoppad by anna (" in err
    assert "utloggad: ingen aktivitet på en stund by anna (" in err
    assert "gissning" not in err and "bertil" not in err and PASSWORD not in err
