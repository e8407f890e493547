"""Local accounts for installations without an identity provider: a JSON file outside the
repository with argon2 password hashes, roles and districts, lockout after repeated failures.

The file's path comes from ``DASHBOARD_USERS`` (default: ``~/.config/samverkan-dashboard/
users.json``). It is written atomically and readable by its owner only. No password or hash is
ever logged, printed or shown.
"""

from __future__ import annotations

import fcntl
import functools
import json
import os
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES = ("läsare", "rapportör", "administratör")
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


class UserStore:
    def __init__(self, path: Path | None = None, clock=time.time) -> None:  # type: ignore[no-untyped-def]
        self.path = path or users_path()
        self._clock = clock

    def exists(self) -> bool:
        return self.path.is_file()

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Every read-modify-write of the file under one lock (processes and threads): a
        sign-in never writes back a copy read before an administrator's change."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _load(self) -> dict[str, User]:
        if not self.path.is_file():
            return {}
        data = json.loads(self.path.read_text(encoding="utf-8"))
        return {u["name"]: User(**u) for u in data.get("users", [])}

    def _save(self, users: dict[str, User]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps(
            {"users": [asdict(u) for u in users.values()]}, ensure_ascii=False, indent=1
        )
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".users-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload)
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)

    def list(self) -> list[User]:
        return sorted(self._load().values(), key=lambda u: u.name)

    def add(self, name: str, role: str, password: str, districts: list[str] | None = None) -> User:
        _check_name(name)
        if role not in ROLES:
            raise AccountError(
                f"role must be one of {', '.join(ROLES)}",
                f"Rollen ska vara en av {', '.join(ROLES)}.",
            )
        _check_password(password)
        hashed = _hasher.hash(password)
        with self._locked():
            users = self._load()
            if _find(users, name) is not None:
                raise AccountError(
                    f"user {name!r} exists already", f"Det finns redan ett konto som heter {name}."
                )
            user = User(name=name, role=role, districts=list(districts or []), password_hash=hashed)
            users[name] = user
            self._save(users)
        return user

    def add_external(self, name: str, role: str, districts: list[str] | None = None) -> User:
        """An account that signs in through the identity provider (no password here); the
        name is the identity the provider gives (normally the e-mail address)."""
        _check_name(name)
        if role not in ROLES:
            raise AccountError(
                f"role must be one of {', '.join(ROLES)}",
                f"Rollen ska vara en av {', '.join(ROLES)}.",
            )
        with self._locked():
            users = self._load()
            if _find(users, name) is not None:
                raise AccountError(
                    f"user {name!r} exists already", f"Det finns redan ett konto som heter {name}."
                )
            user = User(name=name, role=role, districts=list(districts or []))
            users[name] = user
            self._save(users)
        return user

    def find(self, name: str) -> User | None:
        """The account with this name, matched without regard to case (e-mail addresses)."""
        return _find(self._load(), name)

    def disable(self, name: str) -> None:
        with self._locked():
            users = self._load()
            if name not in users:
                raise AccountError(f"no user {name!r}", f"Det finns inget konto som heter {name}.")
            users[name].disabled = True
            users[name].epoch += 1
            self._save(users)

    def end_sessions(self, name: str) -> int:
        """Sign-out everywhere: the account's sessions (every cookie issued so far) end.
        Returns the new epoch."""
        with self._locked():
            users = self._load()
            user = _find(users, name)
            if user is None:
                raise AccountError(f"no user {name!r}", f"Det finns inget konto som heter {name}.")
            user.epoch += 1
            self._save(users)
            return user.epoch

    def reset_password(self, name: str, password: str) -> None:
        _check_password(password)
        hashed = _hasher.hash(password)
        with self._locked():
            users = self._load()
            if name not in users:
                raise AccountError(f"no user {name!r}", f"Det finns inget konto som heter {name}.")
            if not users[name].password_hash:
                raise AccountError(
                    f"{name!r} signs in through the identity provider",
                    f"{name} loggar in via organisationens inloggning och har inget lösenord här.",
                )
            users[name].password_hash = hashed
            users[name].failures, users[name].locked_until = 0, 0.0
            users[name].epoch += 1
            self._save(users)

    def authenticate(self, name: str, password: str) -> User | None:
        """The user if the password is right. Each attempt is counted as a failure before the
        password is checked (and forgiven when it is right), under the file lock, so
        parallel guesses get MAX_FAILURES attempts in all before the account locks for
        LOCK_SECONDS. A locked or disabled account never signs in; every refusal takes the
        time of a password check."""
        if len(name) > MAX_NAME or len(password) > MAX_PASSWORD:
            return self._refuse(password[:MAX_PASSWORD])
        with self._locked():
            users = self._load()
            user = users.get(name)
            now = self._clock()
            usable = (
                user is not None
                and bool(user.password_hash)
                and not user.disabled
                and user.locked_until <= now
            )
            if usable:
                assert user is not None
                user.failures += 1  # this attempt, until it proves right
                if user.failures >= MAX_FAILURES:
                    user.locked_until, user.failures = now + LOCK_SECONDS, 0
                stored_hash = user.password_hash
                self._save(users)
        if not usable:
            return self._refuse(password)
        try:
            _hasher.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        with self._locked():
            users = self._load()
            user = users.get(name)
            if user is None or user.disabled or user.password_hash != stored_hash:
                return None  # disabled or changed meanwhile: that change wins
            user.failures, user.locked_until = 0, 0.0
            self._save(users)
        return user

    @staticmethod
    def _refuse(password: str) -> None:
        with suppress(VerificationError, InvalidHashError):
            _hasher.verify(_decoy_hash(), password)
        return None

    def is_locked(self, name: str) -> bool:
        user = self._load().get(name)
        return bool(user and user.locked_until > self._clock())


def _find(users: dict[str, User], name: str) -> User | None:
    wanted = name.casefold()
    return next((u for u in users.values() if u.name.casefold() == wanted), None)


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
