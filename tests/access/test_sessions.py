"""The app ends identity-provider sessions itself: after inactivity (also when the same cookie
comes back in a new tab), at the longest session, and for good after signing out."""

from __future__ import annotations

from pathlib import Path

import pytest

from access.sessions import SessionClock, identity, principal_for
from tests.conftest import accounts_in

HOUR = 3600.0


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHBOARD_IDLE_MINUTES", "30")
    monkeypatch.setenv("DASHBOARD_SESSION_HOURS", "10")


def test_inactivity_ends_the_session_in_every_tab(limits: None) -> None:
    clock = FakeClock(1_000_000.0)
    sessions = SessionClock(clock)
    issued = clock.now
    assert sessions.check("anna@stockholm.se", issued) is None
    clock.now += 29 * 60
    assert sessions.check("anna@stockholm.se", issued) is None  # activity: starts again
    clock.now += 29 * 60
    assert sessions.check("anna@stockholm.se", issued) is None
    clock.now += 31 * 60
    assert sessions.check("anna@stockholm.se", issued) == "ingen aktivitet på en stund"
    # A new tab with the same cookie (same token) does not come back in.
    assert sessions.check("anna@stockholm.se", issued) == "sessionen är avslutad"
    # A new sign-in (a new token) does.
    assert sessions.check("anna@stockholm.se", clock.now) is None


def test_longest_session_counts_from_the_tokens_issue(limits: None) -> None:
    clock = FakeClock(1_000_000.0)
    sessions = SessionClock(clock)
    issued = clock.now - 9 * HOUR
    assert sessions.check("bo@polisen.se", issued) is None
    clock.now += HOUR + 1
    reason = sessions.check("bo@polisen.se", issued)
    assert reason == "inloggningen är äldre än den längsta tillåtna sessionen"


def test_signing_out_ends_that_token_for_good(limits: None) -> None:
    clock = FakeClock(1_000_000.0)
    sessions = SessionClock(clock)
    assert sessions.check("bo@polisen.se", clock.now) is None
    sessions.end("bo@polisen.se", clock.now)
    assert sessions.check("bo@polisen.se", clock.now) == "sessionen är avslutad"


def test_identity_and_role(tmp_path: Path) -> None:
    assert identity({"email": "Anna@Stockholm.se", "sub": "x"}) == "Anna@Stockholm.se"
    assert identity({"preferred_username": "anna", "sub": "x"}) == "anna"
    assert identity({"sub": "abc-123"}) == "abc-123"
    with pytest.raises(ValueError, match="names nobody"):
        identity({"email": " "})
    with accounts_in(":memory:") as users:
        users.add_external("anna@stockholm.se", "administratör")
        users.add_external("bo@stockholm.se", "rapportör", ["80106"])
        users.disable("bo@stockholm.se")
        admin = principal_for({"email": "ANNA@stockholm.se"}, users)
        assert admin is not None and admin.role == "administratör"
        guest = principal_for({"email": "gast@polisen.se"}, users)
        assert guest is not None and (guest.role, guest.districts) == ("läsare", ())
        assert principal_for({"email": "bo@stockholm.se"}, users) is None


def test_each_event_is_first_once_per_sign_in() -> None:
    sessions = SessionClock(FakeClock(1_000_000.0))
    assert sessions.first("inloggning", "bo@polisen.se", 1.0)
    assert not sessions.first("inloggning", "bo@polisen.se", 1.0)  # another tab
    assert sessions.first("nekad", "bo@polisen.se", 1.0)  # another event
    assert sessions.first("inloggning", "bo@polisen.se", 2.0)  # a new sign-in
