"""Stadsdelsområde: the local situation picture of one district: every indicator by priority
area, against the city and the district's own history, its rank with uncertainty, and women
and men where the indicator has them."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app_pages import beside, charts, drivers_section, local_section, tables, views
from app_pages.signin import guard_fragment
from app_pages.views import plain
from service import (
    district,
    district_reports,
    events,
    indicator_values,
    indicator_view,
    local,
    overview,
    packs,
)
from swedish.format import PLOTLY_SEPARATORS

st.title("Stadsdelsområdets lägesbild")
catalogue = indicator_values.catalogue()
regions = indicator_values.district_options()
districts = [n for n in regions if n != "Hela staden"]
with st.sidebar:
    name = st.selectbox("Stadsdelsområde", districts, key="stadsdelsomrade", bind="query-params")
code = regions[name]
views.print_header("stadsdelsomrade", [("Stadsdelsområde", name)])
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
if code != indicator_values.CITY:
    latest = district_reports.latest_for(code, date.today().isoformat())
    standing, preliminary = district_reports.standing(latest)
    if latest is not None:
        (st.warning if preliminary else st.caption)(standing)
        st.page_link(
            "app_pages/reports.py",
            label=f"Öppna {name}s rapport",
            icon=":material/description:",
            query_params={"rap_sdo": name, "rap_ar": str(latest.due.year),
                          "rap_rapport": latest.title},
        )  # fmt: skip
said = overview.comments(code)
judged = overview.region_assessments(code)
for area_id, area_title in catalogue.areas():
    if area_id not in set(table["Område"]):
        continue
    st.subheader(area_title)
    latest_comment = overview.latest_area_comment(said, area_id)
    if latest_comment is not None:
        st.caption(
            f"Lägesbild {int(latest_comment['year'])} ({plain(latest_comment['written_by'])}):"
        )
        st.text(str(latest_comment["text"]))
    views.indicator_followup(area_id, said, judged)
    part = table[table["Område"] == area_id].drop(columns=["Område"])
    # Status beside the indicator, visible without scrolling sideways at 1440 px; what the
    # development means under the table, whole.
    shown = part.drop(columns=["Utveckling"])
    shown = shown[
        ["Indikator", "Status", *[c for c in shown.columns if c not in ("Indikator", "Status")]]
    ]
    tables.table(
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
    shown = district.trend(indicator, code, name)
    traces = [trace for k, s in enumerate(shown.series, start=1) for trace in _lines(k, s, shown)]
    layout = _trend_layout(definition, shown, name)
    marked = events.markers(indicator, code)
    if marked:
        traces.append(charts.event_trace(marked, True))
        layout["shapes"] = charts.event_lines(marked, "x", "y domain")
    figure = go.Figure(data=traces, layout=layout)  # one step: see _trend_layout
    st.plotly_chart(figure, key="district_chart")
    if shown.example_note:
        st.caption(shown.example_note)
    with st.expander("Diagrammets siffror"):
        tables.table(
            indicator_view.series_table([
                (s.label, definition, pd.DataFrame({"year": s.years, "value": s.values,
                                                    "lower": s.lower, "upper": s.upper}))
                for s in shown.series
            ]),
            hide_index=True, key="district_chart_table",
        )  # fmt: skip
    charts.event_list(marked)
    drivers_section.show(indicator, code, "stadsdelsomrade")


COLOURS = {"Hela staden": "#E69F00"}  # the district's line: "#0072B2"


def _lines(k: int, series: district.Series, shown: district.Trend) -> list[go.Scatter]:
    """One region's line, with its 95 % band where it has one (in panel ``k`` when apart)."""
    colour = COLOURS.get(series.label, "#0072B2")
    place = charts.panel(k) if shown.apart else {}
    traces = []
    if series.has_interval:
        traces.append(
            go.Scatter(
                x=list(series.years) + list(series.years)[::-1],
                y=list(series.upper) + list(series.lower)[::-1],
                fill="toself",
                mode="lines",  # the band alone: no markers at its corners
                fillcolor=colour,
                opacity=0.15,
                line={"width": 0},
                hoverinfo="skip",
                name=f"{series.label}, 95 % osäkerhet",
                **place,
            )
        )
    traces.append(
        go.Scatter(
            x=series.years,
            y=series.values,
            mode="lines+markers",
            name=series.label,
            line={"color": colour, "width": 3},
            **place,
        )
    )
    return traces


def _trend_layout(definition: object, shown: district.Trend, name: str) -> dict:
    """The chart's axes (a panel each when apart), title and source line. Built in one step
    (charts.grid): make_subplots and updates after it validate the layout again at each step."""
    unit = definition.unit  # type: ignore[attr-defined]
    axis = {"title": unit, "rangemode": "tozero", "separatethousands": True}
    if shown.apart:
        titles = [f"{name} ({unit})", f"Hela staden ({unit})"]
        layout = charts.grid(titles, 2, 1, vertical_spacing=0.12, shared_xaxes=True, y=axis)
        layout["xaxis"] |= {"title": "", "dtick": 1}
        layout["xaxis2"] |= {"title": "År", "dtick": 1}
        layout["height"] = 620
    else:
        layout = {"yaxis": axis, "xaxis": {"title": "År", "dtick": 1}, "annotations": []}
    layout["title"] = f"{definition.title} ({unit})" + (  # type: ignore[attr-defined]
        " – Exempeldata" if shown.example else ""
    )
    layout |= {"separators": PLOTLY_SEPARATORS, "margin": {"b": 90}}
    missing = shown.missing
    layout["annotations"].append(
        {
            "text": charts.source_text(definition, shown.example)  # type: ignore[arg-type]
            + (" Området och hela staden har var sin skala." if shown.apart else "")
            + (f" {' och '.join(missing)}: inga värden för indikatorn." if missing else ""),
            "xref": "paper",
            "yref": "paper",
            "x": 0,
            "y": -0.25 if not shown.apart else -0.14,
            "showarrow": False,
            "xanchor": "left",
        }
    )
    return layout


trend_chart()
views.downloads(table, views.file_name("lagesbild", name), "district")
views.pack_buttons(
    "stadsdelsomrade",
    lambda: packs.build("Stadsdelsområde", code),
    views.file_name("stadsdelsomrade", name),
)
views.link_to_view("stadsdelsomrade")
