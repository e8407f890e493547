"""Årssammanställning: the year-end summary for the beredningsgrupp, as Word and Excel."""

from __future__ import annotations

from datetime import date

import streamlit as st

from app_pages import state, views
from report import render_docx, render_xlsx
from report.build import build

st.title("Årssammanställning")
st.caption(
    "Resultat per prioriterat område, genomförda åtgärder och plan för nästa år, som "
    "ett Word-dokument att arbeta vidare i och som Excel."
)
regions = views.district_options()
names = ["Hela staden", *[n for n in regions if n != "Hela staden"]]
with st.sidebar:
    year = st.selectbox(
        "År", list(range(date.today().year, 2014, -1)), index=3, key="ar", bind="query-params"
    )
    scope = st.selectbox("Område", names, key="sammanstallning_omrade", bind="query-params")
    agreement = st.radio(
        "Överenskommelse",
        ["2024", "2019"],
        key="sammanstallning_overenskommelse",
        bind="query-params",
    )


@st.cache_data(max_entries=16, show_spinner="Sammanställer …")
def documents(
    db: str, data_version: str, year: int, region: str, agreement: str
) -> tuple[bytes, bytes, list]:
    summary = build(
        state.cursor(), views.catalogue(), year, agreement=agreement, region_code=region
    )
    overview = [(s.title, s.calculated, s.judgement or "ej bedömt") for s in summary.sections]
    return render_docx.render(summary), render_xlsx.render(summary), overview


from store.db import resolve_db_path  # noqa: E402

docx_bytes, xlsx_bytes, overview = documents(
    str(resolve_db_path()), views.version(), int(year), regions[scope], agreement
)
st.dataframe(
    {
        "Prioriterat område": [o[0] for o in overview],
        "Indikatorerna visar": [o[1] for o in overview],
        "Bedömning": [o[2] for o in overview],
    },
    hide_index=True,
    key="summary",
)
left, right = st.columns(2)
left.download_button(
    "Ladda ner Word",
    docx_bytes,
    f"arssammanstallning_{year}.docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    key="docx",
)
right.download_button(
    "Ladda ner Excel",
    xlsx_bytes,
    f"arssammanstallning_{year}.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="xlsx",
)
views.link_to_view("arssammanstallning")
