"""The app's one store connection, opened once per process and filled on first start."""

from __future__ import annotations

import duckdb
import streamlit as st

from loaders.demo import ensure_demo
from loaders.reference import open_store
from store.db import resolve_db_path


@st.cache_resource(show_spinner="Öppnar databasen …")
def connection(path: str) -> duckdb.DuckDBPyConnection:
    """One read-write connection per app process and database file; an empty store gets
    the demo data."""
    con = open_store(path)
    ensure_demo(con)
    return con


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor of its own for each script run: DuckDB refuses one connection used from
    two threads at once, and every Streamlit session runs in a thread."""
    return connection(str(resolve_db_path())).cursor()
