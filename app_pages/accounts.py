"""Konton: the local accounts and the roles of identity-provider users, for administrators
(the same changes as ``python -m store users``, through the same service, audited)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import signin, state
from service import accounts
from service.writes import PermissionDenied, require

st.title("Konton")
signed_in = signin.principal()
if signed_in is None:
    st.info("Inloggning är inte inställd (demoläge). Konton skapas enligt README.")
    st.stop()
try:
    require(signed_in, "accounts")  # the page is not registered for others; this is the guard
except PermissionDenied as exc:
    st.error(str(exc))
    st.stop()
state.cursor()  # the store the changes are logged in
users = accounts.users()
st.caption(
    "Lokala konton och roller för den som loggar in via organisationens inloggning. Varje "
    "ändring loggas med ditt namn. Ett avstängt konto eller ett nytt lösenord avslutar kontots "
    "inloggningar direkt, i alla webbläsare."
)
for message in st.session_state.pop("konto_klart", []):
    st.success(message)
st.dataframe(pd.DataFrame(accounts.account_rows(users)), hide_index=True, key="konton")
districts = accounts.current_districts()


def _done(message: str) -> None:
    st.session_state["konto_klart"] = [message]
    st.rerun()


new, existing = st.tabs(["Nytt konto", "Ändra ett konto"])
with new, st.form("nytt_konto", clear_on_submit=True):
    name = st.text_input("Namn (för organisationens inloggning: e-postadressen)", max_chars=80)
    role = st.selectbox("Roll", ["läsare", "rapportör", "administratör"])
    chosen = st.multiselect(
        "Stadsdelsområden (för en rapportör; inga betyder hela staden)",
        list(districts),
        placeholder="Välj stadsdelsområden",
    )
    external = st.checkbox("Loggar in via organisationens inloggning (inget lösenord här)")
    first = st.text_input("Lösenord (minst 10 tecken)", type="password", max_chars=200)
    second = st.text_input("Lösenordet igen", type="password", max_chars=200)
    if st.form_submit_button("Skapa kontot", type="primary"):
        codes = [districts[d] for d in chosen]
        try:
            if external:
                accounts.change(signed_in, users, "add_external", name.strip(), role=role,
                                districts=codes)  # fmt: skip
            elif first != second:
                st.error("Lösenorden är inte lika. Skriv samma lösenord två gånger.")
                st.stop()
            else:
                accounts.change(signed_in, users, "add", name.strip(), role=role,
                                districts=codes, password=first)  # fmt: skip
        except accounts.AccountError as exc:
            st.error(exc.swedish)
        else:
            _done(f"Kontot {name.strip()} är skapat ({role}).")

with existing:
    names = [u.name for u in users.list()]
    if not names:
        st.caption("Inga konton ännu.")
    else:
        who = st.selectbox("Konto", names, key="konto_vem")
        account = users.find(who)
        left, right = st.columns(2)
        with left:
            st.subheader("Stäng av")
            sure = st.checkbox(f"Ja, stäng av {who}", key="konto_stang_sakert")
            if st.button(
                "Stäng av kontot", disabled=not sure or bool(account and account.disabled)
            ):
                try:
                    accounts.change(signed_in, users, "disable", who)
                except accounts.AccountError as exc:
                    st.error(exc.swedish)
                else:
                    _done(f"Kontot {who} är avstängt; dess inloggningar är avslutade.")
            if st.button("Avsluta kontots inloggningar", help="Alla webbläsare loggas ut."):
                accounts.change(signed_in, users, "end_sessions", who)
                _done(f"Alla inloggningar för {who} är avslutade.")
        with right, st.form("nytt_losenord", clear_on_submit=True):
            st.subheader("Nytt lösenord")
            first = st.text_input("Nytt lösenord (minst 10 tecken)", type="password", max_chars=200)
            second = st.text_input("Lösenordet igen", type="password", max_chars=200)
            if st.form_submit_button("Byt lösenord"):
                if first != second:
                    st.error("Lösenorden är inte lika. Skriv samma lösenord två gånger.")
                else:
                    try:
                        accounts.change(signed_in, users, "reset_password", who, password=first)
                    except accounts.AccountError as exc:
                        st.error(exc.swedish)
                    else:
                        _done(f"Lösenordet för {who} är bytt; dess inloggningar är avslutade.")
