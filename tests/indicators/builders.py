"""Small constructed data for indicator tests, stored through the real store functions."""

from __future__ import annotations

import duckdb
import pandas as pd

from store import db, loading, queries


def add_batch(
    con: duckdb.DuckDBPyConnection,
    rows: list[dict[str, object]],
    *,
    source: str = "test",
    name: str = "test.xlsx",
) -> int:
    """Observations: dicts with measure, region_code, year and value; optional month, sex,
    age_group, respondents, preliminary."""
    frame = pd.DataFrame(
        [
            {
                "source": source,
                "month": None,
                "sex": "total",
                "age_group": "all",
                "respondents": None,
                "preliminary": False,
                **row,
            }
            for row in rows
        ]
    )
    with db.transaction(con):
        batch_id = loading.insert_batch(
            con, source=source, file_name=name, sha256=name, loaded_by="test", row_count=len(rows)
        )
        queries.insert_observations(con, batch_id, frame)
        loading.refresh_in_force(con, [batch_id])
    return batch_id


def add_population(con: duckdb.DuckDBPyConnection, rows: list[tuple[str, int, float]]) -> int:
    frame = pd.DataFrame(rows, columns=["region_code", "year", "count"]).assign(
        sex="total", age_group="all"
    )
    with db.transaction(con):
        batch_id = loading.insert_batch(
            con, source="population", file_name="pop.csv", sha256="pop", loaded_by="test",
            row_count=len(rows),
        )  # fmt: skip
        queries.insert_population(con, batch_id, frame)
    return batch_id
