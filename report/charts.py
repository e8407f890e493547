"""Charts for the Word report, drawn with matplotlib (installed from the package registry; no
browser needed). Okabe–Ito blue, a title, the unit and the source line on every chart."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter

from indicators.format import number


def line_png(title: str, unit: str, series: list[tuple[int, float]], source: str) -> bytes:
    figure, axis = plt.subplots(figsize=(6.0, 2.6), dpi=120)
    years = [y for y, _ in series]
    values = [v for _, v in series]
    axis.plot(years, values, marker="o", color="#0072B2", linewidth=2)
    axis.set_title(title, fontsize=10, loc="left")
    axis.set_ylabel(unit, fontsize=8)
    axis.set_ylim(bottom=0)
    axis.set_xticks(years)
    axis.yaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v, 0 if v >= 10 else 1)))
    axis.grid(axis="y", color="#dddddd")
    axis.spines[["top", "right"]].set_visible(False)
    figure.text(0.01, 0.01, source, fontsize=7, color="#555555")
    figure.tight_layout(rect=(0, 0.06, 1, 1))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()
