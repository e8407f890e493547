"""The Indikator page for an indicator that compares Stockholm with other municipalities
(Kolada): every municipality's line over the years, Stockholm bold, the other big cities
(SKR's group A1, Kolada's "liknande kommuner" of Stockholm's kind) in colour and the
neighbours in grey; the latest year as a table with Stockholm's place; missing values as
Kolada marks them."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from app_pages import charts, views
from service import indicator_values, municipalities
from swedish.format import PLOTLY_SEPARATORS


def show(definition: indicator_values.Definition, frame: object) -> None:
    totals = frame[(frame["sex"] == "total") & (frame["age_group"] == "all")]  # type: ignore[index]
    st.subheader("Stockholm jämfört med andra kommuner")
    figure = go.Figure()
    colours = {"0180": "#0072B2", "1480": "#E69F00", "1280": "#009E73"}
    for code, part in sorted(totals.groupby("region_code"), key=lambda x: x[0] != "0180"):
        part = part.sort_values("year")
        name = str(part["region_name"].iloc[0])
        big = str(code) in colours
        figure.add_trace(
            go.Scatter(
                x=part["year"],
                y=part["value"],
                mode="lines+markers" if big else "lines",
                name=name + ("" if big else " (grannkommun)"),
                line={
                    "color": colours.get(str(code), "#9a9a9a"),
                    "width": 4 if code == "0180" else 2.5 if big else 1.2,
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
    table = municipalities.municipality_table(definition, frame)  # type: ignore[arg-type]
    if not table.empty:
        st.dataframe(table, hide_index=True, key="municipality_table")
        views.downloads(table, f"{definition.id}_kommuner", "municipalities")
    st.caption(
        "Kolada har inga uppgifter per stadsdelsområde: indikatorn följs för hela staden. "
        "Ett värde som Kolada markerar som saknat visas som saknat, aldrig som 0."
    )
