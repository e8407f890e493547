"""Sign-in: through the organisation's identity provider (OpenID Connect, ``[auth]`` in
``.streamlit/secrets.toml``) or with local accounts (when the store has any); the
session's principal; and the end of the session. Without either the app runs in demo mode."""

from __future__ import annotations

import time
from html import escape
from urllib.parse import quote, urlsplit

import streamlit as st

from app_pages import state
from app_pages.views import plain
from service import accounts
from service.accounts import (
    Principal,
    SessionClock,
    identity,
    idle_seconds,
    log_event,
    principal_for,
)
from service.writes import RuleBroken, demo_principal


def local_accounts() -> bool:
    return accounts.users().exists()


def identity_provider() -> bool:
    """True when ``[auth]`` is configured in secrets.toml (it then takes precedence)."""
    return state.identity_provider()


def _providers() -> list[str | None]:
    """The named providers of ``[auth.NAME]`` sections, or [None] for a single ``[auth]``."""
    section = st.secrets["auth"]
    named = [k for k, v in section.items() if hasattr(v, "items")]
    return [None] if "client_id" in section or not named else sorted(named)


@st.cache_resource
def session_clock() -> SessionClock:
    """Shared by every session of this server process."""
    return SessionClock()


def principal() -> Principal | None:
    """The signed-in user, or None in demo mode (no accounts configured)."""
    return st.session_state.get("principal")


def acting(
    prompt: str = "Ditt namn (sparas med varje ändring)", key: str = "vem"
) -> Principal | None:
    """Who writes: the signed-in user; in demo mode (no sign-in configured) an explicit demo
    principal under the name typed here. None until a name is typed."""
    signed_in = principal()
    if signed_in is not None:
        return signed_in
    typed = st.text_input(prompt, key=key, max_chars=80)
    try:
        return demo_principal(typed)
    except RuleBroken:
        return None


def _log(who: str, what: str) -> None:
    log_event(state.cursor(), who, what)


def _signed_out_page(message: str) -> None:
    st.title("Utloggad")
    st.info(message)
    # A link in this tab (Markdown links open a new one) back to this page after sign-in;
    # the page's own address, quoted, is the only value in it.
    url = st.context.url if isinstance(st.context.url, str) else ""
    parts = urlsplit(url)
    here = parts.path + (f"?{parts.query}" if parts.query else "")
    target = f"/inloggning?nasta={quote(here, safe='')}" if here.startswith("/") else "/inloggning"
    st.html(f'<p><a href="{escape(target)}">Logga in igen</a></p>')
    st.stop()


def require_sign_in() -> Principal | None:
    """Local accounts. Served through dashboard.py the front gate has already asked for the
    password and set the session cookie (a reload, a new tab and a deep link keep the user
    signed in); the session ends after inactivity, at its longest age, when the account is
    disabled, and everywhere at sign-out. Run without the gate (``streamlit run main.py``,
    tests) the same check is made with a form here, for this browser session only."""
    cookie = st.context.cookies.get(accounts.SESSION_COOKIE)
    cookie_session = accounts.session_of(cookie)
    if cookie_session is not None:
        current = cookie_session.principal
        reason = accounts.still_active(cookie_session, state.cursor)
        if reason is not None:
            _signed_out_page(f"Du har loggats ut: {reason}.")
    elif cookie:  # the gate's cookie, ended (sign-out, disabled, expired): sign in again there
        _signed_out_page(accounts.ended_reason(cookie))
    else:
        current = _form_session()
    st.session_state["principal"] = current
    with st.sidebar:
        st.caption(f"Inloggad: {plain(current.name)} ({current.role})")
        st.button(
            "Logga ut",
            key="logout",
            help="Avslutar inloggningen i alla flikar och webbläsare.",
            on_click=_sign_out,
            args=(current.name,),
        )
    return current


def guard_fragment() -> None:
    """Called first in every fragment: a fragment reruns without main.py, so without this an
    open tab would keep redrawing it after the session ended (signed out in another tab,
    disabled, idle). An ended session reruns the whole app, which shows why. It also reads
    the same saved meeting as the run that drew the page (a fragment's run has its own
    thread)."""
    from app_pages import meetings as meeting_view

    meeting_view.current()
    current = principal()
    if current is None:
        return  # demo mode: no session to end
    if _session_ended(current):
        st.rerun(scope="app")


def _session_ended(current: Principal) -> bool:
    if identity_provider():
        return not st.user.is_logged_in
    cookie = st.context.cookies.get(accounts.SESSION_COOKIE)
    if cookie:
        found = accounts.session_of(cookie)
        return found is None or accounts.still_active(found, state.cursor) is not None
    account = accounts.users().find(current.name)
    now = time.time()
    ended = (
        account is None
        or account.disabled
        or account.epoch != st.session_state.get("session_epoch")
        or now - st.session_state.get("last_activity", 0.0) > idle_seconds()
    )
    if not ended:
        st.session_state["last_activity"] = now
    return ended


def _sign_out(name: str) -> None:
    """Ends every session of the account; the next run shows the signed-out page."""
    accounts.sign_out(state.cursor(), name)
    for key in ("principal", "session_epoch", "last_activity"):
        st.session_state.pop(key, None)


def _form_session() -> Principal:
    """Sign-in with a form in this browser session (no gate in front): the same password
    check, throttling and lockout as the gate's page; stops the script until signed in."""
    now = time.time()
    current = st.session_state.get("principal")
    last = st.session_state.get("last_activity", 0.0)
    if current is not None and now - last > idle_seconds():
        _log(current.name, "utloggad efter inaktivitet")
        st.session_state.pop("principal", None)
        current = None
        st.warning("Du har loggats ut efter en stund utan aktivitet. Logga in igen.")
    if current is not None:
        # A disabled account, a changed role or a sign-out elsewhere takes effect at once.
        account = accounts.users().find(current.name)
        if account is None or account.disabled:
            _log(current.name, "utloggad: kontot är avstängt")
            st.session_state.pop("principal", None)
            st.error("Ditt konto är avstängt. Kontakta en administratör.")
            st.stop()
        if account.epoch == st.session_state.get("session_epoch"):
            st.session_state["last_activity"] = now
            return Principal(account.name, account.role, tuple(account.districts))
        st.session_state.pop("principal", None)
        st.warning("Du har loggats ut. Logga in igen.")
    st.title("Logga in")
    with st.form("signin"):
        name = st.text_input("Namn", key="signin_name", max_chars=80)
        password = st.text_input("Lösenord", type="password", key="signin_password", max_chars=200)
        submitted = st.form_submit_button("Logga in")
    if submitted:
        client = accounts.throttle_key(st.context.ip_address, dict(st.context.headers or {}))
        result = accounts.sign_in(state.cursor(), name, password, client)
        if result.principal is None:
            st.error(result.message)
        else:
            account = accounts.users().find(result.principal.name)
            st.session_state["principal"] = result.principal
            st.session_state["session_epoch"] = account.epoch if account else None
            st.session_state["last_activity"] = now
            st.rerun()
    st.stop()
    raise AssertionError("unreachable")  # st.stop() ends the script run


def require_identity_provider_sign_in() -> Principal:
    """Through the identity provider: a sign-in button until ``st.user`` is signed in; the
    role from the account in the store (läsare when absent); the session ended by the app after
    inactivity or at the longest session (Streamlit's cookie would last 30 days)."""
    if not st.user.is_logged_in:
        st.title("Logga in")
        st.write("Logga in med ditt konto i organisationen för att se uppföljningen.")
        for provider in _providers():
            label = "Logga in" if provider is None else f"Logga in med {provider}"
            if st.button(label, key=f"login_{provider or 'oidc'}", type="primary"):
                if provider is None:
                    st.login()
                else:
                    st.login(provider)
        st.stop()
    claims = st.user.to_dict()
    try:
        name = identity(claims)
    except ValueError:
        st.error("Inloggningen gav ingen identitet (e-post, användarnamn eller sub saknas).")
        st.stop()
    issued = claims.get("iat")
    issued_at = float(issued) if isinstance(issued, int | float) else None
    found = principal_for(claims, accounts.users())
    if found is None:
        if session_clock().first("nekad", name, issued_at):
            _log(name, "nekad inloggning (avstängt konto)")
        st.error("Ditt konto är avstängt i den här tjänsten. Kontakta en administratör.")
        if st.button("Logga ut", key="logout"):
            st.logout()
        st.stop()
    reason = session_clock().check(name, issued_at)
    if reason is not None:
        _log(name, f"utloggad: {reason}")
        st.session_state.pop("principal", None)
        st.logout()
        st.stop()
    if session_clock().first("inloggning", name, issued_at):
        _log(name, "inloggning")
    st.session_state["principal"] = found
    with st.sidebar:
        st.caption(f"Inloggad: {plain(found.name)} ({found.role})")
        if st.button("Logga ut", key="logout"):
            session_clock().end(name, issued_at)
            _log(name, "utloggning")
            st.session_state.pop("principal", None)
            st.logout()
            st.stop()
    return found
