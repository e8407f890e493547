"""The Indikator page for an indicator that compares Stockholm with other municipalities
(Kolada): every municipality's line over the years, Stockholm bold, the other big cities
(SKR's group A1, Kolada's "liknande kommuner" of Stockholm's kind) in colour and the
neighbours in grey; the latest year as a table with Stockholm's place; missing values as
Kolada marks them."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from app_pages import charts, tables, views
from service import indicator_values, municipalities
from swedish.format import PLOTLY_SEPARATORS

COLOURS = {"Stockholm": "#0072B2", "1480": "#E69F00", "1280": "#009E73"}  # Göteborg, Malmö
WIDTHS = {"Stockholm": 4, "storstad": 2.5, "grannkommun": 1.2}


def show(definition: indicator_values.Definition, frame: object) -> None:
    st.subheader("Stockholm jämfört med andra kommuner")
    figure = go.Figure()
    for line in municipalities.lines(frame):  # type: ignore[arg-type]
        big = line.group != "grannkommun"
        figure.add_trace(
            go.Scatter(
                x=line.years,
                y=line.values,
                mode="lines+markers" if big else "lines",
                name=line.name + ("" if big else " (grannkommun)"),
                line={
                    "color": COLOURS.get(line.group, COLOURS.get(line.code, "#9a9a9a")),
                    "width": WIDTHS[line.group],
                    "dash": "solid" if big else "dot",
                },
                connectgaps=False,
            )
        )
    figure.update_layout(
        title=f"{definition.title} ({definition.unit})",
        separators=PLOTLY_SEPARATORS,
        height=480,
        yaxis={"title": definition.unit, "rangemode": "tozero", "tickformat": ",.0f"},
        xaxis={"title": "År", "dtick": 1},
        legend={"title": {"text": "Kommun"}},
        margin={"b": 120},
        annotations=[
            charts.source_note(
                charts.source_text(definition, False)
                + " Kolada anger inget osäkerhetsmått. Storstäder i färg (SKR:s kommungrupp "
                "A1), grannkommuner streckade; ett år utan värde är ett avbrott i linjen.",
                y=-0.27,
            )
        ],
    )
    st.plotly_chart(figure, key="municipalities")
    table = municipalities.table(definition, frame)  # type: ignore[arg-type]
    if not table.empty:
        tables.table(table, hide_index=True, key="municipality_table")
        views.downloads(table, f"{definition.id}_kommuner", "municipalities")
    st.caption(
        "Kolada har inga uppgifter per stadsdelsområde: indikatorn följs för hela staden. "
        "Ett värde som Kolada markerar som saknat visas som saknat, aldrig som 0."
    )
