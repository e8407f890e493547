"""Logg: who did what and when: uploads, undo, actions, assessments, texts (for
administrators; in demo mode everyone is one)."""

from __future__ import annotations

import streamlit as st

from app_pages import signin, tables, views
from service import audit
from service.writes import PermissionDenied, require
from swedish.format import number

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
what = middle.multiselect(
    "Vad", audit.audit_kinds(), key="logg_vad", placeholder="Välj en eller flera"
)
period = right.date_input("Period", value=(), key="logg_period", format="YYYY-MM-DD")
dates = list(period) if isinstance(period, list | tuple) else [period]
since, until = (dates[0], dates[-1]) if dates else (None, None)
SHOWN = 1000  # entries per page
filters = (who or None, what, since, until)
total = audit.audit_count(*filters)
pages = max(1, -(-total // SHOWN))
page = 1
if pages > 1:
    if int(st.session_state.get("logg_sida", 1)) > pages:  # a narrower filter: fewer pages
        st.session_state["logg_sida"] = pages
    page = int(
        st.number_input(
            f"Sida (av {number(pages)}, nyast först)", 1, pages, 1, step=1, key="logg_sida"
        )
    )
shown = audit.audit_page(*filters, page=page, size=SHOWN)
first = (page - 1) * SHOWN + 1
st.caption(
    f"{number(total)} händelser"
    + (
        f"; här visas {number(first)}–{number(first + len(shown) - 1)}, nedladdningen har alla."
        if pages > 1
        else "."
    )
)
tables.table(shown, hide_index=True, key="audit")
views.download_files(audit.audit_files(*filters), "logg", "audit")
