"""Logg: who did what and when: uploads, undo, actions, assessments, texts (for
administrators; in demo mode everyone is one)."""

from __future__ import annotations

import streamlit as st

from access.roles import PermissionDenied, require
from app_pages import signin, state, views
from store import audit

st.title("Logg över ändringar")
signed_in = signin.principal()
if signed_in is not None:
    try:
        require(signed_in, "audit")  # the page is not registered for others; this is the guard
    except PermissionDenied as exc:
        st.error(str(exc))
        st.stop()
st.caption(
    "Varje inläsning, ångring, åtgärd, bedömning och text, med vem och när. Loggen "
    "skrivs i samma transaktion som ändringen och ändras aldrig i efterhand."
)
entries = audit.entries(state.cursor())
table = entries.rename(
    columns={"logged_at": "När", "who": "Vem", "what": "Vad", "detail": "Detaljer"}
)
table["När"] = table["När"].astype(str).str[:19]
st.dataframe(table, hide_index=True, key="audit")
views.downloads(table, "logg", "audit")
