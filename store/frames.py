"""Handing a pandas frame to a SQL statement by name, for the duration of a block."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress

import duckdb
import pandas as pd


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> Iterator[None]:
    """Register ``frame`` as ``name``; unregister afterwards, without hiding the error that
    ended the block (after a failed statement DuckDB refuses everything until ROLLBACK)."""
    con.register(name, frame)
    try:
        yield
    finally:
        with suppress(duckdb.Error):
            con.unregister(name)
