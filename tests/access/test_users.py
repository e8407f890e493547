"""Local accounts: argon2 hashes in the store, lockout after repeated failures, a command
line that never shows a password or a hash, and the accounts file of earlier versions moved
into the store once."""

from __future__ import annotations

import json
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from access.users import LOCK_SECONDS, MAX_FAILURES, AccountError, UserStore, _hasher
from service.session import open_store
from store import accounts as account_rows
from store import audit, db
from tests import cli

PASSWORD = "ett-långt-lösenord"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    store = open_store(":memory:")
    yield store
    store.close()


def _accounts(con: duckdb.DuckDBPyConnection, clock=time.time) -> UserStore:  # type: ignore[no-untyped-def]
    return UserStore(lambda: db.cursor(con), clock=clock)


@pytest.mark.slow
def test_passwords_are_hashed_with_argon2(con: duckdb.DuckDBPyConnection) -> None:
    users = _accounts(con)
    users.add("anna", "rapportör", PASSWORD, ["80132"])
    rows = account_rows.all_rows(con)
    assert PASSWORD not in repr(rows)
    assert str(rows[0][3]).startswith("$argon2id$")
    assert users.authenticate("anna", PASSWORD).districts == ["80132"]  # type: ignore[union-attr]
    assert users.authenticate("anna", "fel-lösenord-här") is None
    assert users.authenticate("ingen", PASSWORD) is None
    assert "password_hash" not in repr(users.list()[0])


@pytest.mark.slow
def test_lockout_after_repeated_failures(con: duckdb.DuckDBPyConnection) -> None:
    clock = Clock()
    users = _accounts(con, clock=clock)
    users.add("bo", "läsare", PASSWORD)
    for _ in range(MAX_FAILURES):
        assert users.authenticate("bo", "fel-lösenord-här") is None
    assert users.is_locked("bo")
    assert users.authenticate("bo", PASSWORD) is None  # even the right password, while locked
    clock.now += LOCK_SECONDS + 1
    assert users.authenticate("bo", PASSWORD) is not None


def test_rules_for_accounts(con: duckdb.DuckDBPyConnection) -> None:
    users = _accounts(con)
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


def _users(
    tmp_path: Path, *args: str, password: str | None = None, process: bool = False
) -> cli.Result:
    """``python -m store users ARGS`` on a store in tmp_path (in this process, or as a process
    of its own with ``process``); ``password`` on standard input (not a terminal), else
    nothing there."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DASHBOARD_USERS", str(tmp_path / "users.json"))
        env.setenv("DASHBOARD_DB", str(tmp_path / "store.duckdb"))
        call = cli.process if process else cli.run
        return call("store", "users", *args, input=None if password is None else password + "\n")


@pytest.mark.embedded_only
@pytest.mark.slow
def test_command_line_reads_the_password_from_stdin_and_never_prints_it(tmp_path: Path) -> None:
    added = _users(
        tmp_path, "add", "dana", "--role", "rapportör", "--district", "Skärholmen",
        password=PASSWORD, process=True,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    listed = _users(tmp_path, "list", process=True)
    assert listed.stdout.split() == ["dana", "rapportör", "aktivt", "lösenord", "Skärholmen"]
    for output in (added.stdout + added.stderr, listed.stdout + listed.stderr):
        assert PASSWORD not in output and "argon2" not in output
    moved = _users(tmp_path, "set-role", "DANA", "--role", "rapportör", "--district", "Farsta")
    assert moved.returncode == 0, moved.stderr
    assert _users(tmp_path, "list").stdout.split() == ["dana", "rapportör", "aktivt", "lösenord",
                                                       "Farsta"]  # fmt: skip
    # The store holds password hashes: readable by its owner only.
    assert stat.S_IMODE((tmp_path / "store.duckdb").stat().st_mode) == 0o600
    store = open_store(tmp_path / "store.duckdb")
    try:
        assert _accounts(store).authenticate("dana", PASSWORD) is not None
    finally:
        store.close()


@pytest.mark.embedded_only
@pytest.mark.slow
def test_identity_provider_accounts_have_no_password(tmp_path: Path) -> None:
    added = _users(
        tmp_path, "add", "Anna.Berg@stockholm.se", "--role", "rapportör", "--district", "Järva",
        "--external",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    store = open_store(tmp_path / "store.duckdb")
    users = _accounts(store)
    found = users.find("anna.berg@STOCKHOLM.se")
    assert found is not None and (found.role, found.districts) == ("rapportör", ["80132"])
    # No password sign-in for such an account, and no password to reset.
    assert users.authenticate("Anna.Berg@stockholm.se", "") is None
    assert users.list()[0].failures == 0
    with pytest.raises(AccountError, match="identity provider"):
        users.reset_password("Anna.Berg@stockholm.se", PASSWORD)
    with pytest.raises(AccountError, match="exists already"):
        users.add_external("anna.berg@stockholm.se", "läsare")
    store.close()


@pytest.mark.embedded_only
@pytest.mark.slow
def test_account_changes_are_in_the_audit_log(tmp_path: Path) -> None:
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


@pytest.mark.embedded_only
@pytest.mark.slow
def test_an_old_accounts_file_is_moved_into_the_store_once(tmp_path: Path) -> None:
    """Earlier versions kept the accounts in a JSON file: the first start moves them in (with
    their hashes, lockouts and state), logs it, and never reads the file again."""
    old = tmp_path / "users.json"
    old.write_text(json.dumps({"users": [
        {"name": "gun", "role": "rapportör", "districts": ["80132"],
         "password_hash": _hasher.hash(PASSWORD), "disabled": False, "failures": 2,
         "locked_until": 0.0},
        {"name": "hans@stockholm.se", "role": "läsare", "districts": [], "password_hash": "",
         "disabled": True, "failures": 0, "locked_until": 0.0},
    ]}), encoding="utf-8")  # fmt: skip
    listed = _users(tmp_path, "list")
    assert listed.returncode == 0, listed.stderr
    assert [line.split()[:3] for line in listed.stdout.splitlines()] == [
        ["gun", "rapportör", "aktivt"], ["hans@stockholm.se", "läsare", "avstängt"],
    ]  # fmt: skip
    old.write_text(json.dumps({"users": []}), encoding="utf-8")  # not read again
    assert len(_users(tmp_path, "list").stdout.splitlines()) == 2
    store = open_store(tmp_path / "store.duckdb")
    try:
        assert _accounts(store).authenticate("gun", PASSWORD) is not None
        log = audit.entries(store)
    finally:
        store.close()
    assert list(log["what"]) == ["konton flyttade"]
    assert list(log["detail"]) == [f"2 konton från {old}"]
