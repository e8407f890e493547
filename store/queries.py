"""Every SQL statement the rest of the code runs, as named functions with parameters.

Values always travel as parameters or as registered data frames, never inside the SQL text.
Functions that write expect to run inside ``store.db.transaction`` (the caller decides what
one load is); functions that read take a cursor or a connection.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from store.frames import registered
from store.lake import count

# --- reference data -------------------------------------------------------------------------


# --- batches --------------------------------------------------------------------------------


# --- measures and observations --------------------------------------------------------------


def upsert_measures(con: duckdb.DuckDBPyConnection, measures: pd.DataFrame) -> None:
    """Add measures (id, source, label, unit, spatially_additive); a measure already there
    takes the label and unit the load brings (the publisher's own, as they came)."""
    with registered(con, "incoming_measure", measures):
        con.execute(
            """
            UPDATE measure SET label = i.label, unit = i.unit
            FROM (SELECT DISTINCT ON (id) id, label, unit FROM incoming_measure) AS i
            WHERE measure.id = i.id AND (measure.label <> i.label OR measure.unit <> i.unit)
            """
        )
        con.execute(
            """
            INSERT INTO measure (id, source, label, unit, spatially_additive)
            SELECT DISTINCT ON (id) id, source, label, unit, spatially_additive
            FROM incoming_measure
            WHERE id NOT IN (SELECT id FROM measure)
            """
        )


def follow_measures(con: duckdb.DuckDBPyConnection, declared: pd.DataFrame, checksum: str) -> int:
    """The measure table follows the catalogue's declarations (``declared``: id, source,
    spatially_additive from measures.yaml): a stored measure whose source or additivity the
    catalogue now says otherwise is updated (the source decides whether its figures are
    published or protected). Measures are added by the loads that bring their figures. The
    caller holds the transaction; ``checksum`` is recorded. The number of measures changed."""
    with registered(con, "declared_measure", declared):
        changed = count(
            con,
            """
            SELECT count(*) FROM measure JOIN declared_measure AS d ON measure.id = d.id
            WHERE measure.source <> d.source
               OR measure.spatially_additive <> d.spatially_additive
            """,
        )
        if changed:
            con.execute(
                """
                UPDATE measure SET source = d.source, spatially_additive = d.spatially_additive
                FROM declared_measure AS d
                WHERE measure.id = d.id AND (measure.source <> d.source
                    OR measure.spatially_additive <> d.spatially_additive)
                """
            )
    con.execute("DELETE FROM reference_state WHERE name = 'measures'")
    con.execute(
        "INSERT INTO reference_state (name, checksum, synced_at) "
        "VALUES ('measures', $checksum, current_timestamp)",
        {"checksum": checksum},
    )
    return changed


def describe_measures(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> None:
    """Titles and descriptions of measures (id, source, label, description): added, or
    written over the ones a measure already has."""
    with registered(con, "incoming_description", frame):
        con.execute(
            """
            UPDATE measure SET label = i.label, description = i.description
            FROM incoming_description AS i WHERE measure.id = i.id
            """
        )
        con.execute(
            """
            INSERT INTO measure (id, source, label, unit, spatially_additive, description)
            SELECT DISTINCT ON (id) id, source, label, 'enligt källan', false, description
            FROM incoming_description
            WHERE id NOT IN (SELECT id FROM measure)
            """
        )


def insert_observations(con: duckdb.DuckDBPyConnection, batch_id: int, rows: pd.DataFrame) -> int:
    """Insert tidy rows (source, measure, region_code, year, month, sex, age_group, value,
    respondents, preliminary) into ``observation`` under ``batch_id``, not yet in force (see
    :func:`refresh_in_force`)."""
    with registered(con, "incoming_observation", rows):
        con.execute(
            """
            INSERT INTO observation (batch_id, source, measure, region_code, year, month, sex,
                                     age_group, value, respondents, preliminary, in_force)
            SELECT $batch_id, source, measure, region_code, CAST(year AS INTEGER),
                   CAST(month AS INTEGER), sex, age_group, CAST(value AS DOUBLE),
                   CAST(respondents AS INTEGER), preliminary, false
            FROM incoming_observation
            ORDER BY measure, region_code, year, month  -- the table's sort order (db.SORT_ORDER)
            """,
            {"batch_id": batch_id},
        )
    held = sorted({str(m) for m in rows["measure"]})
    con.execute(
        "UPDATE load_batch SET measures = list_sort(list_distinct("
        "list_concat(coalesce(measures, []), $measures))) WHERE id = $id",
        {"measures": held, "id": batch_id},
    )
    return len(rows)


def fill_batch_measures(con: duckdb.DuckDBPyConnection) -> None:
    """Each batch's measures from its stored observations (a store upgraded to schema 18, an
    imported export): one scan of the observations."""
    con.execute(
        """
        UPDATE load_batch AS b SET measures = m.held  -- NULL: no observations, as when loaded
        FROM (
            SELECT l.id, h.held FROM load_batch AS l
            LEFT JOIN (
                SELECT batch_id, list(DISTINCT measure ORDER BY measure) AS held
                FROM observation GROUP BY batch_id
            ) AS h ON h.batch_id = l.id
        ) AS m
        WHERE m.id = b.id
        """
    )


def count_observations(con: duckdb.DuckDBPyConnection, current_only: bool = False) -> int:
    table_sql = (
        "SELECT count(*) FROM observation_current"
        if current_only
        else "SELECT count(*) FROM observation"
    )
    row = con.execute(table_sql).fetchone()
    return int(row[0]) if row else 0


def has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM information_schema.columns "
        "WHERE table_name = $table AND column_name = $column",
        {"table": table, "column": column},
    ).fetchone()
    return bool(row and row[0])


def measures(con: duckdb.DuckDBPyConnection, source: str | None = None) -> pd.DataFrame:
    return con.execute(
        """
        SELECT id, source, label, unit, spatially_additive, description FROM measure
        WHERE $source IS NULL OR source = $source
        ORDER BY id
        """,
        {"source": source},
    ).df()


def regions_with_data(con: duckdb.DuckDBPyConnection, measure: str) -> pd.DataFrame:
    """Regions that hold data for ``measure``, with the years they cover."""
    return con.execute(
        """
        SELECT r.code, r.name, r.kind, r.valid_from, r.valid_to,
               min(o.year) AS first_year, max(o.year) AS last_year
        FROM observation_current AS o JOIN region AS r ON r.code = o.region_code
        WHERE o.measure = $measure
        GROUP BY ALL
        ORDER BY r.kind, r.name
        """,
        {"measure": measure},
    ).df()


def insert_population(con: duckdb.DuckDBPyConnection, batch_id: int, rows: pd.DataFrame) -> int:
    """Insert population rows (region_code, year, sex, age_group, count) under a batch."""
    with registered(con, "incoming_population", rows):
        con.execute(
            """
            INSERT INTO population (batch_id, region_code, year, sex, age_group, count)
            SELECT $batch_id, region_code, CAST(year AS INTEGER), sex, age_group,
                   CAST(count AS DOUBLE)
            FROM incoming_population
            """,
            {"batch_id": batch_id},
        )
    return len(rows)


def batch_observations(con: duckdb.DuckDBPyConnection, batch_id: int) -> pd.DataFrame:
    """Every stored row of a batch, in the columns ``insert_observations`` takes."""
    return con.execute(
        """
        SELECT source, measure, region_code, year, month, sex, age_group, value, respondents,
               preliminary
        FROM observation WHERE batch_id = $id
        """,
        {"id": batch_id},
    ).df()


def source_status(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per source: batches by state, rows in force, and the latest period loaded (year and
    month; month NULL for yearly figures). Population counts as its own source."""
    return con.execute(
        """
        WITH periods AS (
            SELECT source, max(year * 100 + coalesce(month, 12)) AS latest
            FROM observation_current GROUP BY source
            UNION ALL
            SELECT 'befolkning', max(p.year * 100 + 12) FROM population_current AS p
        ),
        rows_in_force AS (
            SELECT source, count(*) AS n FROM observation_current GROUP BY source
            UNION ALL SELECT 'befolkning', count(*) FROM population_current
        ),
        batch_counts AS (
            SELECT source, count(*) AS batches,
                   count(*) FILTER (WHERE state = 'active') AS active,
                   count(*) FILTER (WHERE state = 'superseded') AS superseded,
                   count(*) FILTER (WHERE state = 'undone') AS undone,
                   count(*) FILTER (WHERE state <> 'undone' AND is_example) AS examples,
                   max(loaded_at) AS last_loaded
            FROM load_batch GROUP BY source
        )
        SELECT s.id, s.title, s.publisher, s.citation, s.url, s.licence, s.method, s.rhythm,
               s.max_age_days, s.caveat,
               coalesce(b.batches, 0) AS batches, coalesce(b.active, 0) AS active,
               coalesce(b.superseded, 0) AS superseded, coalesce(b.undone, 0) AS undone,
               coalesce(b.examples, 0) AS examples,
               b.last_loaded, r.n AS rows_in_force,
               CAST(p.latest // 100 AS INTEGER) AS latest_year,
               CAST(p.latest % 100 AS INTEGER) AS latest_month
        FROM source AS s
        LEFT JOIN batch_counts AS b ON b.source = s.id
        LEFT JOIN rows_in_force AS r ON r.source = s.id
        LEFT JOIN periods AS p ON p.source = s.id
        ORDER BY s.title
        """
    ).df()


def batch_rows(con: duckdb.DuckDBPyConnection, batch_id: int, limit: int = 500) -> pd.DataFrame:
    """The rows a batch stored (observations, or population), with region names, and whether
    each is the value in force (``observation.in_force``)."""
    return con.execute(
        """
        WITH rows AS (
            SELECT o.measure, o.region_code, o.year, o.month, o.sex, o.age_group, o.value,
                   o.respondents, o.preliminary, coalesce(o.in_force, false) AS in_force
            FROM observation AS o
            WHERE o.batch_id = $id
            UNION ALL
            SELECT 'befolkning', p.region_code, p.year, NULL, p.sex, p.age_group, p.count, NULL,
                   false, true
            FROM population AS p WHERE p.batch_id = $id
        )
        SELECT rows.*, r.name AS region_name, coalesce(m.label, rows.measure) AS measure_label,
               count(*) OVER () AS total
        FROM rows JOIN region AS r ON r.code = rows.region_code
        LEFT JOIN measure AS m ON m.id = rows.measure
        ORDER BY rows.measure, r.name, rows.year, rows.month
        LIMIT $limit
        """,
        {"id": batch_id, "limit": limit},
    ).df()


def data_version(con: duckdb.DuckDBPyConnection) -> str:
    """Changes whenever a batch is loaded, superseded or undone, the register is copied or a
    target is set in the app (it changes statuses):
    the key under which pages cache what they computed."""
    row = con.execute(
        """
        SELECT count(*), coalesce(max(id), 0),
               count(*) FILTER (WHERE state = 'undone'),
               count(*) FILTER (WHERE state = 'superseded'),
               (SELECT coalesce(max(checksum), '') FROM reference_state),
               (SELECT count(*) FROM indicator_target)
        FROM load_batch
        """
    ).fetchone()
    return "-".join(str(v) for v in row) if row else "0"


def set_batch_coverage(
    con: duckdb.DuckDBPyConnection, batch_id: int, covers_from: object, covers_to: object
) -> None:
    con.execute(
        "UPDATE load_batch SET covers_from = $from, covers_to = $to WHERE id = $id",
        {"from": covers_from, "to": covers_to, "id": batch_id},
    )


def coverage(
    con: duckdb.DuckDBPyConnection, source: str, series: list[str] | None = None
) -> tuple[object, object] | None:
    """The period the newest batch in force of ``source`` covers, when it records one; with
    ``series`` (measures), the part of it every one of them is covered: from the latest first
    moment the source holds for any of them (series the source has never held are left out:
    nothing says when they began). None when the source holds none of them at all: a type
    the archive has never held is not covered, rather than 0 from the archive's first day."""
    row = con.execute(
        """
        SELECT greatest(b.covers_from, c.first_seen), b.covers_to, c.held
        FROM load_batch AS b,
             (SELECT max(first_seen) AS first_seen, count(*) AS held FROM series_coverage
              WHERE source = $source AND list_contains($series, series)) AS c
        WHERE b.source = $source AND b.state = 'active' AND b.covers_from IS NOT NULL
        ORDER BY b.id DESC LIMIT 1
        """,
        {"source": source, "series": list(series or [])},
    ).fetchone()
    if row is None or (series is not None and not row[2]):
        return None
    return row[0], row[1]


def series_coverage(con: duckdb.DuckDBPyConnection, source: str) -> pd.DataFrame:
    """Per series of ``source``: the first and last moment it holds (columns series,
    first_seen, last_seen, label), with the batch in force's end."""
    return con.execute(
        """
        SELECT c.series, c.first_seen, c.last_seen, coalesce(m.label, c.series) AS label
        FROM series_coverage AS c
        LEFT JOIN (SELECT id, any_value(label) AS label FROM measure GROUP BY id) AS m
               ON m.id = c.series
        WHERE c.source = $source
        ORDER BY c.first_seen, label
        """,
        {"source": source},
    ).df()


def store_identity(con: duckdb.DuckDBPyConnection) -> str | None:
    """The file a connection's store lives in (None for an in-memory store), so that what
    is cached for one store is never served for another. A cursor on the in-memory copy of a
    lake (store.replica, database ``reads``) has the lake's: the copy holds its data at one
    snapshot, which the data version tells apart."""
    row = con.execute(
        """
        SELECT coalesce(
            (SELECT path FROM duckdb_databases() WHERE database_name = current_database()),
            CASE WHEN current_database() IN ('reads', 'part') THEN
                (SELECT path FROM duckdb_databases() WHERE database_name = 'lake') END)
        """
    ).fetchone()
    path = row[0] if row else None
    return str(path) if path else None


def insert_gaps(con: duckdb.DuckDBPyConnection, batch_id: int, gaps: pd.DataFrame) -> None:
    """Cells the file marks as not available: measure, region_code, year, month."""
    if gaps.empty:
        return
    rows = gaps[["measure", "region_code", "year", "month"]]
    with registered(con, "incoming_gap", rows):
        con.execute(
            """
            INSERT INTO source_gap (batch_id, measure, region_code, year, month)
            SELECT $batch_id, measure, region_code, CAST(year AS INTEGER),
                   CAST(month AS INTEGER)
            FROM incoming_gap
            """,
            {"batch_id": batch_id},
        )


def gaps_in_force(con: duckdb.DuckDBPyConnection, measures: list[str]) -> pd.DataFrame:
    """Cells of ``measures`` a batch not undone marks as not available and no figure in
    force fills: region_code, year, month, and ``partial``: the region has other figures in
    force that year (else the source lists it with none at all, e.g. a district not yet
    formed)."""
    return con.execute(
        """
        SELECT DISTINCT g.region_code, g.year, g.month,
               EXISTS (
                   SELECT 1 FROM observation_in_force($m) AS o
                   WHERE o.measure = g.measure AND o.region_code = g.region_code
                     AND o.year = g.year
               ) AS partial
        FROM source_gap AS g JOIN load_batch AS b ON b.id = g.batch_id
        WHERE b.state <> 'undone' AND list_contains($m, g.measure)
          AND NOT EXISTS (
              SELECT 1 FROM observation_in_force($m) AS o
              WHERE o.measure = g.measure AND o.region_code = g.region_code
                AND o.year = g.year AND o.month IS NOT DISTINCT FROM g.month
          )
        ORDER BY ALL
        """,
        {"m": measures},
    ).df()


def insert_survey_rounds(
    con: duckdb.DuckDBPyConnection, batch_id: int, rounds: pd.DataFrame
) -> None:
    """Field periods of the survey rounds in a batch: measure, year, field_from, field_to."""
    if rounds.empty:
        return
    with registered(con, "incoming_round", rounds[["measure", "year", "field_from", "field_to"]]):
        con.execute(
            """
            INSERT INTO survey_round (batch_id, measure, year, field_from, field_to)
            SELECT $batch_id, measure, CAST(year AS INTEGER), CAST(field_from AS DATE),
                   CAST(field_to AS DATE)
            FROM incoming_round
            """,
            {"batch_id": batch_id},
        )


def survey_rounds(con: duckdb.DuckDBPyConnection, measures: list[str]) -> pd.DataFrame:
    """The field period of each year of ``measures`` (the newest batch not undone that gives
    one, over the measures): year, field_from, field_to."""
    return con.execute(
        """
        SELECT year, min(field_from) AS field_from, max(field_to) AS field_to
        FROM (
            SELECT r.*, row_number() OVER (
                       PARTITION BY r.measure, r.year ORDER BY b.loaded_at DESC, b.id DESC
                   ) AS newest
            FROM survey_round AS r JOIN load_batch AS b ON b.id = r.batch_id
            WHERE b.state <> 'undone' AND list_contains($m, r.measure)
        )
        WHERE newest = 1
        GROUP BY year ORDER BY year
        """,
        {"m": measures},
    ).df()
