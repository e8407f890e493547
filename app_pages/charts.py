"""Charts the pages share: the small trend of a card and the map of today's districts.
Built from what ``service.views`` gives; every chart has a title with its unit and a source
line (Exempeldata where the values are invented)."""

from __future__ import annotations

import math
from datetime import date, timedelta
from html import escape

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from app_pages.views import plain, source_line
from service import maps
from service.drivers import Drivers
from service.indicator_values import Definition, fmt_interval, fmt_value
from swedish.format import MONTH_NAMES, PLOTLY_SEPARATORS, number

BAND = "rgba(0,114,178,0.18)"
LINE = "#0072B2"
EXAMPLE_SOURCE = "Källa: Exempeldata (påhittade värden, inte verkliga resultat)."


def source_note(text: str, y: float = -0.08, size: int = 11) -> dict:
    """The source line under a chart, left-aligned, part of the chart (it travels with a
    saved image)."""
    return {"text": text, "xref": "paper", "yref": "paper", "x": 0, "y": y, "showarrow": False,
            "xanchor": "left", "font": {"size": size}}  # fmt: skip


def grid(
    titles: list[str],
    rows: int,
    cols: int,
    *,
    vertical_spacing: float,
    shared_xaxes: bool = False,
    shared_yaxes: bool = False,
    x: dict | None = None,
    y: dict | None = None,
) -> dict:
    """The layout plotly's ``make_subplots(rows, cols, subplot_titles=titles, ...)`` makes
    (panels from the top left, row by row; a shared axis matches the bottom row's x or the
    row's first y and hides its tick labels), with ``x`` and ``y`` set on every axis: a figure
    is then built in one step from its traces (:func:`panel`) and this layout. Building it
    with make_subplots, traces added panel by panel and the axes updated after, validates the
    whole layout again at each step: 35 ms for two panels against 3,5 ms (issue 33)."""
    hs, vs = 0.2 / cols, vertical_spacing
    width, height = (1 - hs * (cols - 1)) / cols, (1 - vs * (rows - 1)) / rows
    layout: dict = {}
    annotations = []
    for k in range(rows * cols):
        r, c = divmod(k, cols)
        # From the bottom, as plotly counts (no rounding below 0).
        x_from, y_from = c * (width + hs), (rows - 1 - r) * (height + vs)
        x_domain, y_domain = [x_from, x_from + width], [y_from, y_from + height]
        y_to = y_from + height
        x_axis = {"anchor": f"y{k + 1 if k else ''}", "domain": x_domain, **(x or {})}
        y_axis = {"anchor": f"x{k + 1 if k else ''}", "domain": y_domain, **(y or {})}
        if shared_xaxes and r < rows - 1:
            x_axis |= {"matches": f"x{(rows - 1) * cols + c + 1}", "showticklabels": False}
        if shared_yaxes and c > 0:
            first = r * cols + 1
            y_axis |= {"matches": f"y{first if first > 1 else ''}", "showticklabels": False}
        layout[f"xaxis{k + 1 if k else ''}"] = x_axis
        layout[f"yaxis{k + 1 if k else ''}"] = y_axis
        if k < len(titles):
            title = {"font": {"size": 16}, "showarrow": False, "text": titles[k]}
            title |= {"x": x_from + width / 2, "xanchor": "center", "xref": "paper"}
            annotations.append(title | {"y": y_to, "yanchor": "bottom", "yref": "paper"})
    layout["annotations"] = annotations
    return layout


def panel(k: int) -> dict:
    """The axes of the ``k``-th panel (from 1) of a :func:`grid`, for a trace drawn in it."""
    return {"xaxis": f"x{k if k > 1 else ''}", "yaxis": f"y{k if k > 1 else ''}"}


def source_text(definition: Definition, example: bool) -> str:
    """The source line of a chart: the source's citation, or Exempeldata for invented values."""
    return EXAMPLE_SOURCE if example else source_line(definition)


def figures_html(
    definition: Definition, title: str, series: list[tuple[int, float, float | None, float | None]]
) -> str:
    """A small chart's figures as a table for a screen reader only (issue 38): the cards of
    Mötesläge have no room for a visible one; the card says the change it shows."""
    rows = "".join(
        f"<tr><th scope='row'>{year}</th><td>{escape(fmt_value(definition, value))}</td>"
        f"<td>{escape(fmt_interval(definition, low, high) or '–')}</td></tr>"
        for year, value, low, high in series
    )
    # In a box of one pixel that hides what overflows (a table ignores a height smaller than
    # its rows: alone it made a meeting's step 1 347 px high).
    return (
        f"<div class='sr-only'><table><caption>{escape(title)}, {escape(definition.unit)}, "
        "per år</caption><tr><th scope='col'>År</th><th scope='col'>Värde</th>"
        f"<th scope='col'>Intervall (95 %)</th></tr>{rows}</table></div>"
    )


def sparkline(
    definition: Definition,
    series: list[tuple[int, float, float | None, float | None]],
    example: bool = False,
    height: int = 190,
    markers: list | None = None,
    font: int = 12,
) -> go.Figure:
    """A small trend of one indicator for a card: years on the axis, the 95 % interval as a
    band, the unit in the title and the source underneath (Exempeldata where it is).
    ``font``: the tick labels' size in px (larger for a projector)."""
    years = [s[0] for s in series]
    figure = go.Figure()
    band = [s for s in series if s[2] is not None and s[3] is not None]
    if band:
        figure.add_trace(
            go.Scatter(
                x=[s[0] for s in band] + [s[0] for s in band][::-1],
                y=[s[3] for s in band] + [s[2] for s in band][::-1],
                fill="toself",
                mode="lines",
                fillcolor=BAND,
                line={"width": 0},
                hoverinfo="skip",
                name="95 % osäkerhet",
            )
        )
    figure.add_trace(
        go.Scatter(
            x=years,
            y=[s[1] for s in series],
            mode="lines+markers",
            line={"color": LINE, "width": 2.5},
            name=definition.unit,
        )
    )
    # Events within the years drawn, at the foot of the line.
    shown_markers = [m for m in markers or [] if years[0] <= m.x < years[-1] + 1]
    if shown_markers:
        bottom = min(s[2] if s[2] is not None else s[1] for s in series)
        figure.add_trace(event_trace(shown_markers, False, bottom))
    source = source_text(definition, example)
    figure.update_layout(
        title={
            "text": f"{definition.unit}, {years[0]}–{years[-1]}"
            + (" – Exempeldata" if example else ""),
            "font": {"size": 13},
        },
        separators=PLOTLY_SEPARATORS,
        height=height,
        showlegend=False,
        margin={"l": 44, "r": 10, "t": 30, "b": 44},
        font={"size": font},
        xaxis={"dtick": 1 if len(years) <= 8 else 2, "tickformat": "d"},
        shapes=charts_events
        if (charts_events := event_lines(shown_markers, "x", "paper"))
        else None,
        annotations=[
            {
                "text": source,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": 0,
                "yshift": -24,  # below the years, whatever the chart's height
                "yanchor": "top",
                "showarrow": False,
                "xanchor": "left",
                "font": {"size": 10},
            }
        ],
    )
    return figure


def district_map(
    definition: Definition, current: pd.DataFrame, year: int, period: str = ""
) -> go.Figure:
    """Today's districts coloured by the indicator in ``year`` (service.maps.district_map
    says what each shows), each labelled with its name and value; districts whose value is
    protected are hatched grey, those without one white, both in the legend. Drawn offline
    from the bundled outlines. ``period``: the year as its figures cover it ("jan–jul
    2026"), in the title."""
    shown = maps.district_map(definition, current, year)
    figure = go.Figure(data=[*_outlines(shown), *_labels(shown), _colour_bar(definition, shown)])
    title = f"{definition.title} {period or year}, per stadsdelsområde ({definition.unit})"
    if shown.example:
        title += " – Exempeldata"
    middle = 59.33  # Stockholm's latitude: a degree of longitude is cos(59.33°) of one of latitude
    figure.update_layout(
        title=title,
        separators=PLOTLY_SEPARATORS,
        height=560,
        plot_bgcolor="#FFFFFF",
        margin={"l": 10, "r": 10, "t": 50, "b": 50},
        xaxis={"visible": False},
        yaxis={
            "visible": False,
            "scaleanchor": "x",
            "scaleratio": 1 / math.cos(math.radians(middle)),
        },
        legend={"orientation": "h", "x": 0, "y": 0, "yanchor": "top"},
        annotations=[
            source_note(
                source_text(definition, shown.example)
                + " Gränser: Region Stockholm, Folkhälsokollen (stadsdelsområden 2024)."
            )
        ],
    )
    return figure


_HATCHED = {"fillcolor": "#D9D9D9", "fillpattern": {"shape": "/", "fgcolor": "#7F7F7F"}}


def _outlines(shown: maps.MapView) -> list[go.Scatter]:
    """A filled outline per district; the first of each kind without a value in the legend."""
    traces, in_legend = [], set()
    for cell in shown.cells:
        style: dict[str, object] = (
            _HATCHED if cell.kind == "skyddat" else {"fillcolor": _fill(cell)}
        )
        legend = maps.LEGENDS.get(cell.kind)
        traces.append(
            go.Scatter(
                x=cell.xs,
                y=cell.ys,
                fill="toself",
                mode="lines",
                line={"color": "#FFFFFF" if cell.kind == "värde" else "#7F7F7F", "width": 1.2},
                name=legend or cell.name,
                legendgroup=cell.kind,
                showlegend=legend is not None and cell.kind not in in_legend,
                hoverinfo="skip",
                **style,
            )
        )
        if legend:
            in_legend.add(cell.kind)
    return traces


def _fill(cell: maps.MapCell) -> str:
    if cell.kind == "skyddat":
        return str(_HATCHED["fillcolor"])
    if cell.kind == "saknas":
        return "#FFFFFF"
    return str(sample_colorscale("Cividis", [cell.position])[0])


def _luminance(colour: str) -> float:
    """WCAG's relative luminance of ``#RRGGBB`` or ``rgb(r, g, b)``."""
    if colour.startswith("#"):
        channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    else:
        channels = [round(float(c)) for c in colour[colour.index("(") + 1 : -1].split(",")[:3]]
    linear = [
        c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4
        for c in channels
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def label_colour(fill: str) -> str:
    """Black or white, whichever contrasts more with the fill (WCAG's contrast ratio): a
    district's name is readable on the dark and the light end of the scale alike."""
    light = _luminance(fill)
    on_black = (light + 0.05) / 0.05
    on_white = 1.05 / (light + 0.05)
    return "#000000" if on_black >= on_white else "#FFFFFF"


def _labels(shown: maps.MapView) -> list[go.Scatter]:
    """Each district's name and value at its centre, black or white by the fill under it
    (the higher contrast), with a halo of the other colour (for a name that reaches past its
    district): one trace per colour."""
    traces = []
    for colour, halo in (("#000000", "#FFFFFF"), ("#FFFFFF", "#000000")):
        cells = [c for c in shown.cells if label_colour(_fill(c)) == colour]
        if not cells:
            continue
        traces.append(
            go.Scatter(
                x=[c.centre[0] for c in cells],
                y=[c.centre[1] for c in cells],
                mode="text",
                text=[f"{c.name}<br>{c.text}" for c in cells],
                hovertext=[c.hover for c in cells],
                hoverinfo="text",
                textfont={
                    "size": 11,
                    "color": colour,
                    "shadow": f"1px 1px 2px {halo}, -1px -1px 2px {halo}, "
                    f"1px -1px 2px {halo}, -1px 1px 2px {halo}",
                },
                showlegend=False,
            )
        )
    return traces


def _colour_bar(definition: Definition, shown: maps.MapView) -> go.Scatter:
    """The colour bar, drawn by an invisible marker trace on the same scale."""
    tick = ",.0f" if definition.decimals == 0 else f",.{definition.decimals}f"
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        showlegend=False,
        hoverinfo="skip",
        marker={
            "color": [shown.low, shown.high],
            "colorscale": "Cividis",
            "cmin": shown.low,
            "cmax": shown.high,
            "showscale": shown.any_shown,
            "colorbar": {"title": {"text": definition.unit}, "tickformat": tick},
        },
    )


INCREASE = "#D55E00"  # Okabe–Ito vermillion
DECREASE = "#0072B2"  # Okabe–Ito blue
TOTAL = "#444444"


def drivers_chart(definition: Definition, split: Drivers, example: bool) -> go.Figure:
    """What drove a change, as bars: each part's change with its 95 % interval, the total
    last; the sign in words on each bar (+579, −58), so colour is not needed to read it. A
    "därav" line is left out (it is inside the bar above it); a hidden part has no bar."""
    rows = split.frame()
    changes = rows["change"].astype(float)
    words = [
        "skyddat" if hidden else "–" if pd.isna(c)
        else ("+" if c > 0 else "") + number(c, definition.decimals).replace("-", "−")
        for c, hidden in zip(changes, rows["suppressed"], strict=True)
    ]  # fmt: skip
    # The change in words beside each part's name: a label on the bar would sit on its
    # interval line.
    names = [("<b>Totalt</b>: " if p == "total" else "") + f"{n}  <b>{w}</b>"
             for p, n, w in zip(rows["part"], rows["part_name"], words, strict=True)]  # fmt: skip
    colours = [
        TOTAL if p == "total" else INCREASE if c > 0 else DECREASE
        for p, c in zip(rows["part"], changes.fillna(0), strict=True)
    ]
    figure = go.Figure(
        go.Bar(
            x=changes.fillna(0),
            y=names,
            orientation="h",
            marker={"color": colours},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (rows["upper"] - rows["change"]).fillna(0),
                "arrayminus": (rows["change"] - rows["lower"]).fillna(0),
                "color": "#222222",
            },
            customdata=words,
            hovertemplate="%{y}<extra></extra>",
        )
    )
    title = (
        f"Vad drev förändringen? {definition.title}, {split.region_name}: "
        f"{split.from_label} till {split.to_label} ({definition.unit})"
        + (" – Exempeldata" if example else "")
    )
    plot_height = 36 * len(rows) + 20
    figure.update_layout(
        title={"text": title, "font": {"size": 15}},
        separators=PLOTLY_SEPARATORS,
        height=plot_height + 80 + 120,
        showlegend=False,
        xaxis={
            "title": {"text": f"förändring, {definition.unit}"},
            "zeroline": True,
            "zerolinecolor": "#222222",
            "separatethousands": True,
        },
        yaxis={"autorange": "reversed", "automargin": True},
        margin={"t": 80, "b": 120},
        annotations=[
            source_note(
                source_text(definition, example)
                + " Strecken: 95 % osäkerhet. Orange: ökning, blå: minskning. Dagens indelning.",
                y=-85 / plot_height,
            )
        ],
    )
    return figure


EVENT_COLOUR = "#000000"
EVENT_SYMBOLS = {"stad": "triangle-up", "polis": "diamond", "gemensamt": "square",
                 "serieavbrott": "x"}  # fmt: skip


def event_trace(markers: list, legend: bool, at: float = 0) -> go.Scatter:
    """The events of one chart: a mark at the foot of the axis on each event's date (the
    symbol says who: the city ▲, the police ◆, both ■, a series break ✕), its text on hover."""
    return go.Scatter(
        x=[m.x for m in markers],
        y=[at] * len(markers),
        mode="markers",
        marker={
            "symbol": [EVENT_SYMBOLS.get(m.kind, "circle") for m in markers],
            "size": 11,
            "color": EVENT_COLOUR,
        },
        hovertext=[m.text for m in markers],
        hoverinfo="text",
        name="Händelse",
        showlegend=legend,
        cliponaxis=False,
    )


def event_lines(markers: list, xref: str, yref: str) -> list[dict]:
    """A thin dotted line up the chart at each event's date, as layout shapes."""
    return [
        {"type": "line", "x0": m.x, "x1": m.x, "xref": xref, "y0": 0, "y1": 1, "yref": yref,
         "line": {"color": EVENT_COLOUR, "width": 1, "dash": "dot"}}
        for m in markers
    ]  # fmt: skip


def event_list(markers: list) -> None:
    """The events under a chart, one line each (what the marks on the chart are)."""
    import streamlit as st

    if markers:
        st.caption(
            "Händelser (▲ staden, ◆ polisen, ■ gemensamt, ✕ serieavbrott):  \n"
            + "  \n".join(plain(m.text) for m in markers)
        )


# The årshjul: status by colour (Okabe–Ito) and by symbol, so it reads without colour too.
CALENDAR_STYLE = {
    "försenad": ("#D55E00", "x", "försenad"),
    "snart": ("#E69F00", "diamond", "inom kort"),
    "återsänd": ("#CC79A7", "triangle-up", "återsänd"),
    "inskickad": ("#56B4E9", "square", "inskickad"),
    "kommande": ("#0072B2", "circle-open", "kommande"),
    "klar": ("#009E73", "circle", "klar"),
}


def calendar_chart(items: list, kinds: dict[str, str], year: int, today: date) -> go.Figure:
    """The year as a timeline: a row per kind of item, a mark per date and status (the number
    of items on it beside the mark when there are several, e.g. every district's report)."""
    figure = go.Figure()
    lanes = [label for kind, label in kinds.items() if any(i.kind == kind for i in items)]
    for status, (colour, symbol, words) in CALENDAR_STYLE.items():
        groups: dict[tuple[str, date], list] = {}
        for item in items:
            if item.status == status:
                groups.setdefault((item.kind, item.due), []).append(item)
        if not groups:
            continue
        keys = sorted(groups, key=lambda k: (k[1], k[0]))
        figure.add_trace(
            go.Scatter(
                x=[due for _, due in keys],
                y=[kinds[kind] for kind, _ in keys],
                mode="markers+text",
                name=words,
                marker={"color": colour, "symbol": symbol, "size": 13,
                        "line": {"width": 2, "color": colour}},
                text=[str(len(groups[k])) if len(groups[k]) > 1 else "" for k in keys],
                textposition="top center",
                customdata=[
                    "<br>".join(i.title for i in groups[k][:6])
                    + (f"<br>… och {len(groups[k]) - 6} till" if len(groups[k]) > 6 else "")
                    for k in keys
                ],
                hovertemplate="%{customdata}<br>%{x|%Y-%m-%d}<extra>" + words + "</extra>",
            )
        )  # fmt: skip
    start = min([date(year, 1, 1), *(i.due for i in items)])
    end = max([date(year, 12, 31), *(i.due for i in items)])
    months = [date(y, m, 1) for y in range(start.year, end.year + 1) for m in range(1, 13)
              if start <= date(y, m, 1) <= end]  # fmt: skip
    shapes = []
    if start <= today <= end:
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": today, "x1": today,
                       "y0": 0, "y1": 1, "line": {"color": "#222222", "dash": "dot"}})  # fmt: skip
    height = 90 + 48 * max(len(lanes), 1) + 110
    figure.update_layout(
        title={"text": f"Årshjul {year}: rapporter, möten, enkäter och revisioner (datum)"},
        height=height,
        separators=PLOTLY_SEPARATORS,
        xaxis={"range": [start - timedelta(days=5), end + timedelta(days=5)],
               "tickvals": months,
               "ticktext": [MONTH_NAMES[m.month - 1][:3]
                            + (f" {m.year}" if m.year != year else "") for m in months],
               "title": {"text": "datum (månadens första dag vid strecket)"}},
        yaxis={"categoryorder": "array", "categoryarray": lanes[::-1], "automargin": True},
        legend={"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right", "yanchor": "bottom"},
        margin={"t": 90, "b": 100},
        shapes=shapes,
        annotations=[source_note(
            "Källa: de lokala överenskommelserna, åtgärdsregistret, inlästa enkäter och "
            "årshjulets inställningar (catalogue/arshjul.yaml). Prickad linje: i dag.",
            y=-70 / (height - 190),
        )],
    )  # fmt: skip
    return figure
