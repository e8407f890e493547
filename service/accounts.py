"""Accounts and sign-in as the front doors use them: the accounts file, the roles of
identity-provider users, sessions, and the sign-in events in the audit log. Changes of an
account are refused unless the principal is an administrator (on the command line: the
operator at the terminal, who can open the accounts file anyway)."""

from __future__ import annotations

from collections.abc import Mapping

from access.roles import PermissionDenied, Principal, require
from access.sessions import SessionClock, identity, idle_seconds, principal_for
from access.users import AccountError, User, UserStore
from loaders.reference import open_store
from service import session
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
    "logged_name",
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


AUDIT_WORDS = {
    "add": "konto skapat",
    "add_external": "konto skapat",
    "disable": "konto avstängt",
    "reset_password": "lösenord bytt",
}


def change(
    principal: Principal, users: UserStore, action: str, name: str, **values: object
) -> object:
    """Add, disable or reset an account: only an administrator may. The change is written to
    the accounts file (atomically), then recorded in the audit log under the principal's
    name (role and districts, never a password)."""
    require(principal, "accounts")
    districts: list[str] | None = values.get("districts")  # type: ignore[assignment]
    role = str(values.get("role", ""))
    if action == "add":
        result: object = users.add(name, role, str(values["password"]), districts)
    elif action == "add_external":
        result = users.add_external(name, role, districts)
    elif action == "disable":
        result = users.disable(name)
    elif action == "reset_password":
        result = users.reset_password(name, str(values["password"]))
    else:
        raise ValueError(f"unknown account change {action}")
    names = region_names() if districts else {}
    where = f"; {', '.join(names.get(c, c) for c in districts)}" if districts else ""
    detail = f"{name} ({role}{where})" if role else name
    session.record_audit(principal.name, AUDIT_WORDS[action], detail)
    return result


UNKNOWN_NAME = "(okänt namn)"
PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip", "x-forwarded-host")
DEMO_REFUSED = (
    "Inloggning är inte inställd. Utan inloggning (demoläge) kan instrumentpanelen bara "
    "användas direkt på datorn där den körs, inte från en annan dator eller genom en "
    "proxy, eftersom alla då skulle kunna se och ändra allt. Ställ in inloggning enligt "
    "README: lokala konton (python -m store users add NAMN --role ROLL) eller en "
    "identitetsleverantör i .streamlit/secrets.toml."
)


def demo_allowed(client_ip: str | None, headers: Mapping[str, str]) -> bool:
    """Demo mode (no sign-in configured) serves only a client on this computer that came
    straight, not through a proxy: ``client_ip`` is None for a loopback connection
    (Streamlit's ``st.context.ip_address``), and a proxy adds a forwarding header. Anything
    else is refused (fail closed)."""
    if client_ip is not None:
        return False
    present = {str(k).casefold() for k in headers}
    return not any(h in present for h in PROXY_HEADERS)


def logged_name(typed: str, users: UserStore | None = None) -> str:
    """The name a refused sign-in is logged under: the account's name when one has it, else
    a placeholder. What was typed is never logged: it may be a password typed in the wrong
    field."""
    account = (users or UserStore()).find(" ".join(typed.split()))
    return account.name if account is not None else UNKNOWN_NAME


def log_event(con, who: str, what: str, detail: str = "") -> None:  # type: ignore[no-untyped-def]
    """A sign-in, refused sign-in, sign-out or time-out, in the audit log (one transaction)."""
    with db.transaction(con):
        audit.record(con, who, what, detail)
