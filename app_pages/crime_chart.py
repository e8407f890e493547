"""The reported-crime line chart: a plain function from a tidy frame to a Plotly figure, so
the page stays thin and tests can inspect the figure's data."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from swedish.format import MONTH_NAMES, PLOTLY_SEPARATORS, number, year_list

# Carto's "Safe" palette: eleven colours chosen to stay apart for colour-blind readers.
SAFE_COLOURS = [
    "#88CCEE",
    "#CC6677",
    "#DDCC77",
    "#117733",
    "#332288",
    "#AA4499",
    "#44AA99",
    "#999933",
    "#882255",
    "#661100",
    "#6699CC",
    "#888888",
]
DASHES = ["solid", "dash", "dot", "dashdot"]


def _period_label(period: object, granularity: str) -> str:
    if granularity == "month":
        stamp = pd.Timestamp(period)  # type: ignore[arg-type]
        return f"{MONTH_NAMES[stamp.month - 1]} {stamp.year}"
    return str(period)


def source_line(frame: pd.DataFrame, boundaries: str, citation: str) -> str:
    """``Källa: BRÅ, anmälda brott; preliminära siffror för 2023`` and the boundary note;
    ``citation`` comes from the source's record (data/reference/sources.yaml)."""
    text = f"Källa: {citation}"
    prel_years = sorted(int(y) for y in frame.loc[frame["preliminary"], "year"].unique())
    if prel_years:
        text += f"; preliminära siffror för {year_list(prel_years)}"
    if boundaries == "today":
        text += ". Dagens indelning: äldre stadsdelsområden är summerade in i dagens."
    else:
        text += ". Dåtidens indelning: stadsdelsområden som de rapporterades."
    return text


def crime_figure(
    frame: pd.DataFrame,
    *,
    title: str,
    unit: str,
    granularity: str,
    boundaries: str,
    citation: str,
    decimals: int = 0,
) -> go.Figure:
    """Lines per region; preliminary points drawn as open markers; suppressed points left
    out (a gap) and named in the hover of the line."""
    figure = go.Figure()
    for i, (name, rows) in enumerate(frame.groupby("region_name", sort=True)):
        rows = rows.sort_values("period")
        colour = SAFE_COLOURS[i % len(SAFE_COLOURS)]
        dash = DASHES[(i // len(SAFE_COLOURS)) % len(DASHES)]
        hover = [
            f"{name}<br>{_period_label(p, granularity)}: "
            + ("färre än tröskeln (skyddat)" if s else number(v, decimals))
            + (" (preliminärt)" if pr else "")
            for p, v, s, pr in zip(
                rows["period"], rows["value"], rows["suppressed"], rows["preliminary"], strict=True
            )
        ]
        figure.add_trace(
            go.Scatter(
                x=rows["period"],
                y=rows["value"],
                mode="lines+markers",
                name=str(name),
                line={"color": colour, "dash": dash, "width": 2.5},
                marker={
                    "symbol": ["circle-open" if p else "circle" for p in rows["preliminary"]],
                    "size": [10 if p else 7 for p in rows["preliminary"]],
                    "color": colour,
                },
                hovertext=hover,
                hoverinfo="text",
                connectgaps=False,
            )
        )
    if frame["preliminary"].any():
        figure.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name="Preliminära siffror",
                marker={"symbol": "circle-open", "size": 10, "color": "#444444"},
                hoverinfo="skip",
            )
        )
    figure.update_layout(
        title={"text": title},
        separators=PLOTLY_SEPARATORS,
        yaxis={"title": {"text": unit}, "rangemode": "tozero", "separatethousands": True},
        xaxis={"title": {"text": "Månad" if granularity == "month" else "År"}},
        legend={"title": {"text": "Område"}},
        margin={"b": 110},
        annotations=[
            {
                "text": source_line(frame, boundaries, citation),
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": -0.28,
                "showarrow": False,
                "xanchor": "left",
                "font": {"size": 12},
            }
        ],
    )
    if granularity == "year":
        figure.update_xaxes(dtick=1, tickformat="d")
    return figure
