"""Jämför: two districts, a district against the city, or women against men, for the
indicators of one priority area: the latest values, whether they differ, and the change."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import tables, views
from service import compare, indicator_values, packs

MODES = {
    "districts": "Två stadsdelsområden",
    "city": "Stadsdelsområde mot hela staden",
    "sex": "Kvinnor mot män",
}

st.title("Jämför")
catalogue = indicator_values.catalogue()
regions = indicator_values.district_options()
districts = [n for n in regions if n != "Hela staden"]
areas = dict(catalogue.areas())
with st.sidebar:
    mode = st.radio(
        "Jämförelse", list(MODES), format_func=MODES.get, key="jamforelse", bind="query-params"
    )
    area = st.selectbox(
        "Prioriterat område",
        list(areas),
        format_func=areas.get,
        key="omrade_prio",
        bind="query-params",
    )
    first = st.selectbox("Stadsdelsområde", districts, key="jamfor_omrade", bind="query-params")
    second = None
    if mode == "districts":
        second = st.selectbox(
            "Jämför med", [d for d in districts if d != first], key="omrade2", bind="query-params"
        )

if mode == "districts":
    labels = (first, str(second))
elif mode == "city":
    labels = (first, "Hela staden")
else:
    labels = (f"Kvinnor i {first}", f"Män i {first}")
views.print_header(
    "jamfor",
    [("Jämförelse", f"{labels[0]} mot {labels[1]}"), ("Prioriterat område", areas[area])],
)
st.caption(
    f"{labels[0]} mot {labels[1]}: {areas[area]}. Skillnader räknas som säkerställda "
    "bara när de är statistiskt skilda (95 %)."
)

rows = compare.rows(
    area,
    mode,
    regions[first],
    regions[str(second)] if mode == "districts" else None,
)
table = pd.DataFrame(
    [
        {
            "Indikator": row.title,
            "År": row.year,
            labels[0]: row.first,
            labels[1]: row.second,
            "Skillnad": row.verdict,
            f"Utveckling {labels[0]}": row.development,
            "Exempeldata": "ja" if row.example else "",
        }
        for row in rows
    ]
)
if table.empty:
    st.info("Området har inga indikatorer med den här jämförelsen.")
else:
    tables.table(table, hide_index=True, key="comparison")
    if (table["Exempeldata"] == "ja").any():
        st.caption(indicator_values.EXAMPLE_NOTE)
    views.downloads(table, f"jamforelse_{area}", "compare")
    years = sorted({int(y) for y in table["År"] if y})
    views.pack_buttons(
        "jamfor",
        lambda: packs.table(
            f"Jämför: {labels[0]} mot {labels[1]}",
            table,
            [0.24, 0.06, 0.1, 0.1, 0.15, 0.27, 0.08],
            packs.facts(
                areas[area],
                f"{labels[0]} och {labels[1]}",
                f"senaste året med värden för båda, {years[0]}–{years[-1]}"
                if years
                else "inga värden",
            ),
            ["Skillnaden prövas med 95 % säkerhet; 'inom felmarginalen': den kan vara slumpen."],
        ),
    )
views.link_to_view("jamfor")
