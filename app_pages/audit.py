"""Logg: who did what and when: uploads, undo, actions, assessments, texts (for
administrators; in demo mode everyone is one)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import signin, views
from service import views as data
from service.views import number
from service.writes import PermissionDenied, require

st.title("Logg över ändringar")
signed_in = signin.principal()
if signed_in is not None:
    try:
        require(signed_in, "audit")  # the page is not registered for others; this is the guard
    except PermissionDenied as exc:
        st.error(str(exc))
        st.stop()
st.caption(
    "Varje inläsning, ångring, åtgärd, bedömning, text, inloggning och utloggning, med vem "
    "och när. Loggen skrivs i samma transaktion som ändringen och ändras aldrig i efterhand."
)
left, middle, right = st.columns(3)
who = left.text_input("Vem (del av namnet)", key="logg_vem").strip()
what = middle.multiselect("Vad", data.audit_kinds(), key="logg_vad")
period = right.date_input("Period", value=(), key="logg_period")
dates = list(period) if isinstance(period, list | tuple) else [period]
since, until = (dates[0], dates[-1]) if dates else (None, None)
chosen = data.audit_entries(who or None, what, since, until)
SHOWN = 1000


def _table(frame: pd.DataFrame) -> pd.DataFrame:
    table = frame.rename(
        columns={"logged_at": "När", "who": "Vem", "what": "Vad", "detail": "Detaljer"}
    )
    table["När"] = table["När"].astype(str).str[:19]
    return table


st.caption(
    f"{number(len(chosen))} händelser"
    + (
        f"; de {number(SHOWN)} senaste visas, nedladdningen har alla."
        if len(chosen) > SHOWN
        else "."
    )
)
st.dataframe(_table(chosen.head(SHOWN)), hide_index=True, key="audit")
views.downloads(_table(chosen), "logg", "audit")
