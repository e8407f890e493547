"""Bevakningar (issue 37): a person subscribes by e-mail to a district, a priority area or an
indicator, and gets an e-mail when a verdict there turns to a significant deterioration, a
target slips, or one of the district's reports is returned with comments (sent by
``python -m service alerts`` on a timer, each change once). Everyone sees and removes their
own subscriptions; an administratör sees and removes all."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import signin, state, tables, views
from service import alerts, meetings

st.title("Bevakningar")
st.caption(
    "Få e-post när en indikator i det du bevakar får en statistiskt säkerställd försämring, "
    "när ett mål inte längre hålls, eller när ett stadsdelsområdes rapport återsänds med "
    "kommentarer. Varje ändring skickas en gång, samma dag som den syns i uppgifterna."
)
viewer = signin.principal()
views.saved_message("bevakning_klar")
options = alerts.options()
listed = alerts.own(alerts.listed(), viewer)

st.header("Dina bevakningar" if viewer and viewer.role != "administratör" else "Bevakningar")
if listed.empty:
    st.caption("Inga bevakningar ännu.")
else:
    tables.table(
        pd.DataFrame(
            {
                "Nr": listed["id"].astype(int),
                "Namn": listed["name"],
                "E-post": listed["email"],
                "Bevakar": alerts.described(listed, options),
                "Skapad av": listed["created_by"],
            }
        ),
        hide_index=True,
        key="bevakningar",
    )

if meetings.shown() is not None:
    st.stop()
st.header("Ny bevakning")
scope = st.radio(
    "Bevaka", list(alerts.SCOPES), format_func=alerts.SCOPES.get, horizontal=True,
    key="bevaka_slag",
)  # fmt: skip
with st.form("bevakning_ny"):
    values = options[scope]
    value = st.selectbox(
        alerts.SCOPES[scope], list(values), format_func=values.get, key="bevaka_varde"
    )
    email = st.text_input("E-post", key="bevaka_epost", max_chars=200)
    actor = signin.acting(key="bevaka_vem")
    if st.form_submit_button("Spara bevakningen"):
        views.submit(
            actor,
            lambda who: alerts.subscribe(state.cursor(), who, email, scope, value),
            "bevakning_klar",
            lambda number: f"Bevakning {number} sparad: {values[value]} till {email}.",
        )

if not listed.empty:
    st.header("Ta bort en bevakning")
    with st.form("bevakning_bort"):
        described = dict(
            zip(listed["id"].astype(int), alerts.described(listed, options), strict=True)
        )
        chosen = st.selectbox(
            "Bevakning", list(described), format_func=lambda i: f"{i}: {described[i]}",
            key="bevaka_bort",
        )  # fmt: skip
        remover = signin.acting(key="bevaka_bort_vem")
        if st.form_submit_button("Ta bort"):
            views.submit(
                remover,
                lambda who: alerts.unsubscribe(state.cursor(), who, int(chosen)),
                "bevakning_klar",
                lambda _: f"Bevakning {chosen} borttagen.",
            )
