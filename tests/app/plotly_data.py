"""Reading what a page sent to the browser, as a user would read it: a chart's data, a table."""

from __future__ import annotations

import base64
import json
from typing import Any

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest


def _normal(value: Any) -> Any:
    """One spelling per value, whichever JSON engine Plotly used (orjson writes dates as
    '2022-02-01T00:00:00' and NaN as NaN; the standard library '2022-02-01 00:00:00' and
    null): dates as Timestamps, missing numbers as NaN."""
    if value is None:
        return float("nan")
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        try:
            return pd.Timestamp(value)
        except ValueError:
            return value
    return value


def _values(data: Any) -> list[Any]:
    # Plotly 6+ sends numeric arrays as {"dtype": ..., "bdata": base64}.
    if isinstance(data, dict) and "bdata" in data:
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"]).tolist()
    return [_normal(v) for v in data]


def figure(at: AppTest, index: int = 0) -> dict[str, Any]:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def traces(at: AppTest, index: int = 0) -> dict[str, dict[str, Any]]:
    """Trace name → {"x": [...], "y": [...], "symbols": [...]}."""
    result = {}
    for trace in figure(at, index)["data"]:
        result[trace["name"]] = {
            "x": _values(trace.get("x", [])),
            "y": _values(trace.get("y", [])),
            "symbols": trace.get("marker", {}).get("symbol"),
        }
    return result


def point(at: AppTest, name: str, x: Any) -> Any:
    trace = traces(at)[name]
    return trace["y"][trace["x"].index(_normal(x))]


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The table on the page that has ``column`` (tables are found as a reader would)."""
    for element in at.dataframe:
        if column in element.value.columns:
            return element.value
    raise AssertionError(f"no table with a column {column!r}")
