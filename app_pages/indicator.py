"""Indikator: one indicator in full: what it is and how it is computed, the trend per district
as small multiples on one scale with uncertainty, the city, targets and baseline, breaks where
districts merged and where the agreement changed, a map, a ranking with intervals, and the
numbers."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app_pages import charts, drivers_section, municipalities, tables, views
from app_pages.signin import guard_fragment
from service import events, indicator_values, indicator_view, overview, packs, targets
from service.readmodel import view
from swedish.format import PLOTLY_SEPARATORS

TYPES = {
    "count": "ett antal per år",
    "rate": "ett antal per invånare (befolkningen samma år)",
    "share": "en andel av de svarande",
    "mean": "ett medelvärde",
    "index": "ett index",
    "published_rate": "ett tal som källan själv beräknar",
}
BOUNDARIES = {"today": "Dagens indelning", "time": "Dåtidens indelning"}


st.title("Indikator")
catalogue = indicator_values.catalogue()
# Every indicator followed per district, and those that compare Stockholm with other
# municipalities (Kolada).
options = {
    d.title: i
    for i, d in sorted(catalogue.definitions.items(), key=lambda x: x[1].title)
    if "district" in d.levels or "municipality" in d.levels
}
with st.sidebar:
    title = st.selectbox("Indikator", list(options), key="indikator", bind="query-params")
    boundaries = st.radio(
        "Indelning",
        list(BOUNDARIES),
        format_func=BOUNDARIES.get,
        key="indelning",
        bind="query-params",
    )
indicator = options[title]
definition = catalogue.definitions[indicator]
views.print_header(
    "indikator", [("Indikator", definition.title), ("Indelning", BOUNDARIES[boundaries])]
)
frame = indicator_values.values(indicator, boundaries)

st.header(definition.title)
if (failed := indicator_values.failed(frame)) is not None:
    st.error(failed)
st.markdown(
    f"{definition.description} [Indikatorns egen sida](/indikatorer/{indicator}) "
    "(att länka till och skriva ut; definition, källa, serien och senaste läget som tabeller)."
)
with st.expander("Källa, beräkning och förbehåll", expanded=False):
    area_titles = [catalogue.area_title(a) for a in definition.areas]
    st.markdown(
        f"**Prioriterat område:** {', '.join(area_titles)}  \n"
        f"**{views.source_line(definition)}**  \n"
        f"**Beräkning:** indikatorn är {TYPES[definition.type]}, i enheten {definition.unit}. "
        "Värden per år; månadsuppgifter summeras. Intervallen är 95 % "
        + ("(Wilson för andelar)" if definition.type == "share" else "(exakta Poissonintervall)")
        + ". Små tal visas inte."
    )
    for caveat in definition.caveats:
        st.markdown(f"- {caveat}")
if frame.empty:
    st.info("Inga uppgifter för indikatorn ännu.")
    st.stop()
if "district" not in definition.levels:
    municipalities.show(definition, frame)
    st.stop()
page_view = indicator_view.indicator_view(frame)
totals, districts, city = page_view.totals, page_view.districts, page_view.city
notes = page_view.notes


def panel_lines(panel: int, boundaries: str, code: str = "") -> list[dict]:
    """The baseline, target and break lines of one small multiple, as layout shapes: one
    `update_layout` for all panels instead of `add_vline` per line, which re-validates the whole
    layout each time (0.3 s for 11 panels)."""
    axis = "" if panel == 1 else str(panel)
    x, y = f"x{axis}", f"y{axis}"

    def vline(at: float, line: dict) -> dict:
        return {
            "type": "line",
            "x0": at,
            "x1": at,
            "xref": x,
            "y0": 0,
            "y1": 1,
            "yref": f"{y} domain",
            "line": line,
        }

    lines = []
    if definition.baseline_year:
        lines.append(vline(definition.baseline_year, {"color": "#999999", "dash": "dot"}))
    # The agreement in force changed between the year before its first and that year.
    change = indicator_values.agreement_change_year() - 0.5
    lines.append(vline(change, {"color": "#CC79A7", "width": 1}))
    if boundaries == "time":
        lines.append(vline(2020.5, {"color": "#555555", "width": 1, "dash": "dash"}))
    return lines


@view("catalogue", "followup", max_entries=64)
def multiples_figure(indicator: str, boundaries: str, inputs: str | None) -> go.Figure:
    """Built once per indicator, boundaries and what its frame was computed from (``inputs``:
    results.inputs_of; its targets and the region register are in it), and the follow-up's
    version (the event markers): drawing 11 panels is slow, and a load that leaves this
    indicator's figures as they were does not draw them again."""
    grid = indicator_view.multiples(definition, page_view)
    names = [p.name for p in grid.panels]
    cols = 4
    rows = (len(names) + cols - 1) // cols
    traces: list[go.Scatter] = []
    show_city, top = grid.show_city, grid.top
    shapes: list[dict] = []
    shown_event = False
    legend: set[str] = set()  # the legend's entries so far: each once, from its first panel
    for k, panel in enumerate(grid.panels):
        traces += _panel_traces(k, panel.rows, show_city, legend)
        traces += _target_traces(k, panel.code, legend)
        shapes.extend(panel_lines(k + 1, boundaries, panel.code))
        marked = events.markers(indicator, panel.code)
        if marked:
            traces.append(charts.event_trace(marked, not shown_event).update(charts.panel(k + 1)))
            shown_event = True
            axis = "" if k == 0 else str(k + 1)
            shapes.extend(charts.event_lines(marked, f"x{axis}", f"y{axis} domain"))
    tick = ",.0f" if definition.decimals == 0 else f",.{definition.decimals}f"
    drawn_years = [int(y) for p in grid.panels for y in p.rows["year"]]
    drawn_years += [t.year for p in grid.panels for t in targets.panel_targets(indicator, p.code)]
    years = [min(drawn_years), max(drawn_years)] if drawn_years else [2000, 2001]
    # One step (charts.grid): make_subplots, 33 traces added panel by panel and the axes
    # updated after validated the layout again at each step.
    layout = charts.grid(
        names, rows, cols, vertical_spacing=0.12, shared_yaxes=True,
        # Half a year of room at each end: a part of a year's label ("jan–jul") is not cut.
        x={"dtick": 1, "range": [years[0] - 0.6, years[-1] + 0.6]},
        y={"range": [0, top * 1.05], "tickformat": tick},
    )  # fmt: skip
    breaks = (
        " ".join(notes)
        + f" Lila linje: ny överenskommelse {indicator_values.agreement_change_year()}."
    )
    if not show_city:
        breaks += (
            " Hela staden visas inte: ett antal för hela staden hör inte hemma på samma skala."
        )
    if boundaries == "time":
        breaks += " Streckad grå linje: sammanslagning 1 juli 2020 (och 2023 vid den lila)."
    example = indicator_values.example_note(totals) is not None
    layout["annotations"].append(
        charts.source_note(
            # Wrapped: Plotly cuts a note wider than the chart instead of wrapping it.
            "<br>".join(
                textwrap.wrap(
                    f"{charts.source_text(definition, example)} {breaks} Prickad: basår "
                    f"{definition.baseline_year}.",
                    150,
                )
            ),
            y=-0.1,  # below the bottom row's years
        )
    )
    layout |= {
        "shapes": shapes,
        "title": f"{definition.title}: per stadsdelsområde ({definition.unit})"
        + (" – Exempeldata" if example else ""),
        "separators": PLOTLY_SEPARATORS,
        "height": 260 * rows + 120,
        "margin": {"b": 110},
    }
    figure = go.Figure(data=traces, layout=layout)
    return figure


def _first(legend: set[str], name: str) -> bool:
    """Whether ``name`` is new to the legend (and now in it)."""
    new = name not in legend
    legend.add(name)
    return new


def _target_traces(k: int, code: str, legend: set[str]) -> list[go.Scatter]:
    """The targets of the panel's own district (or of every district; the city's and another
    district's are not this panel's), each a mark at the year it applies to, in the legend."""
    place = charts.panel(k + 1)
    return [
        go.Scatter(
            x=[target.year],
            y=[target.value],
            mode="markers",
            name="Mål (för sitt år)",
            marker={
                "symbol": "line-ew",
                "size": 22,
                "color": "#009E73",
                "line": {"width": 3, "color": "#009E73"},
            },
            hovertemplate=f"Mål {target.year}: %{{y}}<extra></extra>",
            showlegend=_first(legend, "target"),
            **place,
        )
        for target in targets.panel_targets(indicator, code)
    ]


def _panel_traces(
    k: int, part: pd.DataFrame, show_city: bool, legend: set[str]
) -> list[go.Scatter]:
    """One district's panel: its 95 % band, its line over whole years (open rings for
    preliminary figures), a part of a year apart from it (an open diamond labelled with its
    months, never on the line of whole years), and the city's line where it shares the
    scale; each legend entry once."""
    place = charts.panel(k + 1)
    traces = []
    months = part["n_months"].fillna(12) if "n_months" in part else pd.Series(12, part.index)
    partial = part[months < 12]
    part = part[months >= 12]
    if part["lower"].notna().any():
        traces.append(
            go.Scatter(
                x=list(part["year"]) + list(part["year"])[::-1],
                y=list(part["upper"]) + list(part["lower"])[::-1],
                fill="toself",
                mode="lines",  # the band alone: no markers at its corners
                fillcolor="rgba(0,114,178,0.18)",
                line={"width": 0},
                hoverinfo="skip",
                showlegend=k == 0,
                name="95 % osäkerhet",
                **place,
            )
        )
    traces.append(
        go.Scatter(
            x=part["year"],
            y=part["value"],
            mode="lines+markers",
            name="Stadsdelsområdet",
            meta=str(part["region_name"].iloc[0]) if not part.empty else "",
            line={"color": "#0072B2", "width": 2.5},
            showlegend=k == 0,
            marker={
                "symbol": ["circle-open" if p else "circle" for p in part["preliminary"]],
                "color": "#0072B2",
            },
            **place,
        )
    )
    if not partial.empty:
        shown = [str(p).rsplit(" ", 1)[0] for p in partial["period"]]  # "jan–jul"
        traces.append(
            go.Scatter(
                x=partial["year"],
                y=partial["value"],
                mode="markers+text",
                name="Del av år (månaderna står vid punkten)",
                text=shown,
                textposition="top center",
                textfont={"size": 12, "color": "#0072B2"},
                customdata=list(partial["period"]),
                hovertemplate="%{customdata}: %{y}<extra></extra>",
                marker={"symbol": "diamond-open", "size": 10, "color": "#0072B2"},
                showlegend=_first(legend, "partial"),
                **place,
            )
        )
    if show_city:
        traces.append(
            go.Scatter(
                x=city["year"],
                y=city["value"],
                mode="lines",
                name="Hela staden",
                showlegend=k == 0,
                line={"color": "#E69F00", "dash": "dash"},
                **place,
            )
        )
    return traces


@st.fragment
def small_multiples() -> None:
    guard_fragment()
    if districts.empty:
        st.caption("Inga uppgifter per stadsdelsområde.")
        return
    figure = multiples_figure(indicator, boundaries, indicator_values.inputs(indicator, boundaries))
    st.plotly_chart(figure, key="multiples")


small_multiples()
for note in notes:
    st.caption(note)
charts.event_list(events.listed(indicator))
said = overview.comments()
judged = overview.assessments()
for area in definition.areas:
    views.indicator_followup(area, said, judged, indicator)

# The latest year any district has a value for (a year whose values are all missing, e.g. for
# want of population, would draw an empty map and rank nobody).
latest_year = page_view.latest_year
latest_period = page_view.latest_period  # "jan–jul 2026" where the year is not whole


@view("data", "catalogue", max_entries=64)
def map_and_ranking(indicator: str, boundaries: str) -> tuple[go.Figure | None, go.Figure | None]:
    """The map (today's boundaries) and the ranking of the latest year, built once."""
    if latest_year is None:
        return None, None
    map_figure = None
    if boundaries == "today":
        current = districts[districts["year"] == latest_year]
        map_figure = charts.district_map(definition, current, latest_year, latest_period)
    ranked = indicator_values.ranked(indicator, frame, latest_year)
    rank_figure = None
    if not ranked.empty:
        rank_figure = go.Figure(
            go.Scatter(
                x=ranked["value"],
                y=ranked["region_name"],
                mode="markers",
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": (ranked["upper"] - ranked["value"]).fillna(0),
                    "arrayminus": (ranked["value"] - ranked["lower"]).fillna(0),
                },
                marker={"color": "#0072B2", "size": 10},
            )
        )
        example = (
            bool(ranked["example"].fillna(False).astype(bool).any())
            if "example" in ranked
            else False
        )
        rank_figure.update_layout(
            title=f"{definition.title} {latest_period}: bäst överst"
            + (" – Exempeldata" if example else ""),
            separators=PLOTLY_SEPARATORS,
            xaxis={"title": definition.unit, "separatethousands": True},
            yaxis={"autorange": "reversed"},
            height=40 * len(ranked) + 160,
            annotations=[
                {
                    "text": charts.source_text(definition, example) + " Överlappande intervall: "
                    "skillnaden är inte säkerställd.",
                    "xref": "paper",
                    "yref": "paper",
                    "x": 0,
                    "y": -0.2,
                    "showarrow": False,
                    "xanchor": "left",
                }
            ],
        )
    return map_figure, rank_figure


drivers_section.show(indicator, indicator_values.CITY, "indikator")

map_figure, rank_figure = map_and_ranking(indicator, boundaries)
if map_figure is not None:
    st.subheader(f"Karta {latest_period}")
    st.plotly_chart(map_figure, key="map")
if rank_figure is not None:
    st.subheader(f"Rangordning {latest_period}, med osäkerhet")
    st.plotly_chart(rank_figure, key="ranking")
elif latest_year is not None and indicator_values.not_ranked(indicator):
    st.subheader(f"Rangordning {latest_period}")
    st.caption(str(indicator_values.not_ranked(indicator)))

st.subheader("Siffrorna")
table = indicator_view.figures_table(definition, totals)
tables.table(table, hide_index=True, key="numbers")
views.downloads(table, views.file_name(indicator, boundaries), "indicator")
views.pack_buttons(
    "indikator",
    lambda: packs.indicator(indicator, boundaries),
    views.file_name("indikator", indicator, boundaries),
)
views.link_to_view("indikator")
