"""Datastatus: what is loaded, from where, how fresh, and what is missing."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app_pages import state, views
from indicators import data_status
from indicators.catalogue import load_catalogue
from indicators.format import number
from store import queries
from store.db import resolve_db_path

st.title("Datastatus")
st.caption("Vad som är inläst, varifrån, hur aktuellt det är och vad som saknas: inför varje möte.")

con = state.cursor()
catalogue = load_catalogue()
today = date.today()


@st.cache_data(max_entries=16, show_spinner=False)
def status_tables(db: str, data_version: str, day: date) -> dict[str, object]:
    """Everything on the page that depends only on the data (and the day), built once per
    data version: reading the status of every batch scans every observation."""
    cursor = state.cursor()
    cover = data_status.coverage(cursor, catalogue, views.cached_all("today"))
    return {
        "sources": data_status.sources_table(cursor, day),
        "records": queries.sources(cursor),
        "batches": data_status.batches_table(cursor),
        "cover": cover,
        "matrix": data_status.coverage_matrix(cursor, catalogue, cover),
        "placement": data_status.police_placement(cursor),
    }


@st.cache_data(max_entries=32, show_spinner=False)
def batch_rows(db: str, data_version: str, batch_id: int) -> pd.DataFrame:
    return queries.batch_rows(state.cursor(), batch_id)


tables = status_tables(str(resolve_db_path()), views.version(), today)

st.header("Källor")
sources = tables["sources"]
st.dataframe(sources.drop(columns=["id"]), hide_index=True, key="sources")
for record in tables["records"].itertuples():  # type: ignore[union-attr]
    with st.expander(f"{record.title} – om källan"):
        st.markdown(f"**Utgivare:** {record.publisher}  \n**Publiceras:** {record.rhythm}")
        if record.licence:
            st.markdown(f"**Licens:** {record.licence}")
        if record.url:
            st.markdown(f"**Adress:** {record.url}")
        if record.method:
            st.text(record.method)
        if record.caveat:
            st.caption(record.caveat)

st.header("Inlästa satser")
batches = tables["batches"]
if batches.empty:
    st.info("Inga filer är inlästa ännu.")
else:
    st.dataframe(batches, hide_index=True, key="batches")
    chosen = st.selectbox(
        "Öppna en sats",
        list(batches["Sats"]),
        format_func=lambda b: f"{b}: {batches.set_index('Sats').loc[b, 'Fil']}",
        key="batch",
    )
    rows = batch_rows(str(resolve_db_path()), views.version(), int(chosen))
    if rows.empty:
        st.caption("Satsen har inga rader i observationstabellen (till exempel metadata).")
    else:
        total = int(rows["total"].iloc[0])
        shown = "alla" if total <= len(rows) else f"de första {number(len(rows))}"
        st.caption(f"Satsen har {number(total)} rader; här visas {shown}.")
        rows["value"] = [number(v, 0 if float(v).is_integer() else 2) for v in rows["value"]]
        st.dataframe(
            rows.drop(columns=["total"]).rename(
                columns={
                    "measure": "Mått",
                    "region_name": "Område",
                    "year": "År",
                    "month": "Månad",
                    "value": "Värde",
                    "in_force": "Gäller",
                }
            ),
            hide_index=True,
            key="batch_rows",
        )

st.header("Täckning per prioriterat område och stadsdelsområde")
st.caption(
    "Antal indikatorer med data (av områdets indikatorer) och vilka år, på dagens indelning. "
    "Indikatorer från enkäter och aktivitetsdata får data när förvaltningarna laddar upp dem."
)
cover = tables["cover"]
st.dataframe(tables["matrix"], key="coverage")
views.downloads(tables["matrix"].reset_index(names="Prioriterat område"), "tackning", "coverage")
for area_id, title in catalogue.areas():
    with st.expander(f"{title}: antal områden med data per indikator och år"):
        by_year = data_status.coverage_by_year(catalogue, cover, area_id)
        if by_year.empty or by_year.columns.empty:
            st.caption("Ingen indikator i området har data ännu.")
        else:
            st.dataframe(by_year, key=f"coverage_{area_id}")

st.header("Polisens händelser som inte kunde placeras")
placement, text = tables["placement"]  # type: ignore[misc]
st.markdown(text)
if not placement.empty:
    st.dataframe(placement, hide_index=True, key="placement")
