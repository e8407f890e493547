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

# Every region with the leaf regions it is made of (a leaf is made of itself). Used when the
# register is copied, to fill region_leaf.
LEAVES_SQL = """
leaves(code, leaf) AS (
    SELECT r.code, r.code FROM region AS r
    WHERE NOT EXISTS (SELECT 1 FROM region_succession AS s WHERE s.new_code = r.code)
    UNION ALL
    SELECT s.new_code, leaves.leaf
    FROM leaves JOIN region_succession AS s ON s.old_code = leaves.code
)
"""

# Every region with the region it belongs to today (itself if it still exists). Used when
# the register is copied, to fill region_today.
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

_TABLES = """
leaves AS (SELECT code, leaf FROM region_leaf),
leaf_count AS (SELECT code, count(*) AS n_leaves FROM region_leaf GROUP BY code)
"""
_MAPS = {
    "today": "region_map AS (SELECT code, target FROM region_today)",
    "time": "region_map AS (SELECT code, code AS target FROM region)",
}


def _region_map(boundaries: Boundaries) -> str:
    return _MAPS[boundaries]


def _monthly_ctes(boundaries: Boundaries) -> str:
    """CTEs up to ``monthly``: the values of the measures summed per region of the chosen
    boundaries, year, month (0 for a yearly figure), sex and age group, with completeness."""
    return f"""
        WITH {_TABLES}, {_region_map(boundaries)},
        base AS (
            SELECT m.target AS region_code, o.region_code AS part_code, o.year,
                   coalesce(o.month, 0) AS month, o.sex, o.age_group, o.value,
                   o.respondents, o.preliminary, o.from_example
            FROM observation_in_force($measures) AS o
            JOIN region_map AS m ON m.code = o.region_code
            WHERE (o.sex = coalesce($sex, 'total') OR $by_sex)
              AND (o.age_group = coalesce($age_group, 'all') OR $by_age)
              AND ($codes IS NULL OR list_contains($codes, m.target))
              AND ($from_month IS NULL OR o.month IS NULL
                   OR make_date(o.year, o.month, 1) BETWEEN $from_month AND $to_month)
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
        monthly AS (
            SELECT b.region_code, b.year, b.month, b.sex, b.age_group,
                   sum(b.value) AS total,
                   sum(b.value * b.respondents) AS weighted,
                   sum(b.respondents) AS respondents,
                   bool_or(b.preliminary) AS preliminary,
                   bool_or(b.from_example) AS example,
                   $complete_by_definition
                       OR any_value(c.covered = lc.n_leaves AND c.leaf_rows = c.covered)
                       AS complete,
                   any_value(c.n_parts) AS n_parts
            FROM base AS b
            JOIN coverage AS c USING (region_code, year, month, sex, age_group)
            JOIN leaf_count AS lc ON lc.code = b.region_code
            GROUP BY ALL
        )
    """


def _parameters(
    measures: list[str],
    by_sex: bool,
    by_age: bool,
    region_codes: list[str] | None,
    sex: str | None = None,
    age_group: str | None = None,
    complete_by_definition: bool = False,
    months: tuple[object, object] | None = None,
) -> dict[str, object]:
    return {
        "from_month": months[0] if months else None,
        "to_month": months[1] if months else None,
        "complete_by_definition": complete_by_definition,
        "measures": measures,
        "by_sex": by_sex,
        "by_age": by_age,
        "codes": region_codes,
        "sex": sex,
        "age_group": age_group,
    }


def observation_rows(
    con: duckdb.DuckDBPyConnection,
    measures: list[str],
    *,
    boundaries: Boundaries,
    by_sex: bool = False,
    by_age: bool = False,
    region_codes: list[str] | None = None,
    sex: str | None = None,
    age_group: str | None = None,
    months: tuple[object, object] | None = None,
    every_event: bool = False,
) -> pd.DataFrame:
    """The values in force of ``measures`` (summed), per region, year, month, sex and age
    group, one query for every region. ``sex``, ``age_group``, ``months`` and
    ``every_event`` (a sum over the parts present is complete) as in :func:`yearly_rows`.

    Columns: region_code, region_name, region_kind, year, month (0 for a yearly figure),
    sex, age_group, total (sum of values), weighted (sum of value × respondents),
    respondents, preliminary, example (from a batch of invented values), complete, n_parts.
    """
    sql = (
        _monthly_ctes(boundaries)
        + """
        SELECT m.region_code, r.name AS region_name, r.kind AS region_kind, m.year, m.month,
               m.sex, m.age_group, m.total, m.weighted, m.respondents, m.preliminary,
               m.example, m.complete, m.n_parts
        FROM monthly AS m JOIN region AS r ON r.code = m.region_code
        ORDER BY r.name, m.year, m.month, m.sex, m.age_group
    """
    )
    return con.execute(
        sql,
        _parameters(measures, by_sex, by_age, region_codes, sex, age_group, every_event, months),
    ).df()


# The years from the monthly rows (_monthly_ctes): months summed, the months each year
# covers, and for a part of a year the same months of the year before.
_YEARLY_SQL = """,
        yearly AS (
            SELECT region_code, year, sex, age_group,
                   sum(total) AS total,
                   sum(weighted) AS weighted,
                   sum(respondents) AS respondents,
                   bool_or(preliminary) AS preliminary,
                   bool_or(example) AS example,
                   bool_and(complete) AS complete,
                   max(n_parts) AS n_parts,
                   CASE WHEN $from_month IS NOT NULL
                        THEN date_diff('month',
                                       greatest(make_date(any_value(year), 1, 1), $from_month),
                                       least(make_date(any_value(year), 12, 1), $to_month)) + 1
                        WHEN max(month) = 0 THEN 12 ELSE count(DISTINCT month) END AS n_months,
                   CASE WHEN $from_month IS NOT NULL
                        THEN month(greatest(make_date(any_value(year), 1, 1), $from_month))
                        ELSE 1 END AS first_month,
                   CASE WHEN $from_month IS NOT NULL
                        THEN month(least(make_date(any_value(year), 12, 1), $to_month))
                        WHEN max(month) = 0 THEN 12 ELSE max(month) END AS last_month
            FROM monthly
            GROUP BY ALL
        ),
        ytd AS (
            -- The same months a year earlier: with a covered period every month in it counts
            -- (a month without events is 0); otherwise every month must have a figure.
            SELECT y.region_code, y.year, y.sex, y.age_group,
                   CASE WHEN $from_month IS NOT NULL
                        THEN CASE WHEN make_date(y.year - 1, 1, 1) >= $from_month
                                  THEN coalesce(sum(m.total), 0) END
                        WHEN count(DISTINCT m.month) = y.n_months AND bool_and(m.complete)
                        THEN sum(m.total) END AS ytd_previous
            FROM yearly AS y
            LEFT JOIN monthly AS m
              ON m.region_code = y.region_code AND m.sex = y.sex
             AND m.age_group = y.age_group AND m.year = y.year - 1
             AND m.month BETWEEN 1 AND y.last_month
            WHERE y.n_months < 12 AND y.first_month = 1
            GROUP BY y.region_code, y.year, y.sex, y.age_group, y.n_months
        )
        SELECT y.region_code, r.name AS region_name, r.kind AS region_kind, y.year, y.sex,
               y.age_group, y.total,
               CASE WHEN y.respondents > 0 THEN y.weighted END AS weighted,
               CASE WHEN y.respondents > 0 THEN y.respondents END AS respondents,
               y.preliminary, y.example, y.complete, y.n_parts, y.n_months, y.first_month,
               y.last_month, t.ytd_previous
        FROM yearly AS y
        JOIN region AS r ON r.code = y.region_code
        LEFT JOIN ytd AS t USING (region_code, year, sex, age_group)
        ORDER BY r.name, y.sex, y.age_group, y.year
    """


def yearly_rows(
    con: duckdb.DuckDBPyConnection,
    measures: list[str],
    *,
    boundaries: Boundaries,
    by_sex: bool = False,
    by_age: bool = False,
    region_codes: list[str] | None = None,
    sex: str | None = None,
    age_group: str | None = None,
    absent_is_zero: bool = False,
    months: tuple[object, object] | None = None,
) -> pd.DataFrame:
    """Like :func:`observation_rows` but per year: monthly figures are summed, and a year
    with fewer than 12 months carries the same months of the year before
    (``ytd_previous``, NULL unless those months are all there and complete).

    Extra columns: n_months (12 for a yearly figure), last_month, ytd_previous.
    ``sex``/``age_group`` select one sex or age band instead of the totals.
    ``absent_is_zero``: the source lists every event, so a part of a region of today with no
    row had none, and a sum over the parts present is complete.
    ``months``: the first and last whole month the source covers (dates of their first
    days): only those months count, and each year's months (first_month, last_month,
    n_months) are the covered ones, not the ones that happen to have a figure.
    """
    sql = _monthly_ctes(boundaries) + _YEARLY_SQL
    return con.execute(
        sql,
        _parameters(measures, by_sex, by_age, region_codes, sex, age_group, absent_is_zero, months),
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
        WITH {_TABLES}, {_region_map(boundaries)},
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
