"""The page's cursor on the store (the service keeps one connection per process and file,
filled with the demo data on first start), and the signed-in or demo principal."""

from __future__ import annotations

import duckdb
import streamlit as st

from service import session, uploads


@st.cache_resource(show_spinner="Öppnar databasen …")
def _started(path: str) -> bool:
    """Once per process and store: open (and on first start fill) the store, and delete
    staged uploads left over from a process that ended."""
    session.connection(path)
    uploads.sweep()
    return True


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor of its own for each script run on the store itself, for the writes a page
    makes (DuckDB refuses one connection used from two threads at once, and every Streamlit
    session runs in a thread). Views read through service.views instead."""
    path = str(session.db_path())
    _started(path)
    return session.write_cursor(path)
