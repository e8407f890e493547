"""The audit log: every change and every sign-in, appended in the same transaction as the
change it records, so the log and the data never disagree."""

from __future__ import annotations

import logging
from datetime import date

import duckdb
import pandas as pd

from store.db import after_commit

# The operator's log (service/logs.py sets it up): one line per audited event.
LOG = logging.getLogger("samverkan.audit")
MAX_WHO = 80  # a name
MAX_DETAIL = 2000  # a log line, not a document: a flood of huge names must not grow the store


def _clip(text: str, size: int) -> str:
    text = " ".join(str(text).split()) if size == MAX_WHO else str(text)
    return text if len(text) <= size else text[: size - 1] + "…"


def record(con: duckdb.DuckDBPyConnection, who: str, what: str, detail: str = "") -> None:
    """One entry; the name and the detail are cut to a bounded length. Once the write it is
    part of has committed, the same entry is a line of the log (who, what, how long), for the
    operator (a refusal as a warning)."""
    who, detail = _clip(who, MAX_WHO), _clip(detail, MAX_DETAIL)
    con.execute(
        "INSERT INTO audit_log (who, what, detail) VALUES ($who, $what, $detail)",
        {"who": who, "what": what, "detail": detail},
    )
    level = logging.WARNING if what == "nekad" else logging.INFO

    def line(seconds: float) -> None:
        LOG.log(level, "%s by %s (%.2f s): %s", what, who, seconds, detail or "-")

    after_commit(con, line)


_FILTER = """
    WHERE ($who IS NULL OR who ILIKE '%' || $who || '%')
      AND ($any_what OR list_contains($what, what))
      AND ($since IS NULL OR logged_at >= CAST($since AS DATE))
      AND ($until IS NULL OR logged_at < CAST($until AS DATE) + INTERVAL 1 DAY)
"""


def _filter(
    who: str | None, what: list[str] | None, since: date | None, until: date | None
) -> dict[str, object]:
    return {
        "who": who or None,
        "any_what": not what,
        "what": list(what or []),
        "since": since,
        "until": until,
    }


def entries(
    con: duckdb.DuckDBPyConnection,
    limit: int | None = 5000,
    who: str | None = None,
    what: list[str] | None = None,
    since: date | None = None,
    until: date | None = None,
    offset: int = 0,
) -> pd.DataFrame:
    """Newest first; ``who`` matches part of the name (any case); ``until`` is inclusive;
    ``limit`` entries from the ``offset``-th (a page of the log)."""
    return con.execute(
        f"""
        SELECT logged_at, who, what, detail FROM audit_log
        {_FILTER}
        ORDER BY logged_at DESC, rowid DESC
        LIMIT $n OFFSET $offset
        """,
        {
            **_filter(who, what, since, until),
            "n": limit if limit is not None else 2**62,
            "offset": max(0, int(offset)),
        },
    ).df()


def count(
    con: duckdb.DuckDBPyConnection,
    who: str | None = None,
    what: list[str] | None = None,
    since: date | None = None,
    until: date | None = None,
) -> int:
    """How many entries the filter of :func:`entries` matches."""
    row = con.execute(
        f"SELECT count(*) FROM audit_log {_FILTER}", _filter(who, what, since, until)
    ).fetchone()
    return int(row[0]) if row else 0


def kinds(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The kinds of entry in the log (what), for filtering."""
    return [r[0] for r in con.execute("SELECT DISTINCT what FROM audit_log ORDER BY 1").fetchall()]
