"""When a signed-in session ends, for both kinds of sign-in.

Streamlit keeps the identity provider's cookie for 30 days and never looks at the token's
times, so the app ends sessions itself: after ``DASHBOARD_IDLE_MINUTES`` without activity and
at the latest ``DASHBOARD_SESSION_HOURS`` after the identity provider issued the token
(its ``iat`` claim). Activity is remembered per identity and token on the server, so a new
browser tab with the same cookie does not start the idle clock again.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from access.roles import Principal
from access.users import UserStore

IDENTITY_CLAIMS = ("email", "preferred_username", "upn", "sub")
ENDED = "sessionen är avslutad"  # the reason given again after a session has ended


def idle_seconds() -> int:
    return int(float(os.environ.get("DASHBOARD_IDLE_MINUTES", "30")) * 60)


def max_session_seconds() -> int:
    return int(float(os.environ.get("DASHBOARD_SESSION_HOURS", "10")) * 3600)


def identity(claims: Mapping[str, object]) -> str:
    """The name the audit log records for an identity-provider user: the e-mail address, else
    the user name the provider gives, else its subject id."""
    for claim in IDENTITY_CLAIMS:
        value = claims.get(claim)
        if isinstance(value, str) and value.strip():
            return value.strip()
    raise ValueError("the identity token names nobody (no email, preferred_username or sub)")


def principal_for(claims: Mapping[str, object], users: UserStore) -> Principal | None:
    """The role of an identity-provider user: their account in the store (matched
    without regard to case), else läsare, since viewing is for everyone the provider lets in.
    None when their entry is disabled."""
    name = identity(claims)
    user = users.find(name)
    if user is None:
        return Principal(name, "läsare")
    if user.disabled:
        return None
    return Principal(name, user.role, tuple(user.districts))


@dataclass
class SessionClock:
    """The last activity per identity and token (one per sign-in), shared by every session of
    the server process."""

    clock: Callable[[], float] = time.time

    def __post_init__(self) -> None:
        self._seen: dict[tuple[str, float], float] = {}
        self._ended: set[tuple[str, float]] = set()
        self._logged: set[tuple[str, str, float]] = set()
        self._lock = threading.Lock()

    def check(self, name: str, issued_at: float | None) -> str | None:
        """None while the session may go on (and then counts this as activity), else the
        reason it ended, in Swedish."""
        now = self.clock()
        key = (name, float(issued_at or 0.0))
        with self._lock:
            if key in self._ended:
                return ENDED
            reason = None
            last = self._seen.get(key)
            if last is not None and now - last > idle_seconds():
                reason = "ingen aktivitet på en stund"
            if issued_at is not None and now - float(issued_at) > max_session_seconds():
                reason = "inloggningen är äldre än den längsta tillåtna sessionen"
            if reason:
                self.end_locked(key)
                return reason
            self._seen[key] = now
        return None

    def first(self, event: str, name: str, issued_at: float | None) -> bool:
        """True the first time this server process sees ``event`` for this sign-in (identity
        and token): the moment to log it, once, however many tabs and reloads follow."""
        key = (event, name, float(issued_at or 0.0))
        with self._lock:
            if key in self._logged:
                return False
            self._logged.add(key)
            return True

    def end(self, name: str, issued_at: float | None) -> None:
        """Sign-out: this token is not taken again, even from another tab with the cookie."""
        with self._lock:
            self.end_locked((name, float(issued_at or 0.0)))

    def end_locked(self, key: tuple[str, float]) -> None:
        self._seen.pop(key, None)
        self._ended.add(key)
