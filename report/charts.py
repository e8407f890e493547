"""Charts for the Word report, drawn with matplotlib (installed from the package registry; no
browser needed). Okabe–Ito blue, the 95 % interval as a band, a title, the unit and the source
line on every chart; the years on the axis stop at the report year and never run together."""

from __future__ import annotations

import io
import re
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from store import cachefiles
from swedish import format as number_format
from swedish.format import number

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# Drawn charts are kept in the user's cache folder under what they were drawn from (their
# arguments, this code and the number format, matplotlib's version): a year-end document
# drawn again after a load draws the charts whose figures changed, and imports matplotlib only
# then (22 charts and the import were 2,8 s of the city's document at 100x). "off": none kept.
CACHE_ENV = "DASHBOARD_CHART_CACHE"
MAX_CACHED = 500  # charts kept (about 30 kB each); the least recently used go first


def draw_trend(axis: Axes, series: list[tuple[int, float, float | None, float | None]]) -> None:
    """The line of (year, value, lower, upper) with its 95 % interval as a band."""
    band = [s for s in series if s[2] is not None and s[3] is not None]
    if band:
        axis.fill_between(
            [s[0] for s in band],
            [s[2] for s in band],  # type: ignore[misc]
            [s[3] for s in band],  # type: ignore[misc]
            color="#0072B2",
            alpha=0.18,
            linewidth=0,
            label="95 % osäkerhet",
        )
    axis.plot([s[0] for s in series], [s[1] for s in series], marker="o", markersize=3,
              color="#0072B2", lw=1.8)  # fmt: skip


def floor_at_zero(axis: Axes, values: list[float | None]) -> None:
    """The value axis from zero; when every value is zero, a 0–1 axis with the line on its
    floor (matplotlib otherwise spans a sliver around zero, drawn as a solid block)."""
    from matplotlib.ticker import MaxNLocator

    top = max((v for v in values if v is not None), default=0)
    if top <= 0:
        axis.set_ylim(0, 1)
        axis.yaxis.set_major_locator(MaxNLocator(nbins=2, integer=True))
    else:
        axis.set_ylim(bottom=0)


def line_png(
    title: str,
    unit: str,
    series: list[tuple[int, float, float | None, float | None]],
    source: str,
    last_year: int | None = None,
    events: list[float] | None = None,
) -> bytes:
    """A trend as PNG, 8 cm wide in the document. ``series`` holds (year, value, lower,
    upper); years after ``last_year`` are left out. ``events``: dates on the year axis (2024.5
    is 1 July 2024) of events the chart concerns, drawn as dotted lines with a ▲ at the foot
    and listed in the text beside it."""
    if last_year is not None:
        series = [s for s in series if s[0] <= last_year]
    shown = (title, unit, series, source, events)
    code = cachefiles.code_digest((Path(__file__), Path(number_format.__file__)), ("matplotlib",))
    key = cachefiles.key(code, shown)
    known = _cached(key)
    if known is not None:
        return known
    png = _drawn(*shown)
    _keep(key, png)
    return png


def _drawn(
    title: str,
    unit: str,
    series: list[tuple[int, float, float | None, float | None]],
    source: str,
    events: list[float] | None,
) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    # A figure of its own, not pyplot's (no global state, and pyplot's import is half a second
    # of a command line that writes the year-end document).
    figure = Figure(figsize=(4.2, 2.5), dpi=150)
    FigureCanvasAgg(figure)
    axis = figure.add_subplot()
    zero = bool(series) and all(s[1] == 0 for s in series)
    # All zero: the line on the floor, without the band (the interval of a count of 0 reaches
    # 3,7 and filled the chart like a block; the table gives it), and said in words.
    draw_trend(axis, [(s[0], s[1], None, None) for s in series] if zero else series)
    if zero:
        axis.text(0.5, 0.55, "0 varje år", transform=axis.transAxes, ha="center", fontsize=8,
                  color="#0072B2")  # fmt: skip
    if series:
        for at in [e for e in events or [] if series[0][0] <= e < series[-1][0] + 1]:
            axis.axvline(at, color="#000000", lw=0.8, ls=":")
            axis.plot([at], [0], marker="^", color="#000000", markersize=5, clip_on=False)
    # At a fixed height above the axes: matplotlib otherwise measures the axes' tick labels
    # at every draw to place it (0,03 s of each chart); the top margin below holds it.
    axis.set_title(title, fontsize=8, loc="left", wrap=True, y=1.02)
    # The unit on at most a few short lines, so a long one ("anmälda brott per 100 000
    # invånare") fits the axis' height.
    unit_lines = textwrap.wrap(re.sub(r"(\d) (\d{3})", "\\1\u00a0\\2", unit), 24) or [""]
    axis.set_ylabel("\n".join(unit_lines), fontsize=7)
    floor_at_zero(axis, [s[1] for s in series] + ([] if zero else [s[3] for s in series]))
    axis.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    axis.xaxis.set_major_formatter(FuncFormatter(lambda v, _: str(int(v))))
    axis.yaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v, 0 if v >= 10 else 1)))
    axis.tick_params(labelsize=7)
    axis.grid(axis="y", color="#dddddd")
    axis.spines[["top", "right"]].set_visible(False)
    figure.text(0.01, 0.01, source, fontsize=6, color="#444444")
    # Fixed margins, not tight_layout: it draws the whole figure once more to measure it, half
    # of a chart's cost (17 charts: 2 s of a year-end document). They hold a two-line title,
    # tick labels up to "12 345" and the unit, and the source line below the years.
    # The left margin grows with the widest tick label (the largest value's digits) and the
    # unit's lines.
    tops = [s[3] if s[3] is not None else s[1] for s in series]
    digits = len(number(max(tops), 0)) if tops else 1
    left = 0.08 + 0.016 * digits + 0.03 * len(unit_lines)
    figure.subplots_adjust(left=left, right=0.96, top=0.82, bottom=0.2)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _cached(key: str) -> bytes | None:
    data = cachefiles.read(cachefiles.folder(CACHE_ENV, "charts"), key, ".png")
    return data if data is not None and data.startswith(b"\x89PNG") else None


def _keep(key: str, png: bytes) -> None:
    cachefiles.write(cachefiles.folder(CACHE_ENV, "charts"), key, ".png", png, MAX_CACHED)
