"""Accounts and sign-in as the front doors use them: the accounts in the store, the roles of
identity-provider users, sessions, and the sign-in events in the audit log. Changes of an
account are refused unless the principal is an administrator (on the command line: the
operator at the terminal, who can open the store file anyway)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass

import duckdb

from access import tokens
from access.roles import ROLES, PermissionDenied, Principal, require
from access.sessions import (
    ENDED,
    SessionClock,
    identity,
    idle_seconds,
    max_session_seconds,
    principal_for,
)
from access.throttle import Throttle
from access.users import (
    MAX_NAME,
    AccountError,
    User,
    UserStore,
    prepare_refusals,
    users_path,
)
from loaders.demo import DEMO_USER
from service import session
from service.session import open_store
from service.writes import REAL_DATA_SETTING
from store import accounts as store_accounts
from store import audit, db, loading, queries, reference_data
from store.regions import RegionResolver

__all__ = [
    "MAX_NAME",
    "ROLES",
    "SESSION_COOKIE",
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
        return reference_data.region_names(con)
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
    "end_sessions": "inloggningar avslutade",
    "enable": "konto aktiverat",
    "set_role": "roll ändrad",
}


def change(
    principal: Principal, users: UserStore, action: str, name: str, **values: object
) -> object:
    """Add, disable or reset an account: only an administrator may. The change is written to
    the store (one transaction on the account's row), then recorded in the audit log under
    the principal's name (role and districts, never a password)."""
    require(principal, "accounts")
    if action == "set_role" and name.casefold() == principal.name.casefold():
        raise AccountError(
            "you cannot change your own role",
            "Du kan inte ändra din egen roll (be en annan administratör).",
        )
    if action == "disable" and name.casefold() == principal.name.casefold():
        raise AccountError(
            "you cannot disable your own account",
            "Du kan inte stänga av ditt eget konto (be en annan administratör).",
        )
    districts: list[str] | None = values.get("districts")  # type: ignore[assignment]
    role = str(values.get("role", ""))
    if districts and role in ("läsare", "administratör"):
        raise AccountError(
            f"districts apply to a rapportör only (a {role} sees or changes everything)",
            f"Stadsdelsområden gäller bara en rapportör; en {role} ser "
            + ("allt." if role == "läsare" else "och ändrar allt."),
        )
    if action == "add":
        result: object = users.add(name, role, str(values["password"]), districts)
    elif action == "add_external":
        result = users.add_external(name, role, districts)
    elif action == "disable":
        result = users.disable(name)
    elif action == "reset_password":
        result = users.reset_password(name, str(values["password"]))
    elif action == "end_sessions":
        result = users.end_sessions(name)
    elif action == "enable":
        result = users.enable(name)
    elif action == "set_role":
        result = users.set_role(name, role, districts)
    else:
        raise ValueError(f"unknown account change {action}")
    names = reference_data.region_names(users.cursor()) if districts else {}
    where = f"; {', '.join(names.get(c, c) for c in districts)}" if districts else ""
    detail = f"{name} ({role}{where})" if role else name
    log_event(users.cursor(), principal.name, AUDIT_WORDS[action], detail)
    return result


def current_districts(users: UserStore) -> dict[str, str]:
    """Today's districts, name → code (for choosing a rapportör's districts), from the
    register of the accounts' store."""
    frame = reference_data.regions(users.cursor(), ("district",))
    today = frame[frame["valid_to"].isna()].sort_values("name")
    return dict(zip(today["name"], today["code"], strict=True))


def account_rows(users: UserStore, now: float | None = None) -> list[dict[str, str]]:
    """The accounts as Konton and ``store users list`` show them, in Swedish; never a hash."""
    names = reference_data.region_names(users.cursor())
    moment = time.time() if now is None else now
    rows = []
    for user in users.list():
        if user.disabled:
            status = "avstängt"
        elif user.locked_until > moment:
            status = "låst till " + time.strftime("%H:%M", time.localtime(user.locked_until))
        else:
            status = "aktivt"
        rows.append({
            "Namn": user.name,
            "Roll": user.role,
            "Stadsdelsområden": ", ".join(names.get(c, c) for c in user.districts) or "hela staden",
            "Inloggning": "lösenord" if user.password_hash else "organisationens inloggning",
            "Status": status,
        })  # fmt: skip
    return rows


UNKNOWN_NAME = "(okänt namn)"
# Headers a proxy adds: any of them, or any header of these families, means the request did
# not come straight from this computer (issue 34: Via and X-Original-URL passed before).
PROXY_HEADERS = ("forwarded", "via", "x-real-ip", "x-client-ip", "true-client-ip",
                 "cf-connecting-ip", "client-ip", "x-cluster-client-ip")  # fmt: skip
PROXY_HEADER_FAMILIES = ("x-forwarded-", "x-original-", "x-envoy-", "x-proxy-")
DEMO_REFUSED = (
    "Inloggning är inte inställd. Utan inloggning (demoläge) kan instrumentpanelen bara "
    "användas direkt på datorn där den körs, inte från en annan dator eller genom en "
    "proxy, eftersom alla då skulle kunna se och ändra allt. Ställ in inloggning enligt "
    "README: lokala konton (python -m store users add NAMN --role ROLL) eller en "
    "identitetsleverantör i .streamlit/secrets.toml."
)
SERVER_REFUSED = (
    "Inloggning är inte inställd, men databasen är en delad databas (serverläge, "
    "DASHBOARD_CATALOG). Demoläget, där alla kan se och ändra allt, gäller bara en egen "
    "databas på den här datorn. Ställ in inloggning enligt README: lägg upp ett konto "
    "(python -m store users add NAMN --role administratör) eller en identitetsleverantör i "
    ".streamlit/secrets.toml."
)
REAL_DATA_REFUSED = (
    "Inloggning är inte inställd, och databasen innehåller uppgifter som lästs in från "
    "kommandoraden, en schemalagd hämtning eller av ett konto. Demoläget, där alla kan se och "
    "ändra allt, gäller bara en databas med demodata och det som lagts in här i demoläget. "
    "Ställ in inloggning enligt README: lägg upp ett konto (python -m store users add NAMN "
    "--role administratör) eller en identitetsleverantör i .streamlit/secrets.toml."
)
REAL_DATA_WARNING = (
    "Databasen innehåller uppgifter som inte är demodata, och inloggning är inte inställd: "
    "alla som når sidan på den här datorn kan se och ändra dem. Ställ in inloggning enligt "
    "README innan riktiga uppgifter används (python -m store users add NAMN --role "
    "administratör), och ta bort demodata med python -m store examples --remove."
)


def proxied(headers: Mapping[str, str]) -> bool:
    """Whether a request carries any header a proxy adds (fail closed: any of them)."""
    present = {str(k).casefold() for k in headers}
    return any(h in PROXY_HEADERS or h.startswith(PROXY_HEADER_FAMILIES) for h in present)


def demo_allowed(client_ip: str | None, headers: Mapping[str, str]) -> bool:
    """Demo mode (no sign-in configured) serves only a client on this computer that came
    straight, not through a proxy: ``client_ip`` is None for a loopback connection
    (Streamlit's ``st.context.ip_address``), and a proxy adds a forwarding header. Anything
    else is refused (fail closed)."""
    return client_ip is None and not proxied(headers)


def demo_refusal(client_ip: str | None, headers: Mapping[str, str]) -> str | None:
    """None when demo mode may serve this request, else why not in Swedish: a client that
    is not straight on this computer (:func:`demo_allowed`), or a server's shared store
    (``DASHBOARD_CATALOG``: a city's installation is never in demo mode, issue 34)."""
    if not demo_allowed(client_ip, headers):
        return DEMO_REFUSED
    if db.server_catalog() is not None:
        return SERVER_REFUSED
    reader = session.cursor()
    try:
        if store_accounts.setting(reader, REAL_DATA_SETTING) is not None:
            return REAL_DATA_REFUSED
    finally:
        reader.close()
    return None


def other_than_demo_data() -> bool:
    """Whether the store holds a batch the bundled demo data did not load (demo mode then
    warns on every page: data that may be real, open to anyone at this computer)."""
    reader = session.cursor()
    try:
        return not loading.only_loaded_by(reader, DEMO_USER)
    finally:
        reader.close()


def logged_name(typed: str, known: UserStore | None = None) -> str:
    """The name a refused sign-in is logged under: the account's name when one has it, else
    a placeholder. What was typed is never logged: it may be a password typed in the wrong
    field."""
    account = (known or users()).find(" ".join(typed.split()))
    return account.name if account is not None else UNKNOWN_NAME


def log_event(con, who: str, what: str, detail: str = "") -> None:  # type: ignore[no-untyped-def]
    """A sign-in, refused sign-in, sign-out or time-out, in the audit log (one transaction)."""
    with db.transaction(con):
        audit.record(con, who, what, detail)


# --- Local accounts' sessions: a signed, expiring cookie (see access.tokens) -------------

SESSION_COOKIE = tokens.COOKIE
CLOCK = SessionClock()  # idle time per sign-in, shared by the server process
THROTTLE = Throttle()  # refused sign-ins per client address
REFUSED = "Fel namn eller lösenord, eller så är kontot låst eller avstängt."


def throttled(seconds: float) -> str:
    minutes = max(1, round(seconds / 60))
    return (
        "För många misslyckade inloggningar från den här datorn. "
        f"Försök igen om {minutes} {'minut' if minutes == 1 else 'minuter'}."
    )


def prepare() -> None:
    """Before the first request: the decoy hash every refusal checks against is made now, so
    the first refused sign-in does not take longer than the others."""
    prepare_refusals()


def trust_proxy() -> bool:
    """``DASHBOARD_TRUST_PROXY=1``: the dashboard is reached only through a reverse proxy on
    this computer that sets X-Forwarded-For to the client's own address (deploy/nginx.conf)."""
    return os.environ.get("DASHBOARD_TRUST_PROXY", "") == "1"


def throttle_key(client: str | None, headers: Mapping[str, str]) -> str:
    """Whom refused sign-ins are counted against: the client's address. uvicorn takes that
    address from X-Forwarded-For when the request comes from this computer, so unless a proxy
    is declared trusted every forwarded request shares one key: a local client cannot pick a
    fresh address for each guess."""
    forwarded = any(str(h).casefold() in PROXY_HEADERS for h in headers)
    if forwarded and not trust_proxy():
        return "vidarebefordrad"
    return client or "127.0.0.1"


_KEPT_KEYS: dict[str, str] = {}  # the store's session key, read once per process and store


def _key() -> bytes:
    def keep(value: str) -> str:
        where = str(session.db_path())
        if where not in _KEPT_KEYS:
            con = users().cursor()
            with db.transaction(con):
                _KEPT_KEYS[where] = store_accounts.keep_setting(con, "session_key", value)
        return _KEPT_KEYS[where]

    return tokens.secret(keep)


_MOVED: set[str] = set()


def users(con: duckdb.DuckDBPyConnection | None = None) -> UserStore:
    """The accounts in the process's store (or in ``con``'s, for a command line). The first
    time, an accounts file of an earlier version (``DASHBOARD_USERS``) is moved in when the
    store has no accounts (and logged)."""
    if con is None:
        store = UserStore(
            lambda: db.cursor(session.connection()), reader=lambda: session.current_cursor()
        )
        key = str(session.db_path())
    else:
        held = con
        store = UserStore(lambda: db.cursor(held))
        # By the store's file, not the connection's id: an id is reused once a connection is
        # gone, and a later store in the same process was then taken as already moved.
        key = f"cli:{queries.store_identity(con) or id(con)}"
    if key not in _MOVED:
        _MOVED.add(key)
        old = users_path()
        if old.is_file():
            moved = store.import_file(old)
            if moved:
                log_event(store.cursor(), "system", "konton flyttade",
                          f"{moved} konton från {old}")  # fmt: skip
    return store


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in: the principal and its session cookie, or a message."""

    principal: Principal | None
    cookie: str | None
    message: str
    lifetime: int = 0


def sign_in(con, name: str, password: str, client: str) -> SignIn:  # type: ignore[no-untyped-def]
    """Check a local account's password (throttled per client address, locked per account
    after repeated failures) and issue its session cookie. Every outcome is logged, a refused
    one under the account's name or a placeholder, never what was typed."""
    name = " ".join(name.split())
    store = users()
    wait = THROTTLE.wait(client)
    if wait:
        log_event(con, logged_name(name, store), "inloggning stoppad", "för många försök")
        return SignIn(None, None, throttled(wait))
    user = store.authenticate(name, password)
    if user is None:
        log_event(con, logged_name(name, store), "misslyckad inloggning")
        return SignIn(None, None, REFUSED)
    THROTTLE.forgive(client)
    now = time.time()
    lifetime = max_session_seconds()
    cookie = tokens.issue(_key(), tokens.Claims(user.name, user.epoch, now, now + lifetime))
    log_event(con, user.name, "inloggning")
    return SignIn(Principal(user.name, user.role, tuple(user.districts)), cookie, "", lifetime)


@dataclass(frozen=True)
class Session:
    principal: Principal
    issued: float


def session_of(cookie: str | None) -> Session | None:
    """The principal a session cookie stands for: genuine, unexpired, its account present,
    not disabled, and not signed out since (the account's epoch). None for anything else."""
    claims = tokens.read(_key(), cookie, time.time())
    if claims is None:
        return None
    user = users().find(claims.name)
    if user is None or user.disabled or user.epoch != claims.epoch or not user.password_hash:
        return None
    return Session(Principal(user.name, user.role, tuple(user.districts)), claims.issued)


def ended_reason(cookie: str) -> str:
    """Why a session cookie no longer signs in, in Swedish (for the signed-out page)."""
    claims = tokens.read(_key(), cookie, time.time())
    if claims is None:
        return "Inloggningen har gått ut. Logga in igen för att fortsätta."
    user = users().find(claims.name)
    if user is None or user.disabled:
        return "Ditt konto är avstängt. Kontakta en administratör."
    return "Du är utloggad, i alla flikar och webbläsare. Logga in igen för att fortsätta."


def still_active(current: Session, con_for_log: Callable[[], object] | None = None) -> str | None:
    """None while the session may go on (counting this as activity), else why it ended. The
    moment it ends (inactivity, longest age) is logged once, through a cursor ``con_for_log``
    opens on the store itself (never a read copy; closed after); only
    this sign-in ends (the user's other browsers keep theirs)."""
    reason = CLOCK.check(current.principal.name, current.issued)
    if reason is not None and reason != ENDED and con_for_log is not None:
        con = con_for_log()
        try:
            log_event(con, current.principal.name, f"utloggad: {reason}")
        finally:
            close = getattr(con, "close", None)
            if close is not None:
                close()
    return reason


def sign_out(con, name: str, why: str = "utloggning") -> None:  # type: ignore[no-untyped-def]
    """End every session of the account (every browser, tab and server) and log it."""
    with suppress(AccountError):  # removed meanwhile: nothing to end
        users().end_sessions(name)
    log_event(con, name, why)
