"""SQL for the districts' reports to the beredningsgrupp (issue 37): every save, submission,
return and approval is a new version of the report; the newest is its state. The rules are
in ``service.district_reports``; every write here runs in the caller's transaction and is
audited in it."""

from __future__ import annotations

import duckdb
import pandas as pd

from store import audit

COLUMNS = "item, district, version, state, body, figures, comments, saved_by, saved_at"


def add_version(
    con: duckdb.DuckDBPyConnection,
    item: str,
    district: str,
    state: str,
    body: str,
    figures: str,
    comments: str,
    by: str,
    what: str,
    detail: str,
) -> int:
    """Store the next version of the report ``item`` and its audit entry; its version."""
    row = con.execute(
        "SELECT coalesce(max(version), 0) + 1 FROM district_report WHERE item = $item",
        {"item": item},
    ).fetchone()
    version = int(row[0]) if row else 1
    con.execute(
        """
        INSERT INTO district_report (item, district, version, state, body, figures, comments,
                                     saved_by)
        VALUES ($item, $district, $version, $state, $body, $figures, $comments, $by)
        """,
        {
            "item": item,
            "district": district,
            "version": version,
            "state": state,
            "body": body,
            "figures": figures,
            "comments": comments,
            "by": by,
        },
    )
    audit.record(con, by, what, f"{detail} (version {version})")
    return version


def versions(con: duckdb.DuckDBPyConnection, item: str) -> pd.DataFrame:
    """Every version of one report, the oldest first."""
    return con.execute(
        f"SELECT {COLUMNS} FROM district_report WHERE item = $item ORDER BY version",
        {"item": item},
    ).df()


def newest(con: duckdb.DuckDBPyConnection, prefix: str = "rapport:") -> pd.DataFrame:
    """The newest version of every report whose item starts with ``prefix`` (a year's:
    ``rapport:2026:``), with when it was first submitted and last approved."""
    return con.execute(
        f"""
        SELECT {COLUMNS},
               (SELECT min(s.saved_at) FROM district_report AS s
                WHERE s.item = r.item AND s.state = 'inskickad') AS first_submitted
        FROM district_report AS r
        WHERE starts_with(item, $prefix)
        QUALIFY row_number() OVER (PARTITION BY item ORDER BY version DESC) = 1
        ORDER BY item
        """,
        {"prefix": prefix},
    ).df()
