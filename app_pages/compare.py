"""Jämför: two districts, a district against the city, or women against men, for the
indicators of one priority area: the latest values, whether they differ, and the change."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import views
from service import packs
from service.views import difference, latest_row

MODES = {
    "districts": "Två stadsdelsområden",
    "city": "Stadsdelsområde mot hela staden",
    "sex": "Kvinnor mot män",
}

st.title("Jämför")
catalogue = views.catalogue()
regions = views.district_options()
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

rows = []
for indicator in catalogue.indicators_for(area):
    definition = catalogue.definitions[indicator]
    if "district" not in definition.levels:
        continue
    if mode == "sex":
        if "sex" not in definition.breakdowns:
            continue
        frame = views.cached_values(indicator, "today", by_sex=True)
        a = latest_row(frame, regions[first], "female")
        b = (
            None
            if a is None
            else latest_row(frame[frame["year"] == a["year"]], regions[first], "male")
        )
    else:
        frame = views.cached_all("today").get(indicator, pd.DataFrame())
        a = latest_row(frame, regions[first])
        other = regions[str(second)] if mode == "districts" else views.CITY
        b = None if a is None else latest_row(frame[frame["year"] == a["year"]], other)
    change = None if a is None or b is None else difference(definition, a, b)
    verdict = (
        "kan inte prövas"
        if change is None
        else (
            "skillnaden är statistiskt säkerställd" if change.significant else "inom felmarginalen"
        )
    )
    rows.append(
        {
            "Indikator": definition.title,
            "År": "" if a is None else str(int(a["year"])),
            labels[0]: "–"
            if a is None
            else ("skyddat" if a["suppressed"] else views.fmt_value(definition, a["value"])),
            labels[1]: "–"
            if b is None
            else ("skyddat" if b["suppressed"] else views.fmt_value(definition, b["value"])),
            "Skillnad": verdict,
            f"Utveckling {labels[0]}": "" if a is None else str(a["status_text"]),
            "Exempeldata": "ja"
            if any(r is not None and views.is_example(r) for r in (a, b))
            else "",
        }
    )
table = pd.DataFrame(rows)
if table.empty:
    st.info("Området har inga indikatorer med den här jämförelsen.")
else:
    st.dataframe(table, hide_index=True, key="comparison")
    if (table["Exempeldata"] == "ja").any():
        st.caption(views.EXAMPLE_NOTE)
    views.downloads(table, f"jamforelse_{area}", "compare")
    years = sorted({int(y) for y in table["År"] if y})
    views.pack_buttons(
        "jamfor",
        lambda: packs.table(
            f"Jämför: {labels[0]} mot {labels[1]}",
            table,
            [0.24, 0.06, 0.1, 0.1, 0.15, 0.27, 0.08],
            packs.facts(
                "2024",
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
