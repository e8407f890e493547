"""What the data-quality view reads (issue 36): a series' periods per region as the store
holds them now (with the cells the source marks as not available), and the newest batches'
values beside the median and median absolute deviation of their own series' earlier values."""

from __future__ import annotations

import duckdb
import pandas as pd

HISTORY = 24  # earlier periods of the same series a new value is compared with


def periods(con: duckdb.DuckDBPyConnection, measure: str) -> pd.DataFrame:
    """Per region and period (year, month or NULL) of ``measure``'s totals in force: the
    value, whether preliminary, and the batch; plus the cells the source marks as not
    available (``gap`` true, no value)."""
    return con.execute(
        """
        SELECT o.region_code, o.year, o.month, o.value, o.preliminary, o.batch_id,
               false AS gap
        FROM observation AS o
        WHERE o.measure = $measure AND o.in_force AND o.sex = 'total' AND o.age_group = 'all'
        UNION ALL
        SELECT g.region_code, g.year, g.month, NULL, false, g.batch_id, true
        FROM source_gap AS g JOIN load_batch AS b ON b.id = g.batch_id
        WHERE g.measure = $measure AND b.state = 'active'
        """,
        {"measure": measure},
    ).df()


def measures_loaded(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every measure with values in force, its label, unit and source."""
    return con.execute(
        """
        SELECT m.id, m.label, m.unit, m.source FROM measure AS m
        WHERE EXISTS (SELECT 1 FROM observation AS o WHERE o.measure = m.id AND o.in_force)
        ORDER BY m.source, m.label
        """
    ).df()


def newest_batches(con: duckdb.DuckDBPyConnection, limit: int) -> pd.DataFrame:
    """The newest active batches that hold observations, newest first."""
    return con.execute(
        """
        SELECT id, source, file_name, loaded_by, loaded_at, coalesce(is_example, false) AS example
        FROM load_batch
        WHERE state = 'active' AND len(coalesce(measures, [])) > 0
        ORDER BY id DESC LIMIT $limit
        """,
        {"limit": limit},
    ).df()


def against_history(con: duckdb.DuckDBPyConnection, batches: list[int]) -> pd.DataFrame:
    """The values in force that ``batches`` brought for the city and its districts (other
    municipalities are context, not followed up here), each with the median, the median absolute
    deviation and the number of its series' earlier values (at most :data:`HISTORY`, the same
    measure, region, sex and age, months with months and years with years)."""
    if not batches:
        return pd.DataFrame()
    return con.execute(
        f"""
        WITH touched AS (
            SELECT DISTINCT unnest(measures) AS measure FROM load_batch
            WHERE list_contains($batches, id)
        ),
        series AS (
            SELECT o.batch_id, o.measure, o.region_code, o.year, o.month, o.sex, o.age_group,
                   o.value, o.preliminary,
                   median(o.value) OVER earlier AS median,
                   mad(o.value) OVER earlier AS mad,
                   count(o.value) OVER earlier AS n
            FROM observation AS o JOIN touched AS t ON t.measure = o.measure
            WHERE o.in_force
            WINDOW earlier AS (
                PARTITION BY o.measure, o.region_code, o.sex, o.age_group, o.month IS NULL
                ORDER BY o.year, coalesce(o.month, 0)
                ROWS BETWEEN {HISTORY} PRECEDING AND 1 PRECEDING
            )
        )
        SELECT s.*, m.label AS measure_label, m.unit, m.source, r.name AS region_name
        FROM series AS s
        JOIN measure AS m ON m.id = s.measure
        JOIN region AS r ON r.code = s.region_code
        WHERE list_contains($batches, s.batch_id) AND r.kind IN ('district', 'city')
        """,  # HISTORY: a constant of this module
        {"batches": [int(b) for b in batches]},
    ).df()
