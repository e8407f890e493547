"""Konton: the local accounts and the roles of identity-provider users, for administrators
(the same changes as ``python -m store users``, through the same service, audited)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import signin, tables
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
users = accounts.users()
st.caption(
    "Konton för inloggning med lösenord, och roller för dem som loggar in via organisationens "
    "inloggning. Varje ändring loggas med ditt namn. Ett avstängt konto eller ett nytt "
    "lösenord avslutar kontots inloggningar direkt, i alla webbläsare."
)
tables.table(pd.DataFrame(accounts.account_rows(users)), hide_index=True, key="konton")
districts = accounts.current_districts(users)
NEW_KEYS = ("nk_namn", "nk_roll", "nk_omraden", "nk_extern", "nk_pw1", "nk_pw2")


def _done(message: str, forget: tuple[str, ...] = ()) -> None:
    """After a change: the message is shown at the top of the next run, the confirmations
    and the new-account form are emptied (no tick carries over to another account)."""
    st.session_state["konto_klart"] = message
    for key in list(st.session_state):
        if str(key).startswith("bekrafta:") or key in forget:
            del st.session_state[key]
    st.rerun()


if "konto_klart" in st.session_state:
    st.success(st.session_state.pop("konto_klart"))


def _quoted(name: str) -> str:
    return f"`{name}`"  # shown as written (an e-mail address is not made a link)


st.header("Ändra ett konto")
names = [u.name for u in users.list()]
who = st.selectbox("Konto", names, index=None, placeholder="Välj ett konto", key="konto_vem")
account = users.find(who) if who else None
if account is not None:
    own = account.name.casefold() == signed_in.name.casefold()
    external = not account.password_hash
    left, right = st.columns(2)
    with left:
        if account.disabled:
            st.warning(f"{_quoted(account.name)} är avstängt.")
            if st.button("Aktivera kontot", help="Kontot kan logga in igen."):
                accounts.change(signed_in, users, "enable", account.name)
                _done(f"Kontot {_quoted(account.name)} är aktiverat och kan logga in igen.")
        elif own:
            st.caption("Ditt eget konto kan inte stängas av här (be en annan administratör).")
        else:
            sure = st.checkbox(f"Ja, stäng av {account.name}", key=f"bekrafta:stang:{account.name}")
            if st.button("Stäng av kontot", disabled=not sure):
                accounts.change(signed_in, users, "disable", account.name)
                _done(
                    f"Kontot {_quoted(account.name)} är avstängt; dess inloggningar är avslutade."
                )
        if not account.disabled:
            ends = st.checkbox(
                "Ja, logga ut " + ("mig" if own else account.name) + " överallt",
                key=f"bekrafta:avsluta:{account.name}",
            )
            if st.button("Avsluta kontots inloggningar", disabled=not ends):
                accounts.change(signed_in, users, "end_sessions", account.name)
                _done(f"Alla inloggningar för {_quoted(account.name)} är avslutade.")
        if not own:
            with st.form(f"roll:{account.name}"):
                st.subheader("Roll och stadsdelsområden")
                roles = list(accounts.ROLES)
                new_role = st.selectbox("Roll", roles, index=roles.index(account.role))
                by_code = {code: name for name, code in districts.items()}
                new_districts = st.multiselect(
                    "Stadsdelsområden (bara för en rapportör; inga betyder hela staden)",
                    list(districts),
                    default=[by_code[c] for c in account.districts if c in by_code],
                    placeholder="Välj stadsdelsområden",
                )
                if st.form_submit_button("Spara rollen"):
                    codes = [districts[d] for d in new_districts]
                    try:
                        accounts.change(
                            signed_in, users, "set_role", account.name, role=new_role,
                            districts=codes,
                        )  # fmt: skip
                    except accounts.AccountError as exc:
                        st.error(exc.swedish)
                    else:
                        _done(f"{_quoted(account.name)} är nu {new_role}.")
    with right:
        if external:
            st.caption(
                f"{account.name} loggar in via organisationens inloggning och har inget "
                "lösenord här."
            )
        else:
            with st.form("nytt_losenord", clear_on_submit=True):
                st.subheader("Nytt lösenord")
                first = st.text_input(
                    "Nytt lösenord (minst 10 tecken)", type="password", max_chars=200
                )
                second = st.text_input("Lösenordet igen", type="password", max_chars=200)
                if st.form_submit_button("Byt lösenord"):
                    if first != second:
                        st.error("Lösenorden är inte lika. Skriv samma lösenord två gånger.")
                    else:
                        try:
                            accounts.change(
                                signed_in, users, "reset_password", account.name, password=first
                            )
                        except accounts.AccountError as exc:
                            st.error(exc.swedish)
                        else:
                            note = " Kontot är fortfarande avstängt." if account.disabled else ""
                            _done(
                                f"Lösenordet för {_quoted(account.name)} är bytt; dess "
                                f"inloggningar är avslutade.{note}"
                            )

st.header("Nytt konto")
with st.form("nytt_konto"):
    name = st.text_input(
        "Namn (för organisationens inloggning: e-postadressen)", max_chars=80, key="nk_namn"
    )
    role = st.selectbox("Roll", list(accounts.ROLES), key="nk_roll")
    chosen = st.multiselect(
        "Stadsdelsområden (bara för en rapportör; inga betyder hela staden)",
        list(districts),
        placeholder="Välj stadsdelsområden",
        key="nk_omraden",
    )
    external = st.checkbox(
        "Loggar in via organisationens inloggning (inget lösenord här)", key="nk_extern"
    )
    if not signin.identity_provider():
        st.caption(
            "Organisationens inloggning är inte inställd här (avsnittet [auth] i "
            ".streamlit/secrets.toml): ett sådant konto kan inte logga in förrän den är det."
        )
    first = st.text_input("Lösenord (minst 10 tecken)", type="password", max_chars=200,
                          key="nk_pw1")  # fmt: skip
    second = st.text_input("Lösenordet igen", type="password", max_chars=200, key="nk_pw2")
    if st.form_submit_button("Skapa kontot", type="primary"):
        codes = [districts[d] for d in chosen]
        try:
            if external and (first or second):
                st.error(
                    "Lämna lösenorden tomma för ett konto som loggar in via organisationens "
                    "inloggning."
                )
            elif not external and first != second:
                st.error("Lösenorden är inte lika. Skriv samma lösenord två gånger.")
            else:
                action = "add_external" if external else "add"
                accounts.change(signed_in, users, action, name.strip(), role=role,
                                districts=codes, password=first)  # fmt: skip
                _done(f"Kontot {_quoted(name.strip())} är skapat ({role}).", NEW_KEYS)
        except accounts.AccountError as exc:
            st.error(exc.swedish)
