"""Local accounts (and the roles of identity-provider users) in the store's ``account``
table: argon2 password hashes, roles and districts, lockout after repeated failures, the
session epoch. Every change is one transaction on one row. No password or hash is ever
logged, printed or shown.

``DASHBOARD_USERS`` (default ``~/.config/samverkan-dashboard/users.json``) names the accounts
file of earlier versions: when the store has no accounts yet, its accounts are moved in once.
"""

from __future__ import annotations

import functools
import json
import os
import secrets
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TypeVar

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from access.roles import ROLES
from store import accounts
from store.db import StoreConflictError, transaction

T = TypeVar("T")

MAX_NAME = 80
MAX_PASSWORD = 200
MAX_FAILURES = 5
LOCK_SECONDS = 15 * 60
MIN_PASSWORD = 10

_hasher = PasswordHasher()


@functools.cache
def _decoy_hash() -> str:
    """A hash no password matches: verified against on every refusal that needs no real
    check (no such name, locked, disabled), so a refusal takes as long as a wrong
    password and the account's state does not show in the time."""
    return _hasher.hash(secrets.token_urlsafe(32))


def prepare_refusals() -> None:
    """Make the decoy hash now (before the first refusal, which would otherwise take longer)."""
    _decoy_hash()


def users_path() -> Path:
    configured = os.environ.get("DASHBOARD_USERS")
    if configured:
        return Path(configured)
    return Path.home() / ".config" / "samverkan-dashboard" / "users.json"


class AccountError(ValueError):
    """A refused account operation; the message says why (never with the password), in
    English for the command line and in Swedish (``swedish``) for the page."""

    def __init__(self, message: str, swedish: str) -> None:
        super().__init__(message)
        self.swedish = swedish


@dataclass
class User:
    name: str
    role: str
    districts: list[str] = field(default_factory=list)  # region codes; empty: city-wide
    password_hash: str = field(default="", repr=False)
    disabled: bool = False
    failures: int = 0
    locked_until: float = 0.0
    # Raised at sign-out, disabling and a new password: every session cookie issued with an
    # older value is refused, in every browser and server process.
    epoch: int = 0


Cursor = Callable[[], duckdb.DuckDBPyConnection]
RETRIES = 50


def _user(row: tuple[object, ...]) -> User:
    name, role, districts, password_hash, disabled, failures, locked_until, epoch = row
    return User(
        name=str(name), role=str(role), districts=[str(d) for d in (districts or [])],  # type: ignore[attr-defined]
        password_hash=str(password_hash), disabled=bool(disabled), failures=int(failures),  # type: ignore[call-overload]
        locked_until=float(locked_until), epoch=int(epoch),  # type: ignore[arg-type, call-overload]
    )  # fmt: skip


class UserStore:
    """The accounts in the store's ``account`` table. ``cursor`` gives a cursor of its own
    for each operation (DuckDB refuses one connection used from two threads at once); every
    change is one transaction on one row, retried when a parallel one changed the same row."""

    def __init__(self, cursor: Cursor, clock=time.time, reader: Cursor | None = None) -> None:  # type: ignore[no-untyped-def]
        self._cursor = cursor
        self._clock = clock
        # Where the lookups of every page load read (exists, list, find): the in-memory copy
        # of the store when the caller has one; changes always go to the store itself.
        self._read = reader or cursor

    def _write(self, change: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        for attempt in range(RETRIES):
            con = self._cursor()
            try:
                with transaction(con):
                    return change(con)
            except (duckdb.TransactionException, StoreConflictError):
                if attempt == RETRIES - 1:
                    raise
                time.sleep(0.005 * (attempt + 1))
        raise AssertionError("unreachable")

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor on the store the accounts are in (to log a change there)."""
        return self._cursor()

    def exists(self) -> bool:
        """True when there is any account (sign-in is then required)."""
        return accounts.count(self._read()) > 0

    def list(self) -> list[User]:
        return [_user(r) for r in accounts.all_rows(self._read())]

    def find(self, name: str) -> User | None:
        """The account with this name, matched without regard to case (e-mail addresses)."""
        row = accounts.find(self._read(), name)
        return _user(row) if row else None

    def add(self, name: str, role: str, password: str, districts: list[str] | None = None) -> User:
        _check_name(name)
        _check_role(role)
        _check_password(password)
        return self._add(name, role, list(districts or []), _hasher.hash(password))

    def add_external(self, name: str, role: str, districts: list[str] | None = None) -> User:
        """An account that signs in through the identity provider (no password here); the
        name is the identity the provider gives (normally the e-mail address)."""
        _check_name(name)
        _check_role(role)
        return self._add(name, role, list(districts or []), "")

    def _add(self, name: str, role: str, districts: list[str], hashed: str) -> User:
        def change(con: duckdb.DuckDBPyConnection) -> User:
            existing = accounts.find(con, name)
            if existing is not None:
                raise AccountError(
                    f"user {existing[0]!r} exists already",
                    f"Det finns redan ett konto som heter {existing[0]}.",
                )
            accounts.insert(con, name, role, districts, hashed)
            return User(name=name, role=role, districts=districts, password_hash=hashed)

        return self._write(change)

    def _real(self, name: str) -> str:
        """The account's own spelling of ``name`` (names match without regard to case)."""
        found = self.find(name)
        if found is None:
            raise _no_user(name)
        return found.name

    def disable(self, name: str) -> None:
        real = self._real(name)
        if not self._write(lambda con: accounts.disable(con, real)):
            raise _no_user(name)

    def set_role(self, name: str, role: str, districts: list[str] | None = None) -> None:
        """A new role and districts, in force at the account's next page load."""
        _check_role(role)
        real = self._real(name)
        if not self._write(lambda con: accounts.set_role(con, real, role, list(districts or []))):
            raise _no_user(name)

    def enable(self, name: str) -> None:
        """A disabled account signs in again (its lockout forgotten)."""
        real = self._real(name)
        if not self._write(lambda con: accounts.enable(con, real)):
            raise _no_user(name)

    def end_sessions(self, name: str) -> int:
        """Sign-out everywhere: the account's sessions (every cookie issued so far) end.
        Returns the new epoch."""
        found = self.find(name)
        if found is None:
            raise _no_user(name)
        epoch = self._write(lambda con: accounts.end_sessions(con, found.name))
        if epoch is None:
            raise _no_user(name)
        return epoch

    def reset_password(self, name: str, password: str) -> None:
        _check_password(password)
        hashed = _hasher.hash(password)
        name = self._real(name)

        def change(con: duckdb.DuckDBPyConnection) -> None:
            row = accounts.find(con, name)
            if row is None or row[0] != name:
                raise _no_user(name)
            if not row[3]:
                raise AccountError(
                    f"{name!r} signs in through the identity provider",
                    f"{name} loggar in via organisationens inloggning och har inget lösenord här.",
                )
            accounts.set_password(con, name, hashed)

        self._write(change)

    def authenticate(self, name: str, password: str) -> User | None:
        """The user if the password is right. Each attempt is counted as a failure before the
        password is checked (and forgiven when it is right), in one statement on the
        account's row, so parallel guesses get MAX_FAILURES attempts in all before the account
        locks for LOCK_SECONDS. A locked or disabled account never signs in; every refusal
        takes the time of a password check."""
        if len(name) > MAX_NAME or len(password) > MAX_PASSWORD:
            return self._refuse(password[:MAX_PASSWORD])
        found = self.find(name)
        if found is None:
            return self._refuse(password)
        name = found.name  # names match without regard to case
        now = self._clock()
        stored_hash = self._write(
            lambda con: accounts.count_attempt(con, name, now, MAX_FAILURES, LOCK_SECONDS)
        )
        if stored_hash is None:
            return self._refuse(password)
        try:
            _hasher.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        if not self._write(lambda con: accounts.forgive(con, name, stored_hash)):
            return None  # disabled or changed meanwhile: that change wins
        return self.find(name)

    @staticmethod
    def _refuse(password: str) -> None:
        with suppress(VerificationError, InvalidHashError):
            _hasher.verify(_decoy_hash(), password)
        return None

    def is_locked(self, name: str) -> bool:
        user = self.find(name)
        return bool(user and user.locked_until > self._clock())

    def import_file(self, path: Path) -> int:
        """Move the accounts of an old accounts file (JSON) into the store, when the store has
        none; returns how many. The file is left as it was (and is not read again)."""
        data = json.loads(path.read_text(encoding="utf-8"))
        fields = {f for f in User.__dataclass_fields__}

        def change(con: duckdb.DuckDBPyConnection) -> int:
            if accounts.count(con):
                return 0
            for entry in data.get("users", []):
                user = User(**{k: v for k, v in entry.items() if k in fields})
                accounts.insert_row(con, asdict(user))
            return len(data.get("users", []))

        return self._write(change)


def _no_user(name: str) -> AccountError:
    return AccountError(f"no user {name!r}", f"Det finns inget konto som heter {name}.")


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(
            f"role must be one of {', '.join(ROLES)}", f"Rollen ska vara en av {', '.join(ROLES)}."
        )


def _check_name(name: str) -> None:
    if not name.strip() or len(name) > MAX_NAME:
        raise AccountError(
            f"the name must have 1 to {MAX_NAME} characters",
            f"Namnet ska ha 1 till {MAX_NAME} tecken.",
        )


def _check_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise AccountError(
            f"the password must have {MIN_PASSWORD} to {MAX_PASSWORD} characters",
            f"Lösenordet ska ha {MIN_PASSWORD} till {MAX_PASSWORD} tecken.",
        )
