"""Mål: the targets of the indicators, the YAML defaults and those set in the app, with their
history; an administratör, or a rapportör for their own districts, sets a new one (it takes
over from its date; an earlier year keeps the target it was judged by). Every change through
``service.targets`` (role, rules, one transaction, audit entry)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app_pages import signin, state, tables, views
from app_pages.meetings import no_writes_in_meeting
from service import indicator_values, targets
from service.writes import Principal, may
from swedish.format import date_text

st.title("Mål")
st.caption(
    "Ett år bedöms mot det mål som gällde det året: mål uppnått, på väg, för långsamt eller "
    "fel riktning. Ett nytt mål gäller från sitt datum och ändrar aldrig bedömningen av ett "
    "tidigare år. Målen i indikatorernas definitioner (katalogen) gäller som standard."
)
catalogue = indicator_values.catalogue()
titles = {i: d.title for i, d in sorted(catalogue.definitions.items(), key=lambda x: x[1].title)}
districts = {
    n: c for n, c in indicator_values.district_options().items() if c != indicator_values.CITY
}
viewer = signin.principal() or Principal("demo", "administratör")

views.saved_message("mal_klart")

with st.sidebar:
    chosen = st.selectbox(
        "Indikator", [None, *titles], format_func=lambda i: "Alla" if i is None else titles[i],
        key="mal_indikator",
    )  # fmt: skip
history = targets.history(chosen)
st.header("Mål och deras historik")
if history.empty:
    st.caption("Inga mål satta ännu.")
else:
    tables.table(
        pd.DataFrame(
            {
                "Indikator": [titles.get(i, i) for i in history["indicator"]],
                "Gäller": history["scope_name"],
                "Mål": [
                    f"{targets.DIRECTION_WORDS[catalogue.definitions[i].direction]} "
                    f"{indicator_values.fmt_value(catalogue.definitions[i], v)} år {y}"
                    for i, v, y in zip(
                        history["indicator"], history["value"], history["target_year"], strict=True
                    )
                ],
                "Gäller från": [date_text(d) for d in history["applies_from"]],
                "Beslutat i": history["source"],
                "Satt av": [
                    views.plain(b)
                    + ("" if t is None or pd.isna(t) else f" {pd.Timestamp(t):%Y-%m-%d}")
                    for b, t in zip(history["created_by"], history["created_at"], strict=True)
                ],
            }
        ),
        hide_index=True,
        key="targets_table",
    )

scopes = {"city": "Hela staden", **{c: n for n, c in districts.items()}}
allowed = [
    s for s in scopes if may(viewer, "targets", [indicator_values.CITY if s == "city" else s])
]
if not allowed:
    st.info("Din roll kan se målen men inte sätta nya.")
    st.stop()
no_writes_in_meeting("sätta mål")
st.header("Sätt ett mål")
today = date.today()
with st.form("new_target", clear_on_submit=True):
    indicator = st.selectbox(
        "Indikator", list(titles), format_func=titles.get, index=None,
        placeholder="Välj en indikator", key="target_indicator",
    )  # fmt: skip
    scope = st.selectbox("Gäller", allowed, format_func=scopes.get, key="target_scope")
    left, middle, right = st.columns(3)
    year = left.number_input("Målår", min_value=today.year, max_value=2100, value=today.year + 1,
                             step=1, key="target_year")  # fmt: skip
    value = middle.number_input("Målvärde", min_value=0.0, value=None, step=1.0, format="%.1f",
                                key="target_value")  # fmt: skip
    applies_from = right.date_input(
        "Gäller från", value=today, min_value=date(today.year, 1, 1), format="YYYY-MM-DD",
        key="target_from",
    )  # fmt: skip
    source = st.text_input(
        "Beslutat i", max_chars=300,
        placeholder="T.ex. Lokal samverkansöverenskommelse Järva 2024–2027", key="target_source",
    )  # fmt: skip
    st.caption(
        "Riktningen är indikatorns: för en indikator där lägre är bättre är målet ett "
        "högsta värde, annars ett lägsta."
    )
    actor = signin.acting(key="target_who")
    submitted = st.form_submit_button("Spara målet")
if submitted:
    if indicator is None or value is None:
        st.error("Sparades inte: välj indikator och ange ett målvärde.")
    else:
        views.submit(
            actor,
            lambda who: targets.add(
                state.cursor(),
                who,
                indicator=indicator,
                scope=str(scope),
                target_year=int(year),
                value=float(value),
                source=source,
                applies_from=applies_from,
            ),
            "mal_klart",
            lambda _: f"Målet sparades: {titles[indicator]}, {scopes[str(scope)]}, år {int(year)}.",
        )
