"""Årssammanställning: the year-end summary for the beredningsgrupp, as Word and Excel."""

from __future__ import annotations

from datetime import date

import streamlit as st

from app_pages import signin, tables, views
from service import indicator_values, meetings, packs, reports

st.title("Årssammanställning")
st.caption(
    "Resultat per prioriterat område, genomförda åtgärder och plan för nästa år, som "
    "ett Word-dokument att arbeta vidare i och som Excel."
)
regions = indicator_values.district_options()
names = ["Hela staden", *[n for n in regions if n != "Hela staden"]]
with st.sidebar:
    scope = st.selectbox("Område", names, key="sammanstallning_omrade", bind="query-params")
    agreement = st.radio(
        "Överenskommelse",
        list(agreements := indicator_values.agreement_options()),
        key="sammanstallning_overenskommelse",
        bind="query-params",
    )
    # The last year with figures for a whole year, unless a link or the user chose another.
    latest = reports.latest_year(regions[scope], agreement)
    years = list(range(max(date.today().year, latest or 0), 2014, -1))
    year = st.selectbox(
        "År", years, index=years.index(latest) if latest else 0, key="ar", bind="query-params"
    )

st.subheader(f"{year}, {scope.lower() if scope == 'Hela staden' else scope}")
if latest is None:
    st.caption("Inget av överenskommelsens indikatorer har ett värde för ett helt år här.")
elif int(year) == latest:
    st.caption(
        f"{latest} är det senaste året med uppgifter för hela året. Ett annat år väljs i "
        "sidopanelen."
    )
else:
    st.caption(
        f"Det senaste året med uppgifter för hela året är {latest}; {year} är valt i sidopanelen."
    )

views.print_header(
    "arssammanstallning",
    [("År", year), ("Område", scope), ("Överenskommelse", agreements[agreement])],
)

summary = reports.summary(int(year), regions[scope], agreement)
overview = reports.area_overview(int(year), regions[scope], agreement)
signed_in = signin.principal()
word, excel = reports.downloads(summary, signed_in.name if signed_in else None)
table = {
    "Prioriterat område": [o[0] for o in overview],
    "Indikatorerna visar": [o[1] for o in overview],
    "Bedömning": [o[2] for o in overview],
}
since = reports.changed_since_meeting(int(year), regions[scope], agreement)
if meetings.shown() is not None:  # a saved meeting: what differs today
    table["Sedan mötet"] = [
        f"ändrat sedan mötet: {since[o[0]]}" if o[0] in since else "som i dag" for o in overview
    ]
tables.table(table, hide_index=True, key="summary")
part = summary.reports
if part is not None:
    st.subheader(part.heading)
    if part.preliminary:
        st.warning(part.preliminary, icon=":material/pending:")
    st.markdown("\n".join(f"- {views.plain(f)}" for f in part.facts))
    st.page_link(
        "app_pages/reports.py",
        label="Öppna stadsdelsområdenas rapporter",
        icon=":material/description:",
        query_params={"rap_ar": str(year)},
    )
if summary.plan is not None:
    st.subheader(summary.plan.heading)
    st.markdown(views.plain(summary.plan.state))
    st.page_link(
        "app_pages/plan.py",
        label=f"Öppna handlingsplanen för {int(year) + 1}",
        icon=":material/checklist:",
        query_params={"plan_ar": str(int(year) + 1)},
    )
stem = views.file_name("arssammanstallning", year, scope, agreements[agreement])
left, right = st.columns(2)
left.download_button(
    "Ladda ner Word",
    word,
    f"{stem}.docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    key="docx",
    on_click="ignore",
)
right.download_button(
    "Ladda ner Excel",
    excel,
    f"{stem}.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="xlsx",
    on_click="ignore",
)
views.pack_buttons("arssammanstallning", lambda: packs.from_year_end(summary), stem)
views.link_to_view("arssammanstallning")
