"""Time series over the observation table, on today's boundaries or those of the time.

Rolling up is exact because districts only ever merged: every region is the union of
"leaf" regions (those with no predecessor). A value for a region of today is complete only
when the regions of the time that the source reported cover all of its leaves, once each:
Norra innerstaden in 2022 from Norrmalm alone is not Norra innerstaden, and a period for
which a source reported both Rinkeby-Kista and Järva would be counted twice. Incomplete
values come back with ``complete = false`` and the callers leave them out.
"""

from __future__ import annotations

from typing import Literal

import duckdb
import pandas as pd

Boundaries = Literal["today", "time"]

# Every region with the leaf regions it is made of (a leaf is made of itself).
LEAVES_SQL = """
leaves(code, leaf) AS (
    SELECT r.code, r.code FROM region AS r
    WHERE NOT EXISTS (SELECT 1 FROM region_succession AS s WHERE s.new_code = r.code)
    UNION ALL
    SELECT s.new_code, leaves.leaf
    FROM leaves JOIN region_succession AS s ON s.old_code = leaves.code
),
leaf_count AS (SELECT code, count(DISTINCT leaf) AS n_leaves FROM leaves GROUP BY code)
"""

# Every region with the region it belongs to today (itself if it still exists).
TODAY_MAP_SQL = """
chain(code, target) AS (
    SELECT code, code FROM region
    UNION ALL
    SELECT chain.code, s.new_code
    FROM chain JOIN region_succession AS s ON s.old_code = chain.target
),
region_map AS (
    SELECT chain.code, chain.target
    FROM chain JOIN region AS r ON r.code = chain.target
    WHERE r.valid_to IS NULL
)
"""

TIME_MAP_SQL = """
region_map AS (SELECT code, code AS target FROM region)
"""


def _region_map(boundaries: Boundaries) -> str:
    return TODAY_MAP_SQL if boundaries == "today" else TIME_MAP_SQL


def observation_rows(
    con: duckdb.DuckDBPyConnection,
    measures: list[str],
    *,
    boundaries: Boundaries,
    by_sex: bool = False,
    by_age: bool = False,
    region_codes: list[str] | None = None,
) -> pd.DataFrame:
    """The values in force of ``measures`` (summed), per region, year, month, sex and age
    group, one query for every region.

    Columns: region_code, region_name, region_kind, year, month (0 for a yearly figure),
    sex, age_group, total (sum of values), weighted (sum of value × respondents),
    respondents, preliminary, complete, n_parts.
    """
    sql = f"""
        WITH RECURSIVE {LEAVES_SQL}, {_region_map(boundaries)},
        base AS (
            SELECT m.target AS region_code, o.region_code AS part_code, o.year,
                   coalesce(o.month, 0) AS month, o.sex, o.age_group, o.value,
                   o.respondents, o.preliminary
            FROM observation_current AS o
            JOIN region_map AS m ON m.code = o.region_code
            WHERE list_contains($measures, o.measure)
              AND (o.sex = 'total' OR $by_sex)
              AND (o.age_group = 'all' OR $by_age)
              AND ($codes IS NULL OR list_contains($codes, m.target))
        ),
        parts AS (
            SELECT DISTINCT region_code, year, month, sex, age_group, part_code FROM base
        ),
        coverage AS (
            SELECT p.region_code, p.year, p.month, p.sex, p.age_group,
                   count(DISTINCT l.leaf) AS covered, count(l.leaf) AS leaf_rows,
                   count(DISTINCT p.part_code) AS n_parts
            FROM parts AS p JOIN leaves AS l ON l.code = p.part_code
            GROUP BY ALL
        ),
        agg AS (
            SELECT region_code, year, month, sex, age_group,
                   sum(value) AS total,
                   sum(value * respondents) AS weighted,
                   sum(respondents) AS respondents,
                   bool_or(preliminary) AS preliminary
            FROM base
            GROUP BY ALL
        )
        SELECT a.region_code, r.name AS region_name, r.kind AS region_kind, a.year, a.month,
               a.sex, a.age_group, a.total, a.weighted, a.respondents, a.preliminary,
               (c.covered = lc.n_leaves AND c.leaf_rows = c.covered) AS complete,
               c.n_parts
        FROM agg AS a
        JOIN coverage AS c USING (region_code, year, month, sex, age_group)
        JOIN leaf_count AS lc ON lc.code = a.region_code
        JOIN region AS r ON r.code = a.region_code
        ORDER BY r.name, a.year, a.month, a.sex, a.age_group
    """
    return con.execute(
        sql,
        {"measures": measures, "by_sex": by_sex, "by_age": by_age, "codes": region_codes},
    ).df()


def population_rows(
    con: duckdb.DuckDBPyConnection,
    *,
    boundaries: Boundaries,
    by_sex: bool = False,
    by_age: bool = False,
    region_codes: list[str] | None = None,
) -> pd.DataFrame:
    """Population per region, year, sex and age group, rolled up like observations; only
    complete sums (every leaf region present once). Columns: region_code, year, sex,
    age_group, population."""
    sql = f"""
        WITH RECURSIVE {LEAVES_SQL}, {_region_map(boundaries)},
        base AS (
            SELECT m.target AS region_code, p.region_code AS part_code, p.year, p.sex,
                   p.age_group, p.count
            FROM population_current AS p
            JOIN region_map AS m ON m.code = p.region_code
            WHERE (p.sex = 'total' OR $by_sex) AND (p.age_group = 'all' OR $by_age)
              AND ($codes IS NULL OR list_contains($codes, m.target))
        ),
        coverage AS (
            SELECT b.region_code, b.year, b.sex, b.age_group,
                   count(DISTINCT l.leaf) AS covered, count(l.leaf) AS leaf_rows
            FROM base AS b JOIN leaves AS l ON l.code = b.part_code
            GROUP BY ALL
        )
        SELECT b.region_code, b.year, b.sex, b.age_group, sum(b.count) AS population
        FROM base AS b
        JOIN coverage AS c USING (region_code, year, sex, age_group)
        JOIN leaf_count AS lc ON lc.code = b.region_code
        WHERE c.covered = lc.n_leaves AND c.leaf_rows = c.covered
        GROUP BY ALL
        ORDER BY b.region_code, b.year
    """
    return con.execute(sql, {"by_sex": by_sex, "by_age": by_age, "codes": region_codes}).df()
