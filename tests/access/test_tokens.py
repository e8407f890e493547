"""Session tokens: signed, expiring, unreadable when touched; the secret from the
environment or a key file of the owner's only."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from access import tokens
from access.throttle import Throttle

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


def test_the_key_file_is_made_once_and_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "session.key"
    first = tokens.secret(path)
    assert len(first) == 32 and tokens.secret(path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_configured_secret_wins_and_must_be_long(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_SESSION_SECRET", "s" * 40)
    assert tokens.secret(tmp_path / "session.key") == b"s" * 40
    assert not (tmp_path / "session.key").exists()
    monkeypatch.setenv("DASHBOARD_SESSION_SECRET", "kort")
    with pytest.raises(tokens.SecretError, match="at least 32"):
        tokens.secret(tmp_path / "session.key")


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
