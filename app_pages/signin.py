"""Sign-in with local accounts (when a users file exists): the form, the session's principal,
and its end after inactivity. Without accounts and without OIDC the app runs in demo mode."""

from __future__ import annotations

import os
import time

import streamlit as st

from access.roles import Principal
from access.users import UserStore
from app_pages import state
from store import audit, db

IDLE_SECONDS = int(os.environ.get("DASHBOARD_IDLE_MINUTES", "30")) * 60


def local_accounts() -> bool:
    return UserStore().exists()


def principal() -> Principal | None:
    """The signed-in user, or None in demo mode (no accounts configured)."""
    return st.session_state.get("principal")


def _log(who: str, what: str) -> None:
    con = state.cursor()
    with db.transaction(con):
        audit.record(con, who, what)


def require_sign_in() -> Principal | None:
    """Show the form until someone signs in; end the session after inactivity."""
    now = time.time()
    current = st.session_state.get("principal")
    last = st.session_state.get("last_activity", 0.0)
    if current is not None and now - last > IDLE_SECONDS:
        _log(current.name, "utloggad efter inaktivitet")
        st.session_state.pop("principal", None)
        current = None
        st.warning("Du har loggats ut efter en stund utan aktivitet. Logga in igen.")
    if current is not None:
        st.session_state["last_activity"] = now
        with st.sidebar:
            st.caption(f"Inloggad: {current.name} ({current.role})")
            if st.button("Logga ut", key="logout"):
                _log(current.name, "utloggning")
                st.session_state.pop("principal", None)
                st.rerun()
        return current
    st.title("Logga in")
    with st.form("signin"):
        name = st.text_input("Namn", key="signin_name")
        password = st.text_input("Lösenord", type="password", key="signin_password")
        submitted = st.form_submit_button("Logga in")
    if submitted:
        user = UserStore().authenticate(name.strip(), password)
        if user is None:
            _log(name.strip() or "(tomt)", "misslyckad inloggning")
            st.error("Fel namn eller lösenord, eller så är kontot låst eller avstängt.")
        else:
            st.session_state["principal"] = Principal(user.name, user.role,
                                                      tuple(user.districts))  # fmt: skip
            st.session_state["last_activity"] = now
            _log(user.name, "inloggning")
            st.rerun()
    st.stop()
    return None
