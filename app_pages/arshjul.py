"""Årshjul: the year's reporting calendar built from the data (service.calendar): the local
steering groups' meetings, the reports to the beredningsgrupp per district, the year-end
summary, the survey rounds expected, the revisions of the local agreements and the actions
that end, each done, coming, due soon or overdue. A report is marked done here (an
administratör, or the district's rapportör; audited). The reminders by e-mail are sent by
``python -m service remind`` on a timer, never from this page."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app_pages import charts, signin, state, tables, views
from app_pages.meetings import no_writes_in_meeting
from service import calendar, indicator_values
from service.writes import Principal, may

st.title("Årshjul")
st.caption(
    "Året som en tidslinje: vad som ska göras när, vad som är klart och vad som är försenat. "
    "Byggt ur de lokala överenskommelserna, åtgärdsregistret och de inlästa enkäterna; "
    "rapportdatumen står i programmets katalog (catalogue/arshjul.yaml). Påminnelser skickas "
    "med e-post före datumet och när det har passerat."
)
today = date.today()
regions = {
    n: c for n, c in indicator_values.district_options().items() if c != indicator_values.CITY
}
names = {c: n for n, c in regions.items()}
viewer = signin.principal() or Principal("demo", "administratör")

views.saved_message("arshjul_klart")
warning = calendar.agreement_warning(today)
if warning:
    st.warning(warning, icon=":material/event_upcoming:")

with st.sidebar:
    year = st.selectbox(
        "År", list(range(today.year + 1, 2023, -1)), index=1, key="arshjul_ar",
        bind="query-params",
    )  # fmt: skip
    scope = st.selectbox(
        "Stadsdelsområde", ["Alla", *regions], key="arshjul_sdo", bind="query-params"
    )
views.print_header("arshjul", [("År", str(year)), ("Stadsdelsområde", scope)])
found: list[calendar.Item] = calendar.calendar_items(int(year), today.isoformat())  # type: ignore[assignment]
if scope != "Alla":
    found = [i for i in found if i.district in (None, regions[scope])]
counts = {s: sum(i.status == s for i in found) for s in calendar.STATUS_WORDS}
left, middle, right, last = st.columns(4)
left.metric("Försenade", counts["försenad"])
middle.metric("Inom kort", counts["snart"])
right.metric("Kommande", counts["kommande"])
last.metric("Klara", counts["klar"])

st.plotly_chart(
    charts.calendar_chart(found, calendar.KINDS, int(year), today),
    key="arshjul_chart",
    config={"displaylogo": False},
)
table = pd.DataFrame(
    {
        "Datum": [i.due.isoformat() for i in found],
        "Vad": [i.title for i in found],
        "Slag": [calendar.KINDS[i.kind] for i in found],
        "Stadsdelsområde": [names.get(i.district or "", "Hela staden") for i in found],
        "Status": [
            calendar.STATUS_WORDS[i.status]
            + (f" {i.done_on.isoformat()}" if i.done_on and i.kind != "möte" else "")
            for i in found
        ],
        "Ansvarig": [", ".join(n for n, _ in i.responsible) or "–" for i in found],
        "Anteckning": [i.note for i in found],
    }
)
tables.table(
    table,
    hide_index=True,
    key="arshjul_tabell",
    column_config={"Vad": st.column_config.TextColumn(width="large")},
)
views.downloads(table, f"arshjul_{year}", "calendar")

markable = [
    i for i in found
    if i.kind in calendar.MARKABLE and i.status in ("kommande", "snart", "försenad")
    and may(viewer, "calendar", [i.district or indicator_values.CITY])
]  # fmt: skip
if not markable:
    st.stop()
no_writes_in_meeting("markera punkter i årshjulet")
st.header("Markera en rapport som klar")
by_key = {i.key: i for i in markable}
with st.form("arshjul_markera", clear_on_submit=True):
    chosen = st.selectbox(
        "Punkt", list(by_key), format_func=lambda k: f"{by_key[k].due}: {by_key[k].title}",
        key="arshjul_punkt",
    )  # fmt: skip
    actor = signin.acting(key="arshjul_vem")
    submitted = st.form_submit_button("Markera som klar")
if submitted and chosen:
    item = by_key[chosen]
    views.submit(
        actor,
        lambda who: calendar.mark_done(state.cursor(), who, item.key, today),
        "arshjul_klart",
        lambda _: f"Markerad som klar: {item.title}.",
    )
