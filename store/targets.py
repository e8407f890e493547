"""Targets set in the app (table ``indicator_target``): added and read. The rules (who may,
which dates) are in ``service.targets``; every addition is audited in the same transaction."""

from __future__ import annotations

import duckdb
import pandas as pd

from store import audit, loading


def add_target(
    con: duckdb.DuckDBPyConnection, values: dict[str, object], by: str, is_example: bool = False
) -> int:
    target_id = loading.next_id(con, "indicator_target")
    con.execute(
        """
        INSERT INTO indicator_target (id, indicator, scope, target_year, value, direction,
                                      source, applies_from, created_by, is_example)
        VALUES ($id, $indicator, $scope, $target_year, $value, $direction, $source,
                $applies_from, $by, $example)
        """,
        {"id": target_id, **{k: values[k] for k in (
            "indicator", "scope", "target_year", "value", "direction", "source", "applies_from"
        )}, "by": by, "example": is_example},
    )  # fmt: skip
    audit.record(
        con,
        by,
        "mål",
        f"mål {target_id}: {values['indicator']} {values['scope']} {values['target_year']} = "
        f"{values['value']} från {values['applies_from']}",
    )
    return target_id


def targets(con: duckdb.DuckDBPyConnection, indicator: str | None = None) -> pd.DataFrame:
    """Every target set in the app (of one indicator), oldest first: the history."""
    return con.execute(
        """
        SELECT * FROM indicator_target
        WHERE $indicator IS NULL OR indicator = $indicator
        ORDER BY indicator, applies_from, id
        """,
        {"indicator": indicator},
    ).df()


def digests(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Per indicator, what its app targets are (count and newest id): part of the inputs a
    stored result depends on."""
    rows = con.execute(
        "SELECT indicator, count(*), max(id) FROM indicator_target GROUP BY indicator"
    ).fetchall()
    return {str(i): f"{n}:{m}" for i, n, m in rows}
