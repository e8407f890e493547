"""Stadsdelsområde: the local situation picture of one district: every indicator by priority
area, against the city and the district's own history, its rank with uncertainty, and women
and men where the indicator has them."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app_pages import beside, charts, drivers_section, local_section, views
from app_pages.signin import guard_fragment
from service import events, packs
from service import views as data
from service.readmodel import view
from service.views import (
    PLOTLY_SEPARATORS,
    by_region,
    comparison,
    inputs_of,
    latest_record,
    latest_row,
    period_of,
    rank_text,
    rankable,
    ranking,
)

st.title("Stadsdelsområdets lägesbild")
catalogue = views.catalogue()
regions = views.district_options()
districts = [n for n in regions if n != "Hela staden"]
with st.sidebar:
    name = st.selectbox("Stadsdelsområde", districts, key="stadsdelsomrade", bind="query-params")
code = regions[name]
views.print_header("stadsdelsomrade", [("Stadsdelsområde", name)])
frames = views.cached_all("today")
local_section.show(code, name, views.local_agreements().get(code))
st.header("Indikatorer")
st.caption(
    f"Alla indikatorer för {name} på dagens indelning, jämfört med hela staden och med "
    "områdets egen historik. Placeringen visas som ett intervall: så långt säkerheten "
    "räcker."
)


@view("catalogue", max_entries=2048)
def indicator_row(
    area_title: str, indicator: str, code: str, name: str, inputs: tuple[str | None, ...]
) -> dict[str, str]:
    """One indicator's row of the district's table, kept while its figures are the same
    (``inputs``: what its frames were computed from, results.inputs_of), whatever else a load
    changed: a load for one crime category computes the rows of the indicators over it only."""
    definition = catalogue.definitions[indicator]
    frame = views.cached_all("today").get(indicator, pd.DataFrame())
    split = by_region(frame, [code, views.CITY])  # the two regions' rows, once
    own = latest_record(split.get(code, []))
    city = latest_record(split.get(views.CITY, []), int(own["year"])) if own is not None else None
    placing = ""
    if own is not None and not pd.isna(own["value"]):
        if not rankable(definition):
            placing = "rangordnas inte (antal)"
        else:
            ranked = ranking(definition, frame, int(own["year"]))
            mine = ranked[ranked["region_code"] == code]
            if not mine.empty:
                placing = rank_text(mine.iloc[0], len(ranked))
                placing += f", {int(own['year'])}"
    said = comparison(definition, own)
    women = men = ""
    if "sex" in definition.breakdowns and own is not None:
        by_sex = views.cached_all("today", by_sex=True).get(indicator, pd.DataFrame())
        w = latest_row(by_sex[by_sex["year"] == own["year"]], code, "female")
        m = latest_row(by_sex[by_sex["year"] == own["year"]], code, "male")
        women = (
            "skyddat"
            if w is not None and w["suppressed"]
            else (views.fmt_value(definition, w["value"]) if w is not None else "")
        )
        men = (
            "skyddat"
            if m is not None and m["suppressed"]
            else (views.fmt_value(definition, m["value"]) if m is not None else "")
        )
    return {
        "Område": area_title,
        "Indikator": definition.title,
        "Period": "" if own is None else period_of(own),
        name: "–"
        if own is None
        else ("skyddat" if own["suppressed"] else views.fmt_value(definition, own["value"])),
        "Osäkerhet (95 %)": ""
        if own is None
        else views.fmt_interval(definition, own["lower"], own["upper"]),
        "Hela staden": "–"
        if city is None
        else ("skyddat" if city["suppressed"] else views.fmt_value(definition, city["value"])),
        "Kvinnor": women,
        "Män": men,
        "Placering bland områdena": placing,
        "Jämförelse": said["change_line"],
        "Utveckling": "Inga uppgifter ännu." if own is None else str(own["status_text"]),
        "Status": "" if own is None else views.badge_text(str(own["status"]), str(said["verdict"])),
        "Exempeldata": "ja"
        if own is not None and not pd.isna(own.get("example")) and own.get("example")
        else "",
    }


def situation(code: str, name: str) -> pd.DataFrame:
    """The district's table: one row per indicator (each cached by what it shows)."""
    sexes = views.cached_all("today", by_sex=True)
    rows = []
    for area_id, area_title in catalogue.areas():
        for indicator in catalogue.indicators_for(area_id):
            if "district" not in catalogue.definitions[indicator].levels:
                continue
            inputs = tuple(
                inputs_of(f[indicator]) if indicator in f else None for f in (frames, sexes)
            )
            rows.append(indicator_row(area_title, indicator, code, name, inputs))
    return pd.DataFrame(rows)


table = situation(code, name).copy()
said = data.comments(code)
judged = data.assessments()
judged = judged[judged["region_code"] == code] if not judged.empty else judged
titles = dict(catalogue.areas())
for area_title in table["Område"].unique():
    st.subheader(area_title)
    area_id = next(a for a, t in titles.items() if t == area_title)
    mine = (
        said[(said["area"] == area_id) & said["indicator"].isna()].sort_values("year")
        if not said.empty
        else said
    )
    if not mine.empty:
        latest_comment = mine.iloc[-1]
        st.caption(
            f"Lägesbild {int(latest_comment['year'])} ({data.plain(latest_comment['written_by'])}):"
        )
        st.text(str(latest_comment["text"]))
    views.indicator_followup(catalogue, area_id, said, judged)
    part = table[table["Område"] == area_title].drop(columns=["Område"])
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
            (code, name, "#0072B2"), (views.CITY, "Hela staden", "#E69F00"))
        if not frame.empty and frame.loc[
            (frame["region_code"] == region) & (frame["sex"] == "total"), "value"].notna().any()
    ]  # fmt: skip
    apart = not rankable(definition) and len(regions_drawn) == 2
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
        views.example_note(frame[frame["region_code"].isin([code, views.CITY])]) is not None
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
        views.example_note(frame[frame["region_code"].isin([code, views.CITY])])
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
