"""Reported crime beside the survey's share exposed, for one district on one time axis (the
victims area): the reported count with its interval above, the share who say they were
exposed with theirs below, and in words why a rise in reports is not a rise in crime until
the survey says so."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from app_pages import charts, tables, views
from service import district, indicator_values, indicator_view
from service.readmodel import view
from swedish.format import PLOTLY_SEPARATORS


@view("catalogue", max_entries=64)
def _figure(
    indicator: str, code: str, name: str, inputs: tuple[str | None, str | None]
) -> go.Figure | None:
    """The two panels for one district, None when either series is empty: built once while the
    two indicators' figures are the same (``inputs``: what their frames were computed from),
    not at every run of the page (plotly's figure building is a tenth of a second)."""
    catalogue = indicator_values.catalogue()
    definition = catalogue.definitions[indicator]
    assert definition.beside is not None
    other = catalogue.definitions[definition.beside]
    reported = district.whole_years(indicator, code)
    survey = district.whole_years(definition.beside, code)
    if reported.empty or survey.empty:
        return None
    example = indicator_values.example_note(survey) is not None
    titles = (
        f"{definition.title} ({definition.unit})",
        f"{other.title} ({other.unit})" + (" – Exempeldata" if example else ""),
    )
    traces = []
    for k, (rows, colour) in enumerate(((reported, "#0072B2"), (survey, "#D55E00")), 1):
        traces.append(
            go.Scatter(
                x=list(rows["year"]) + list(rows["year"])[::-1],
                y=list(rows["upper"]) + list(rows["lower"])[::-1],
                fill="toself", mode="lines", line={"width": 0}, fillcolor=colour,
                opacity=0.18, hoverinfo="skip", showlegend=k == 1, name="95 % osäkerhet",
                **charts.panel(k),
            )
        )  # fmt: skip
        traces.append(
            go.Scatter(x=rows["year"], y=rows["value"], mode="lines+markers",
                       line={"color": colour, "width": 2.5}, showlegend=False,
                       name=(definition if k == 1 else other).unit, **charts.panel(k))
        )  # fmt: skip
    years = sorted(set(reported["year"].astype(int)) | set(survey["year"].astype(int)))
    layout = charts.grid(
        list(titles), 2, 1, vertical_spacing=0.14, shared_xaxes=True,
        x={"range": [years[0] - 0.5, years[-1] + 0.5], "dtick": 1, "tickformat": "d"},
        y={"rangemode": "tozero", "separatethousands": True},
    )  # fmt: skip
    source = f"{views.source_line(definition)} {charts.source_text(other, example)}"
    layout["annotations"].append(charts.source_note(source, y=-0.14))
    title = f"{definition.title} och {other.title.lower()}, {name}"
    layout |= {"title": title, "separators": PLOTLY_SEPARATORS, "height": 560}
    layout["margin"] = {"b": 90}
    return go.Figure(data=traces, layout=layout)


def show(code: str, name: str) -> None:
    """Every pair the catalogue declares (``beside:``) for the district ``code``."""
    catalogue = indicator_values.catalogue()
    for indicator, definition in catalogue.definitions.items():
        if definition.beside is None:
            continue
        other = catalogue.definitions[definition.beside]
        inputs = (
            indicator_values.inputs(indicator),
            indicator_values.inputs(definition.beside),
        )
        figure = _figure(indicator, code, name, inputs)
        st.subheader(f"Anmält och upplevt i {name}")
        if figure is None:
            st.caption(
                f"{definition.title} och {other.title.lower()} finns inte båda för {name} ännu."
            )
            continue
        st.plotly_chart(figure, key=f"beside_{indicator}")
        st.caption(
            "Anmälda brott är inte detsamma som brottslighet: många brott anmäls aldrig, och "
            "hur många som anmäler ändras över tid och skiljer sig mellan områden. En ökning av "
            "anmälningarna kan därför bero på att fler anmäler. Läs den tillsammans med "
            "enkätens andel som säger sig ha utsatts: ökar inte den, är det inte säkert att "
            "brotten har ökat. Enkäten görs inte varje år."
        )
        with st.expander("Diagrammets siffror"):
            tables.table(
                indicator_view.series_table([
                    (definition.title, definition, district.whole_years(indicator, code)),
                    (other.title, other, district.whole_years(definition.beside, code)),
                ]),
                hide_index=True, key=f"beside_table_{indicator}",
            )  # fmt: skip
