"""Column widths for the Word document's tables that never break a word: each column at least
as wide as its longest word, measured in the font the document falls back to where Arial is
missing (DejaVu Sans, wider than Arial, so Word fits too), the rest shared as designed."""

from __future__ import annotations

import functools
import importlib.util
import re
from pathlib import Path

CELL_MARGINS_CM = 0.38 + 0.08  # Word's cell margins (0,19 cm a side) and a little slack
POINTS_PER_CM = 72 / 2.54


@functools.cache
def _font(bold: bool):  # type: ignore[no-untyped-def]
    from PIL import ImageFont

    spec = importlib.util.find_spec("matplotlib")
    assert spec is not None and spec.origin is not None
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(Path(spec.origin).parent / "mpl-data/fonts/ttf" / name), 100)


def word_cm(word: str, points: float, bold: bool = False) -> float:
    """The width of ``word`` at ``points`` in centimetres."""
    return float(_font(bold).getlength(word)) / 100 * points / POINTS_PER_CM


def longest_word_cm(texts: list[object], points: float, bold: bool = False) -> float:
    """The widest word (split at spaces and after hyphens and slashes) among ``texts``."""
    words = {w for t in texts if t is not None for w in re.split(r"\s+|(?<=[-/–])", str(t)) if w}
    return max((word_cm(w, points, bold) for w in words), default=0.0)


def fitted(
    designed: list[float],
    header: list[str],
    rows: list[list[object]],
    total: float,
    points: float,
) -> list[float]:
    """The designed widths scaled to ``total`` cm, widened where a column's longest word would
    not fit, the difference taken from the columns with room to spare (in proportion to it).
    When the words alone need more than ``total``, every column gets its words' width scaled
    down evenly (words then break only there)."""
    scale = total / sum(designed)
    widths = [w * scale for w in designed]
    needs = [
        max(
            longest_word_cm([header[i]], points, bold=True),
            longest_word_cm([r[i] for r in rows], points),
        )
        + CELL_MARGINS_CM
        for i in range(len(designed))
    ]
    if sum(needs) >= total:
        return [n * total / sum(needs) for n in needs]
    short = sum(max(0.0, n - w) for n, w in zip(needs, widths, strict=True))
    if short == 0:
        return widths
    room = [max(0.0, w - n) for n, w in zip(needs, widths, strict=True)]
    spare = sum(room)
    return [
        max(n, w) if n >= w else w - short * r / spare
        for n, w, r in zip(needs, widths, room, strict=True)
    ]
