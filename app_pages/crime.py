"""Anmälda brott: reported crime per district over time, from BRÅ."""

from __future__ import annotations

import streamlit as st

from app_pages import tables, views
from app_pages.crime_chart import crime_figure, source_line
from service import batches, crime, packs

BOUNDARIES = {"today": "Dagens stadsdelsområden", "time": "Dåtidens stadsdelsområden"}
GRANULARITY = {"year": "År", "month": "Månad"}
KIND = {"count": "Antal", "rate": "Per 100 000 invånare (BRÅ)"}
UNITS = {"count": "Antal anmälda brott", "rate": "Anmälda brott per 100 000 invånare"}

st.title("Anmälda brott per stadsdelsområde")
st.caption(
    "Anmälda brott är inte detsamma som faktisk brottslighet: många brott anmäls aldrig "
    "(mörkertal), och benägenheten att anmäla skiljer sig mellan brottstyper och områden."
)
categories = crime.crime_categories()
if not categories:
    st.warning("Ingen brottsstatistik från BRÅ är inläst ännu.")
    st.stop()

with st.sidebar:
    category = st.selectbox(
        "Brottskategori",
        categories,
        format_func=lambda c: c.label,
        key="category",
        bind="query-params",
    )
    kind = st.radio("Mått", list(KIND), format_func=KIND.get, key="kind", bind="query-params")
    granularity = st.radio(
        "Tidsupplösning",
        list(GRANULARITY),
        format_func=GRANULARITY.get,
        key="granularity",
        bind="query-params",
    )
    boundaries = st.radio(
        "Indelning",
        list(BOUNDARIES),
        format_func=BOUNDARIES.get,
        key="boundaries",
        bind="query-params",
    )

regions, missing = crime.crime_regions(category, boundaries)
if missing:
    st.caption(f"Inga siffror för {category.label} finns för: {', '.join(missing)}.")
districts = regions[regions["kind"] == "district"]
names = dict(zip(regions["code"], regions["name"], strict=True))
chosen = st.multiselect(
    "Områden",
    list(regions["code"]),
    default=list(districts["code"]),
    format_func=names.get,
    key=f"omraden_{boundaries}",
    placeholder="Välj en eller flera",
    bind="query-params",
)
if kind == "rate" and category.rate_measure is None:
    st.info("BRÅ ger ingen takt per 100 000 invånare för den här kategorin; visar antal.")
    kind = "count"
if not chosen:
    st.info("Välj minst ett område.")
    st.stop()

views.print_header(
    "anmalda-brott",
    [
        ("Brottskategori", category.label),
        ("Mått", KIND[kind]),
        ("Tidsupplösning", GRANULARITY[granularity]),
        ("Indelning", BOUNDARIES[boundaries]),
        ("Områden", ", ".join(names[c] for c in chosen)),
    ],
)
threshold = crime.crime_threshold(category.count_measure)
frame = crime.crime_series(category.count_measure, tuple(chosen), kind, boundaries, granularity)
if frame.empty:
    st.info("Det finns inga siffror för de valda områdena.")
    st.stop()

per = "per år" if granularity == "year" else "per månad"
title = f"Anmälda brott: {category.label}, {per}"
source = batches.source_record(crime.SOURCE) or {
    "citation": "BRÅ",
    "caveat": None,
}
figure = crime_figure(
    frame,
    title=title,
    unit=UNITS[kind],
    granularity=granularity,
    boundaries=boundaries,
    citation=str(source["citation"]),
)
st.plotly_chart(figure, key="crime_chart")

notes = crime.notes(frame, kind, granularity, boundaries, threshold)
for note in notes:
    st.caption(note)


table = crime.crime_table(frame, UNITS[kind], granularity)
with st.expander("Tabell med siffrorna"):
    tables.table(table, hide_index=True)
views.downloads(table, f"anmalda_brott_{category.count_measure}", "crime")
views.pack_buttons(
    "anmalda_brott",
    lambda: packs.crime(
        frame,
        table,
        title,
        UNITS[kind],
        granularity,
        packs.facts(
            f"ingen särskild; brottskategori: {category.label}",
            ", ".join(names[c] for c in chosen),
            f"{int(frame['year'].min())}–{int(frame['year'].max())}",
            BOUNDARIES[boundaries].lower(),
            [("Mått", KIND[kind]), ("Tidsupplösning", GRANULARITY[granularity])],
        ),
        notes,
        source_line(frame, boundaries, str(source["citation"])),
    ),
)
views.link_to_view("anmalda-brott")
