"""Datakvalitet: before a meeting or an approval sees them, the newest figures far outside
their own history (with the batch that brought them) and each series' coverage over time per
district: gaps, preliminary figures and sources that are late. Raw values: administrators."""

from __future__ import annotations

from datetime import date

import streamlit as st

from app_pages import tables
from service import quality

st.title("Datakvalitet")
st.caption(
    "Kontrollera uppgifterna innan de visas på ett möte eller i en rapport: nya värden som "
    "ligger långt från sin egen historik, luckor i serierna och källor som är sena. Värdena "
    "visas som de är lästa (inga små tal dolda), därför bara för administratörer."
)

st.header("Nya värden långt från sin egen historik")
flags = quality.flags()
st.caption(
    f"De {quality.NEWEST_BATCHES} senaste satsernas värden för staden och stadsdelsområdena "
    "(alla kön och åldrar), jämförda med seriens egna tidigare värden (samma mått och område, "
    "månader med månader, år med år, högst de 24 senaste): värdet flaggas när det ligger mer "
    "än 3,5 robusta standardavvikelser från medianen (medianens absoluta avvikelse × 1,4826, "
    "minst √medianen för antal och 5 % av medianen), med minst två tidigare värden. "
    "Väntat: det intervall regeln godtar. Median före: de tidigare värdenas median och hur "
    "många de är. Avstånd: hur många robusta avvikelser. Sats: satsen som kom med värdet "
    "(Datastatus visar dess rader och ångrar den). Samma regel som i förhandsvisningen av en "
    "uppladdning. Ett flaggat värde kan vara rätt: kontrollera det mot källan."
)
if flags.empty:
    st.success("Inget nytt värde ligger långt från sin historik.")
else:
    st.markdown(f"**{len(flags)} värden flaggade** (störst avstånd först).")
    tables.table(flags, hide_index=True, key="quality_flags")

st.header("Täckning över tid")
measures = quality.measures()
sources = quality.source_states(date.today())
titles = dict(zip(sources["id"], sources["Källa"], strict=True))
source = st.selectbox(
    "Källa",
    sorted(set(measures["source"])),
    format_func=lambda s: titles.get(s, s),
    key="kvalitet_kalla",
)
own = measures[measures["source"] == source]
# A count and its rate per inhabitant have one label: the unit tells them apart.
labels = {m.id: f"{m.label} ({m.unit})" for m in own.itertuples()}
measure = st.selectbox("Serie", list(labels), format_func=labels.get, key="kvalitet_serie")
matrix = quality.coverage(measure)
st.caption(
    "✓ värde · prel. preliminärt värde · SAKNAS ingen uppgift inom seriens tid (och källan "
    "säger inte att den saknas) · ej publ. källan anger att uppgiften inte finns · fanns ej: "
    "området fanns inte då · 0: ingen händelse (en källa som listar varje händelse). "
    "Månadsserier: de 24 senaste månaderna."
)
tables.table(matrix, key="quality_coverage")
state = sources[sources["id"] == source]
if not state.empty:
    row = state.iloc[0]
    (st.success if row["Status"] == "Aktuell" else st.warning)(
        f"{row['Källa']}: {row['Status'].lower()}. {row['Senaste data']} Publiceras "
        f"{row['Publiceras']}."
    )
