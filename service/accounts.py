"""Accounts and sign-in as the front doors use them: the accounts file, the roles of
identity-provider users, sessions, and the sign-in events in the audit log. Changes of an
account are refused unless the principal is an administrator (on the command line: the
operator at the terminal, who can open the accounts file anyway)."""

from __future__ import annotations

from access.roles import PermissionDenied, Principal, require
from access.sessions import SessionClock, identity, idle_seconds, principal_for
from access.users import AccountError, User, UserStore
from loaders.reference import open_store
from store import audit, db, queries
from store.regions import RegionResolver

__all__ = [
    "AccountError",
    "PermissionDenied",
    "Principal",
    "SessionClock",
    "User",
    "UserStore",
    "identity",
    "idle_seconds",
    "principal_for",
]


def region_names() -> dict[str, str]:
    """District code → name from the register (no store file needed)."""
    con = open_store(":memory:")
    try:
        return queries.region_names(con)
    finally:
        con.close()


def district_codes(names: list[str]) -> list[str]:
    """District names or codes → codes (LookupError naming the closest on a typo)."""
    con = open_store(":memory:")
    try:
        resolver = RegionResolver.from_store(con)
    finally:
        con.close()
    return [resolver.code(d) for d in names]


def change(principal: Principal, users: UserStore, action: str, name: str, **values: object):  # type: ignore[no-untyped-def]
    """Add, disable or reset an account: only an administrator may."""
    require(principal, "accounts")
    if action == "add":
        return users.add(
            name, str(values["role"]), str(values["password"]), values.get("districts")
        )  # type: ignore[arg-type]
    if action == "add_external":
        return users.add_external(name, str(values["role"]), values.get("districts"))  # type: ignore[arg-type]
    if action == "disable":
        return users.disable(name)
    if action == "reset_password":
        return users.reset_password(name, str(values["password"]))
    raise ValueError(f"unknown account change {action}")


def log_event(con, who: str, what: str, detail: str = "") -> None:  # type: ignore[no-untyped-def]
    """A sign-in, refused sign-in, sign-out or time-out, in the audit log (one transaction)."""
    with db.transaction(con):
        audit.record(con, who, what, detail)
