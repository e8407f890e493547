"""Session tokens: signed, expiring, unreadable when touched; the secret from the
environment or made once and kept in the store."""

from __future__ import annotations

import pytest

from access import tokens
from access.throttle import Throttle
from store import accounts as store_accounts
from tests.conftest import accounts_in

KEY = b"k" * 32
CLAIMS = tokens.Claims("anna", 3, 1_000_000.0, 1_036_000.0)


def test_a_token_reads_back_only_with_its_key_and_before_it_expires() -> None:
    token = tokens.issue(KEY, CLAIMS)
    assert tokens.read(KEY, token, 1_000_001.0) == CLAIMS
    assert tokens.read(b"x" * 32, token, 1_000_001.0) is None
    assert tokens.read(KEY, token, 1_036_000.0) is None  # expired
    assert tokens.read(KEY, token, 999_000.0) is None  # issued in the future
    for broken in ("", "abc", token + ".x", token[:-1], "." + token.split(".")[1], "x" * 3000):
        assert tokens.read(KEY, broken, 1_000_001.0) is None


def test_the_installations_key_is_made_once_and_kept_in_the_store() -> None:
    with accounts_in(":memory:") as users:
        con = users.cursor()

        def keep(value: str) -> str:
            return store_accounts.keep_setting(con, "session_key", value)

        first = tokens.secret(keep)
        assert len(first) == 32 and tokens.secret(keep) == first
        assert store_accounts.setting(con, "session_key") == first.hex()


def test_a_configured_secret_wins_and_must_be_long(monkeypatch: pytest.MonkeyPatch) -> None:
    kept: list[str] = []

    def keep(value: str) -> str:
        kept.append(value)
        return value

    monkeypatch.setenv("DASHBOARD_SESSION_SECRET", "s" * 40)
    assert tokens.secret(keep) == b"s" * 40
    assert kept == []  # nothing made or stored
    monkeypatch.setenv("DASHBOARD_SESSION_SECRET", "kort")
    with pytest.raises(tokens.SecretError, match="at least 32"):
        tokens.secret(keep)


def test_the_throttle_counts_parallel_attempts_and_forgives_a_right_one() -> None:
    now = [0.0]
    throttle = Throttle(limit=3, window=600, clock=lambda: now[0])
    assert [throttle.wait("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert throttle.wait("a") == 600.0
    assert throttle.wait("b") == 0.0
    throttle.forgive("b")
    now[0] = 300.0
    assert throttle.wait("a") == 300.0
    now[0] = 600.0
    assert throttle.wait("a") == 0.0  # the first three aged out
