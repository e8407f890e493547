"""Signed, expiring session cookies for local accounts.

A token is ``payload.signature``: the payload (base64url JSON) names the account, the
account's session epoch when it was issued, and when it was issued and expires; the signature
is HMAC-SHA256 under the installation's secret. A token is taken only with a valid signature,
before its expiry, and (checked by the caller against the account) while the account's
epoch is unchanged: sign-out, disabling and a new password raise the epoch and so end every
session of the account everywhere.

The secret comes from ``DASHBOARD_SESSION_SECRET`` (at least 32 characters), else from the
store's ``setting`` table, where the first server to need it keeps 32 random bytes (so every
process sharing the store signs alike).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass

COOKIE = "samverkan_session"
MIN_SECRET = 32


class SecretError(RuntimeError):
    """The configured secret is unusable (too short)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def secret(keep: Callable[[str], str]) -> bytes:
    """The signing secret: the environment's, else the installation's, which ``keep`` stores
    the first time (given a new random value, it returns the value in force)."""
    configured = os.environ.get("DASHBOARD_SESSION_SECRET")
    if configured is not None:
        if len(configured) < MIN_SECRET:
            raise SecretError(
                f"DASHBOARD_SESSION_SECRET must have at least {MIN_SECRET} characters"
            )
        return configured.encode("utf-8")
    return bytes.fromhex(keep(secrets.token_hex(32)))


@dataclass(frozen=True)
class Claims:
    name: str
    epoch: int
    issued: float
    expires: float


def issue(key: bytes, claims: Claims) -> str:
    payload = json.dumps(
        # Issued to the millisecond: it also tells two sign-ins of one account apart (the
        # idle clock is kept per sign-in).
        {
            "n": claims.name,
            "e": claims.epoch,
            "i": round(claims.issued, 3),
            "x": int(claims.expires),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")
    body = _b64(payload)
    return f"{body}.{_b64(hmac.new(key, body.encode('ascii'), hashlib.sha256).digest())}"


def read(key: bytes, token: str | None, now: float) -> Claims | None:
    """The claims of a genuine, unexpired token; None for anything else (never raises)."""
    if not token or len(token) > 2000 or token.count(".") != 1:
        return None
    body, signature = token.split(".")
    try:
        expected = _b64(hmac.new(key, body.encode("ascii"), hashlib.sha256).digest())
        # The signature exactly as issued (not merely one that decodes to the same bytes).
        if not hmac.compare_digest(expected.encode("ascii"), signature.encode("ascii")):
            return None
        data = json.loads(_unb64(body))
        claims = Claims(str(data["n"]), int(data["e"]), float(data["i"]), float(data["x"]))
    except (ValueError, KeyError, TypeError, UnicodeError):
        return None
    if claims.expires <= now or claims.issued > now + 60:
        return None
    return claims
