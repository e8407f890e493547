"""The audit log: every change and every sign-in, appended in the same transaction as the
change it records, so the log and the data never disagree."""

from __future__ import annotations

import duckdb
import pandas as pd


def record(con: duckdb.DuckDBPyConnection, who: str, what: str, detail: str = "") -> None:
    con.execute(
        "INSERT INTO audit_log (who, what, detail) VALUES ($who, $what, $detail)",
        {"who": who, "what": what, "detail": detail},
    )


def entries(con: duckdb.DuckDBPyConnection, limit: int = 5000) -> pd.DataFrame:
    return con.execute(
        "SELECT logged_at, who, what, detail FROM audit_log "
        "ORDER BY logged_at DESC, rowid DESC LIMIT $n",
        {"n": limit},
    ).df()
