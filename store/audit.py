"""The audit log: every change and every sign-in, appended in the same transaction as the
change it records, so the log and the data never disagree."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

MAX_WHO = 80  # a name
MAX_DETAIL = 2000  # a log line, not a document: a flood of huge names must not grow the store


def _clip(text: str, size: int) -> str:
    text = " ".join(str(text).split()) if size == MAX_WHO else str(text)
    return text if len(text) <= size else text[: size - 1] + "…"


def record(con: duckdb.DuckDBPyConnection, who: str, what: str, detail: str = "") -> None:
    """One entry; the name and the detail are cut to a bounded length."""
    con.execute(
        "INSERT INTO audit_log (who, what, detail) VALUES ($who, $what, $detail)",
        {"who": _clip(who, MAX_WHO), "what": what, "detail": _clip(detail, MAX_DETAIL)},
    )


def entries(
    con: duckdb.DuckDBPyConnection,
    limit: int | None = 5000,
    who: str | None = None,
    what: list[str] | None = None,
    since: date | None = None,
    until: date | None = None,
) -> pd.DataFrame:
    """Newest first; ``who`` matches part of the name (any case); ``until`` is inclusive."""
    return con.execute(
        """
        SELECT logged_at, who, what, detail FROM audit_log
        WHERE ($who IS NULL OR who ILIKE '%' || $who || '%')
          AND ($any_what OR list_contains($what, what))
          AND ($since IS NULL OR logged_at >= CAST($since AS DATE))
          AND ($until IS NULL OR logged_at < CAST($until AS DATE) + INTERVAL 1 DAY)
        ORDER BY logged_at DESC, rowid DESC
        LIMIT $n
        """,
        {
            "who": who or None,
            "any_what": not what,
            "what": list(what or []),
            "since": since,
            "until": until,
            "n": limit if limit is not None else 2**62,
        },
    ).df()


def kinds(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The kinds of entry in the log (what), for filtering."""
    return [r[0] for r in con.execute("SELECT DISTINCT what FROM audit_log ORDER BY 1").fetchall()]
