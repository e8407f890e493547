"""Accounts under concurrency: parallel guesses get five attempts in all, an administrator's
change is never undone by a sign-in in flight, and every refusal costs a password check."""

from __future__ import annotations

import threading

import duckdb
import pytest

from access import users as users_module
from access.users import MAX_FAILURES, UserStore
from store import db

PASSWORD = "rätt-lösenord-123"


@pytest.fixture
def accounts(store: duckdb.DuckDBPyConnection) -> UserStore:
    users = UserStore(lambda: db.cursor(store))
    users.add("lisa", "rapportör", PASSWORD)
    return users


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password check made: 'real' against an account's hash, 'decoy' otherwise."""
    made: list[str] = []
    real = users_module._hasher
    decoy = users_module._decoy_hash()

    class Counting:
        def hash(self, password: str) -> str:
            return real.hash(password)

        def verify(self, hash_: str, password: str) -> bool:
            made.append("decoy" if hash_ == decoy else "real")
            return real.verify(hash_, password)

    monkeypatch.setattr(users_module, "_hasher", Counting())
    return made


def _parallel(target, count: int) -> None:  # type: ignore[no-untyped-def]
    start = threading.Barrier(count)

    def run(i: int) -> None:
        start.wait()
        target(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)


@pytest.mark.slow
def test_ten_parallel_wrong_passwords_get_five_attempts(
    accounts: UserStore, checks: list[str]
) -> None:
    results: list[object] = []
    _parallel(lambda i: results.append(accounts.authenticate("lisa", f"fel-{i}-lösenord")), 10)
    assert results == [None] * 10
    assert checks.count("real") == MAX_FAILURES  # the other five never reached the hash
    assert checks.count("decoy") == 10 - MAX_FAILURES  # but took as long
    assert accounts.is_locked("lisa")
    assert accounts.authenticate("lisa", PASSWORD) is None  # locked, even with the password


@pytest.mark.slow
def test_a_disable_is_never_reverted_by_failing_sign_ins(accounts: UserStore) -> None:
    def act(i: int) -> None:
        if i == 0:
            accounts.disable("lisa")
        else:
            accounts.authenticate("lisa", "fel-lösenord-här")

    for _ in range(3):
        _parallel(act, 4)
        assert accounts.find("lisa").disabled  # type: ignore[union-attr]
        accounts.reset_password("lisa", PASSWORD)  # a reset does not enable
        assert accounts.find("lisa").disabled  # type: ignore[union-attr]
    assert accounts.authenticate("lisa", PASSWORD) is None


@pytest.mark.slow
def test_a_refusal_costs_a_password_check_whatever_the_state(
    accounts: UserStore, checks: list[str]
) -> None:
    accounts.add("bo", "läsare", PASSWORD)
    accounts.disable("bo")
    for name in ("okänd", "bo", "x" * 10_000):
        assert accounts.authenticate(name, PASSWORD) is None
    assert checks == ["decoy"] * 3
    assert accounts.authenticate("lisa", PASSWORD) is not None
    assert checks[-1] == "real"
