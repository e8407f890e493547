"""Tables that fit the page (issue 36): every column of a table in sight at 1440×1000 and
1920×1080, none cut off behind a horizontal scrollbar. ``table`` is ``st.dataframe`` with the
columns' widths chosen from their contents: a table whose columns fit keeps Streamlit's own
widths; one that would not has its widest text columns narrowed to a common width until the
whole fits (their text ends in "…" there, whole on hover and in the downloads), never below
what their header needs (unless the headers alone are too wide: then the longest headers end
in "…" too, whole on hover). The pages put the most important columns first."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

# The narrowest main column the pages get: 1440 px less the sidebar and the page's margins
# (1 074 px), less a little.
BUDGET = 1060
CHAR = 7.6  # px per character of the grid's 14 px font, on average
PADDING = 26  # a cell's padding and its border
HEADER_EXTRA = 34  # a header's sort arrow and menu
NAMED = {"small": 75, "medium": 200, "large": 400}
MIN_TEXT = 90


def _natural(name: str, values: pd.Series) -> tuple[float, float]:
    """A column's natural width (its longest cell or its header) and the least it may get."""
    header = len(str(name)) * CHAR + HEADER_EXTRA
    longest = max((len(str(v)) for v in values.head(300)), default=0)
    cells = longest * CHAR + PADDING
    # Never narrower than its header (whole, no "…"), nor than its cells need when short.
    return max(header, cells, 60.0), max(header, min(cells, MIN_TEXT))


def widths(frame: pd.DataFrame, config: Mapping[str, Any], index: bool) -> dict[str, int]:
    """Pixel widths for the columns to narrow (empty when the table fits as it is). Columns a
    page gave widths of their own keep them, unless those alone leave too little for the
    rest: then they shrink in proportion too."""
    given: dict[str, float] = {}
    free: dict[str, tuple[float, float]] = {}
    columns = [(str(c), frame[c]) for c in frame.columns]
    if index:
        columns.insert(0, ("", pd.Series(frame.index.astype(str))))
    for name, values in columns:
        setting = config.get(name)
        width = setting.get("width") if isinstance(setting, Mapping) else None
        if isinstance(width, str) and width in NAMED:
            given[name] = NAMED[width]
        elif isinstance(width, int):
            given[name] = width
        else:
            free[name] = _natural(name, values)
    result: dict[str, int] = {}
    least_free = sum(least for _, least in free.values())
    if given and sum(given.values()) + least_free > BUDGET:
        factor = max(BUDGET - least_free, MIN_TEXT * len(given)) / sum(given.values())
        given = {k: max(MIN_TEXT, int(v * factor)) for k, v in given.items()}
        result.update({k: int(v) for k, v in given.items()})
    room = BUDGET - sum(given.values())
    if not free or sum(n for n, _ in free.values()) <= room:
        return result
    if least_free > room:  # the headers alone do not fit:
        free = {k: (n, min(least, max(MIN_TEXT, 0.55 * least))) for k, (n, least) in free.items()}
    # The widest columns narrowed to one width ``cap``, the largest at which all fit.
    naturals = sorted(n for n, _ in free.values())
    cap = naturals[-1]
    while cap > MIN_TEXT and sum(max(min(n, cap), m) for n, m in free.values()) > room:
        cap -= 5
    result.update({name: int(max(cap, least)) for name, (n, least) in free.items() if n > cap})
    return result


def table(data: object, **kwargs: Any) -> Any:
    """``st.dataframe(data, **kwargs)`` with the widths of :func:`widths` added to its
    ``column_config`` (a column configured with a width of its own keeps it)."""
    frame = data.data if hasattr(data, "data") and isinstance(data.data, pd.DataFrame) else data
    config = dict(kwargs.pop("column_config", None) or {})
    if isinstance(frame, pd.DataFrame) and not frame.empty:
        shown_index = not kwargs.get("hide_index", False) and not isinstance(
            frame.index, pd.RangeIndex
        )
        for name, width in widths(frame, config, shown_index).items():
            if name:
                config[name] = {**(config.get(name) or {}), "width": width}
    return st.dataframe(data, column_config=config or None, **kwargs)
