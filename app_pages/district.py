"""Stadsdelsområde: the local situation picture of one district: every indicator by priority
area, against the city and the district's own history, its rank with uncertainty, and women
and men where the indicator has them."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app_pages import beside, charts, drivers_section, local_section, views
from app_pages.signin import guard_fragment
from app_pages.views import plain
from service import district, events, indicator_values, local, overview, packs
from swedish.format import PLOTLY_SEPARATORS

st.title("Stadsdelsområdets lägesbild")
catalogue = indicator_values.catalogue()
regions = indicator_values.district_options()
districts = [n for n in regions if n != "Hela staden"]
with st.sidebar:
    name = st.selectbox("Stadsdelsområde", districts, key="stadsdelsomrade", bind="query-params")
code = regions[name]
views.print_header("stadsdelsomrade", [("Stadsdelsområde", name)])
frames = indicator_values.all_values("today")
local_section.show(code, name, local.local_agreements().get(code))
st.header("Indikatorer")
st.caption(
    f"Alla indikatorer för {name} på dagens indelning, jämfört med hela staden och med "
    "områdets egen historik. Placeringen visas som ett intervall: så långt säkerheten "
    "räcker."
)


def situation(code: str, name: str) -> pd.DataFrame:
    """The district's rows (service.district) as the table shows them."""
    return pd.DataFrame(
        [
            {
                "Område": row.area,
                "Indikator": row.title,
                "Period": row.period,
                name: row.value,
                "Osäkerhet (95 %)": row.interval,
                "Hela staden": row.city,
                "Kvinnor": row.women,
                "Män": row.men,
                "Placering bland områdena": row.placing,
                "Jämförelse": row.comparison,
                "Utveckling": row.development,
                "Status": views.badge_text(row.status, row.verdict) if row.status else "",
                "Exempeldata": "ja" if row.example else "",
            }
            for row in district.situation(code)
        ]
    )


table = situation(code, name)
said = overview.comments(code)
judged = overview.assessments()
judged = judged[judged["region_code"] == code] if not judged.empty else judged
for area_id, area_title in catalogue.areas():
    if area_id not in set(table["Område"]):
        continue
    st.subheader(area_title)
    mine = (
        said[(said["area"] == area_id) & said["indicator"].isna()].sort_values("year")
        if not said.empty
        else said
    )
    if not mine.empty:
        latest_comment = mine.iloc[-1]
        st.caption(
            f"Lägesbild {int(latest_comment['year'])} ({plain(latest_comment['written_by'])}):"
        )
        st.text(str(latest_comment["text"]))
    views.indicator_followup(catalogue, area_id, said, judged)
    part = table[table["Område"] == area_id].drop(columns=["Område"])
    # Status beside the indicator, visible without scrolling sideways at 1440 px; what the
    # development means under the table, whole.
    shown = part.drop(columns=["Utveckling"])
    shown = shown[
        ["Indikator", "Status", *[c for c in shown.columns if c not in ("Indikator", "Status")]]
    ]
    st.dataframe(
        shown,
        hide_index=True,
        key=f"area_{area_title}",
        column_config={"Indikator": st.column_config.TextColumn(width="medium")},
    )
    views.explanations(list(zip(part["Indikator"], part["Utveckling"], strict=True)))


beside.show(code, name)


@st.fragment
def trend_chart() -> None:
    guard_fragment()
    st.header("Utveckling över tid")
    # The same list, in the same order, as the Indikator page's: one widget, so the choice
    # goes with the reader from one page to the other and stays put there.
    options = {
        d.title: i
        for i, d in sorted(catalogue.definitions.items(), key=lambda x: x[1].title)
        if "district" in d.levels
    }
    title = st.selectbox("Indikator", list(options), key="indikator", bind="query-params")
    indicator = options[title]
    definition = catalogue.definitions[indicator]
    frame = frames.get(indicator, pd.DataFrame())
    # A count of a district and of the whole city differ twenty-fold: each gets its own panel
    # and axis, never one count axis. Rates and shares compare on one.
    regions_drawn = [
        (region, label, colour)
        for region, label, colour in (
            (code, name, "#0072B2"), (indicator_values.CITY, "Hela staden", "#E69F00"))
        if not frame.empty and frame.loc[
            (frame["region_code"] == region) & (frame["sex"] == "total"), "value"].notna().any()
    ]  # fmt: skip
    apart = district.drawn_apart(indicator) and len(regions_drawn) == 2
    traces = []
    for k, (region, label, colour) in enumerate(regions_drawn, start=1):
        place = charts.panel(k) if apart else {}
        rows = (
            frame[(frame["region_code"] == region) & (frame["sex"] == "total")]
            if not (frame.empty)
            else frame
        )
        if rows.empty:
            continue
        rows = rows.sort_values("year")
        if rows["lower"].notna().any():
            traces.append(
                go.Scatter(
                    x=list(rows["year"]) + list(rows["year"])[::-1],
                    y=list(rows["upper"]) + list(rows["lower"])[::-1],
                    fill="toself",
                    mode="lines",  # the band alone: no markers at its corners
                    fillcolor=colour,
                    opacity=0.15,
                    line={"width": 0},
                    hoverinfo="skip",
                    name=f"{label}, 95 % osäkerhet",
                    **place,
                )
            )
        traces.append(
            go.Scatter(
                x=rows["year"],
                y=rows["value"],
                mode="lines+markers",
                name=label,
                line={"color": colour, "width": 3},
                **place,
            )
        )
    example = not frame.empty and (
        indicator_values.example_note(
            frame[frame["region_code"].isin([code, indicator_values.CITY])]
        )
        is not None
    )
    axis = {"title": definition.unit, "rangemode": "tozero", "separatethousands": True}
    # Built in one step (charts.grid): make_subplots and updates after it validate the layout
    # again at each step.
    if apart:
        titles = [f"{name} ({definition.unit})", f"Hela staden ({definition.unit})"]
        layout = charts.grid(titles, 2, 1, vertical_spacing=0.12, shared_xaxes=True, y=axis)
        layout["xaxis"] |= {"title": "", "dtick": 1}
        layout["xaxis2"] |= {"title": "År", "dtick": 1}
        layout["height"] = 620
    else:
        layout = {"yaxis": axis, "xaxis": {"title": "År", "dtick": 1}, "annotations": []}
    marked = events.markers(indicator, code)
    if marked:
        traces.append(charts.event_trace(marked, True))
        layout["shapes"] = charts.event_lines(marked, "x", "y domain")
    layout["title"] = f"{definition.title} ({definition.unit})" + (
        " – Exempeldata" if example else ""
    )
    layout |= {"separators": PLOTLY_SEPARATORS, "margin": {"b": 90}}
    missing = [label for region, label, _ in regions_drawn]
    missing = [n for n in (name, "Hela staden") if n not in missing]
    layout["annotations"].append(
        {
            "text": charts.source_text(definition, example)
            + (" Området och hela staden har var sin skala." if apart else "")
            + (f" {' och '.join(missing)}: inga värden för indikatorn." if missing else ""),
            "xref": "paper",
            "yref": "paper",
            "x": 0,
            "y": -0.25 if not apart else -0.14,
            "showarrow": False,
            "xanchor": "left",
        }
    )
    figure = go.Figure(data=traces, layout=layout)
    st.plotly_chart(figure, key="district_chart")
    note = (
        indicator_values.example_note(
            frame[frame["region_code"].isin([code, indicator_values.CITY])]
        )
        if not (frame.empty)
        else None
    )
    if note:
        st.caption(note)
    charts.event_list(marked)
    drivers_section.show(indicator, code, "stadsdelsomrade")


trend_chart()
views.downloads(table, f"lagesbild_{name}", "district")
views.pack_buttons("stadsdelsomrade", lambda: packs.build("Stadsdelsområde", code))
views.link_to_view("stadsdelsomrade")
