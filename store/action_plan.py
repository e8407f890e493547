"""SQL for the handlingsplan (issue 37): a version per save of a year's plan. The rules are in
``service.action_plan``; every write here runs in the caller's transaction and is audited in
it."""

from __future__ import annotations

import duckdb
import pandas as pd

from store import audit


def add_version(
    con: duckdb.DuckDBPyConnection,
    year: int,
    agreement: str,
    state: str,
    body: str,
    by: str,
    detail: str,
    is_example: bool = False,
) -> int:
    """Store the next version of ``year``'s plan and its audit entry; its version."""
    row = con.execute(
        "SELECT coalesce(max(version), 0) + 1 FROM action_plan WHERE year = $year",
        {"year": year},
    ).fetchone()
    version = int(row[0]) if row else 1
    con.execute(
        """
        INSERT INTO action_plan (year, agreement, version, state, body, saved_by, is_example)
        VALUES ($year, $agreement, $version, $state, $body, $by, $example)
        """,
        {
            "year": year,
            "agreement": agreement,
            "version": version,
            "state": state,
            "body": body,
            "by": by,
            "example": is_example or None,
        },
    )
    audit.record(con, by, "handlingsplan", f"{detail} (version {version})")
    return version


def versions(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """Every version of ``year``'s plan, the oldest first."""
    return con.execute(
        "SELECT year, agreement, version, state, body, saved_by, saved_at, is_example "
        "FROM action_plan WHERE year = $year ORDER BY version",
        {"year": year},
    ).df()


def years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """The years that have a plan."""
    return [int(r[0]) for r in con.execute("SELECT DISTINCT year FROM action_plan ORDER BY year")]
