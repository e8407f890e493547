"""Local accounts: argon2 hashes in a file only its owner reads, lockout after repeated
failures, and a command line that never shows a password or a hash."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from access.users import LOCK_SECONDS, MAX_FAILURES, AccountError, UserStore
from tests.conftest import ROOT

PASSWORD = "ett-långt-lösenord"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_passwords_are_hashed_with_argon2(tmp_path: Path) -> None:
    users = UserStore(tmp_path / "users.json")
    users.add("anna", "rapportör", PASSWORD, ["80132"])
    text = (tmp_path / "users.json").read_text(encoding="utf-8")
    assert PASSWORD not in text
    stored = json.loads(text)["users"][0]
    assert stored["password_hash"].startswith("$argon2id$")
    assert stat.S_IMODE((tmp_path / "users.json").stat().st_mode) == 0o600
    assert users.authenticate("anna", PASSWORD).districts == ["80132"]  # type: ignore[union-attr]
    assert users.authenticate("anna", "fel-lösenord-här") is None
    assert users.authenticate("ingen", PASSWORD) is None
    assert "password_hash" not in repr(users.list()[0])


def test_lockout_after_repeated_failures(tmp_path: Path) -> None:
    clock = Clock()
    users = UserStore(tmp_path / "users.json", clock=clock)
    users.add("bo", "läsare", PASSWORD)
    for _ in range(MAX_FAILURES):
        assert users.authenticate("bo", "fel-lösenord-här") is None
    assert users.is_locked("bo")
    assert users.authenticate("bo", PASSWORD) is None  # even the right password, while locked
    clock.now += LOCK_SECONDS + 1
    assert users.authenticate("bo", PASSWORD) is not None


def test_rules_for_accounts(tmp_path: Path) -> None:
    users = UserStore(tmp_path / "users.json")
    with pytest.raises(AccountError, match="10 to 200 characters"):
        users.add("cy", "läsare", "kort")
    with pytest.raises(AccountError, match="role must be one of"):
        users.add("cy", "chef", PASSWORD)
    users.add("cy", "administratör", PASSWORD)
    with pytest.raises(AccountError, match="exists already"):
        users.add("cy", "läsare", PASSWORD)
    users.disable("cy")
    assert users.authenticate("cy", PASSWORD) is None
    users.reset_password("cy", "ett-annat-långt-lösenord")
    assert users.list()[0].disabled


def _users(tmp_path: Path, *args: str, password: str | None = None) -> subprocess.CompletedProcess:
    """``python -m store users ARGS`` with the accounts file in tmp_path; ``password`` on
    standard input (not a terminal), else nothing there."""
    return subprocess.run(
        [sys.executable, "-m", "store", "users", *args],
        input=None if password is None else password + "\n",
        stdin=subprocess.DEVNULL if password is None else None,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={
            "DASHBOARD_USERS": str(tmp_path / "users.json"),
            "DASHBOARD_DB": str(tmp_path / "store.duckdb"),
            "PATH": "/usr/bin:/bin",
        },
        check=False,
    )


def test_command_line_reads_the_password_from_stdin_and_never_prints_it(tmp_path: Path) -> None:
    added = _users(
        tmp_path, "add", "dana", "--role", "rapportör", "--district", "Skärholmen",
        password=PASSWORD,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    listed = _users(tmp_path, "list")
    assert listed.stdout.split() == ["dana", "rapportör", "aktiv", "lösenord", "Skärholmen"]
    for output in (added.stdout + added.stderr, listed.stdout + listed.stderr):
        assert PASSWORD not in output and "argon2" not in output
    assert UserStore(tmp_path / "users.json").authenticate("dana", PASSWORD) is not None


def test_identity_provider_accounts_have_no_password(tmp_path: Path) -> None:
    added = _users(
        tmp_path, "add", "Anna.Berg@stockholm.se", "--role", "rapportör", "--district", "Järva",
        "--external",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    users = UserStore(tmp_path / "users.json")
    found = users.find("anna.berg@STOCKHOLM.se")
    assert found is not None and (found.role, found.districts) == ("rapportör", ["80132"])
    # No password sign-in for such an account, and no password to reset.
    assert users.authenticate("Anna.Berg@stockholm.se", "") is None
    assert users.list()[0].failures == 0
    with pytest.raises(AccountError, match="identity provider"):
        users.reset_password("Anna.Berg@stockholm.se", PASSWORD)
    with pytest.raises(AccountError, match="exists already"):
        users.add_external("anna.berg@stockholm.se", "läsare")


def test_account_changes_are_in_the_audit_log(tmp_path: Path) -> None:
    from loaders.reference import open_store
    from store import audit

    assert _users(tmp_path, "add", "erik", "--role", "rapportör", "--district", "Järva",
                  password=PASSWORD).returncode == 0  # fmt: skip
    assert _users(tmp_path, "disable", "erik").returncode == 0
    con = open_store(tmp_path / "store.duckdb")
    try:
        log = audit.entries(con)
    finally:
        con.close()
    assert [(r.what, r.detail) for r in log.itertuples()] == [
        ("konto avstängt", "erik"),
        ("konto skapat", "erik (rapportör; Järva)"),
    ]
    assert PASSWORD not in " ".join(log["detail"])
