"""Local accounts for installations without an identity provider: a JSON file outside the
repository with argon2 password hashes, roles and districts, lockout after repeated failures.

The file's path comes from ``DASHBOARD_USERS`` (default: ``~/.config/samverkan-dashboard/
users.json``). It is written atomically and readable by its owner only. No password or hash is
ever logged, printed or shown.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES = ("läsare", "rapportör", "administratör")
MAX_FAILURES = 5
LOCK_SECONDS = 15 * 60
MIN_PASSWORD = 10

_hasher = PasswordHasher()


def users_path() -> Path:
    configured = os.environ.get("DASHBOARD_USERS")
    if configured:
        return Path(configured)
    return Path.home() / ".config" / "samverkan-dashboard" / "users.json"


class AccountError(ValueError):
    """A refused account operation; the message says why (never with the password)."""


@dataclass
class User:
    name: str
    role: str
    districts: list[str] = field(default_factory=list)  # region codes; empty: city-wide
    password_hash: str = field(default="", repr=False)
    disabled: bool = False
    failures: int = 0
    locked_until: float = 0.0


class UserStore:
    def __init__(self, path: Path | None = None, clock=time.time) -> None:  # type: ignore[no-untyped-def]
        self.path = path or users_path()
        self._clock = clock

    def exists(self) -> bool:
        return self.path.is_file()

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
        users = self._load()
        if _find(users, name) is not None:
            raise AccountError(f"user {name!r} exists already")
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        _check_password(password)
        user = User(
            name=name,
            role=role,
            districts=list(districts or []),
            password_hash=_hasher.hash(password),
        )
        users[name] = user
        self._save(users)
        return user

    def add_external(self, name: str, role: str, districts: list[str] | None = None) -> User:
        """An account that signs in through the identity provider (no password here); the
        name is the identity the provider gives (normally the e-mail address)."""
        users = self._load()
        if _find(users, name) is not None:
            raise AccountError(f"user {name!r} exists already")
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        user = User(name=name, role=role, districts=list(districts or []))
        users[name] = user
        self._save(users)
        return user

    def find(self, name: str) -> User | None:
        """The account with this name, matched without regard to case (e-mail addresses)."""
        return _find(self._load(), name)

    def disable(self, name: str) -> None:
        users = self._load()
        if name not in users:
            raise AccountError(f"no user {name!r}")
        users[name].disabled = True
        self._save(users)

    def reset_password(self, name: str, password: str) -> None:
        users = self._load()
        if name not in users:
            raise AccountError(f"no user {name!r}")
        if not users[name].password_hash:
            raise AccountError(f"{name!r} signs in through the identity provider")
        _check_password(password)
        users[name].password_hash = _hasher.hash(password)
        users[name].failures, users[name].locked_until = 0, 0.0
        self._save(users)

    def authenticate(self, name: str, password: str) -> User | None:
        """The user if the password is right; counts failures and locks the account for
        LOCK_SECONDS after MAX_FAILURES in a row. A locked or disabled account never signs in."""
        users = self._load()
        user = users.get(name)
        if user is None:
            _hasher.hash(password)  # same time as a wrong password: do not reveal names
            return None
        now = self._clock()
        if not user.password_hash:
            _hasher.hash(password)  # signs in through the identity provider only
            return None
        if user.disabled or user.locked_until > now:
            return None
        try:
            _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            user.failures += 1
            if user.failures >= MAX_FAILURES:
                user.locked_until, user.failures = now + LOCK_SECONDS, 0
            self._save(users)
            return None
        if user.failures:
            user.failures = 0
            self._save(users)
        return user

    def is_locked(self, name: str) -> bool:
        user = self._load().get(name)
        return bool(user and user.locked_until > self._clock())


def _find(users: dict[str, User], name: str) -> User | None:
    wanted = name.casefold()
    return next((u for u in users.values() if u.name.casefold() == wanted), None)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
