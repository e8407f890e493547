"""Every SQL statement the rest of the code runs, as named functions with parameters.

Values always travel as parameters or as registered data frames, never inside the SQL text.
Functions that write expect to run inside ``store.db.transaction`` (the caller decides what
one load is); functions that read take a cursor or a connection.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from store import series
from store.frames import registered
from store.lake import count

# --- reference data -------------------------------------------------------------------------


def reference_checksum(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    row = con.execute(
        "SELECT checksum FROM reference_state WHERE name = $name", {"name": name}
    ).fetchone()
    return str(row[0]) if row else None


# Reference tables copied from data/reference/, and the columns each takes.
REFERENCE_TABLES = {
    "region": ["code", "name", "kind", "valid_from", "valid_to", "parent", "source"],
    "region_succession": ["old_code", "new_code", "valid_from", "note"],
    "region_alias": ["alias", "code", "spelled"],
    "gazetteer": ["place", "district_code", "source"],
    "police_event_type": ["raw_key", "type"],
    "source": ["id", "title", "publisher", "citation", "url", "licence", "method", "rhythm",
               "max_age_days", "caveat", "disclosure"],
}  # fmt: skip


def replace_reference(
    con: duckdb.DuckDBPyConnection, frames: dict[str, pd.DataFrame], checksum: str
) -> None:
    """Replace every reference table with the given frames (caller holds the transaction),
    then rebuild the tables derived from the register (region_leaf, region_today)."""
    for table, columns in REFERENCE_TABLES.items():
        frame = frames[table][columns]
        with registered(con, "incoming_reference", frame):
            con.execute(f"DELETE FROM {table}")  # table names are constants, not values
            column_list = ", ".join(columns)
            con.execute(
                f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM incoming_reference"
            )
    con.execute("DELETE FROM region_leaf")
    con.execute(
        f"INSERT INTO region_leaf SELECT * FROM (WITH RECURSIVE {series.LEAVES_SQL} "
        "SELECT DISTINCT code, leaf FROM leaves)"
    )
    con.execute("DELETE FROM region_today")
    con.execute(
        f"INSERT INTO region_today SELECT * FROM (WITH RECURSIVE {series.TODAY_MAP_SQL} "
        "SELECT code, target FROM region_map)"
    )
    con.execute("DELETE FROM reference_state WHERE name = 'reference'")
    con.execute(
        """
        INSERT INTO reference_state (name, checksum, synced_at)
        VALUES ('reference', $checksum, current_timestamp)
        """,
        {"checksum": checksum},
    )


def sources(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        "SELECT id, title, publisher, citation, url, licence, method, rhythm, max_age_days, "
        "caveat FROM source ORDER BY title"
    ).df()


def source(con: duckdb.DuckDBPyConnection, source_id: str) -> dict[str, object] | None:
    frame = con.execute(
        "SELECT id, title, publisher, citation, url, licence, method, rhythm, max_age_days, "
        "caveat, disclosure FROM source WHERE id = $id",
        {"id": source_id},
    ).df()
    return None if frame.empty else frame.iloc[0].to_dict()


def measure_source(con: duckdb.DuckDBPyConnection, measure: str) -> str | None:
    row = con.execute(
        "SELECT any_value(source) FROM measure WHERE id = $m", {"m": measure}
    ).fetchone()
    return None if row is None or row[0] is None else str(row[0])


def published_sources(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """The sources whose figures their owner publishes (shown as published, never hidden)."""
    rows = con.execute("SELECT id FROM source WHERE disclosure = 'published'").fetchall()
    return frozenset(str(r[0]) for r in rows)


def observed_region_codes(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every region code that stored observations refer to (in any batch)."""
    rows = con.execute("SELECT DISTINCT region_code FROM observation").fetchall()
    return {str(r[0]) for r in rows}


def regions(con: duckdb.DuckDBPyConnection, kinds: tuple[str, ...] = ()) -> pd.DataFrame:
    """The region register, optionally only some kinds, ordered by kind and name."""
    return con.execute(
        """
        SELECT code, name, kind, valid_from, valid_to, parent, source
        FROM region
        WHERE len($kinds) = 0 OR list_contains($kinds, kind)
        ORDER BY kind, name
        """,
        {"kinds": list(kinds)},
    ).df()


def region_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT code, name FROM region").fetchall())


def region_aliases(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        """
        SELECT a.alias, a.code, a.spelled, r.name, r.kind
        FROM region_alias AS a JOIN region AS r ON r.code = a.code
        ORDER BY a.alias
        """
    ).df()


def region_successions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        "SELECT old_code, new_code, valid_from, note FROM region_succession "
        "ORDER BY valid_from, new_code, old_code"
    ).df()


def today_region_map(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """For every region, the region it is part of today (itself if it still exists)."""
    return con.execute("SELECT code, target FROM region_today ORDER BY code").df()


def measures_with_data(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Measures that hold at least one row of a batch that is not undone."""
    rows = con.execute(
        """
        SELECT DISTINCT o.measure FROM observation AS o
        JOIN load_batch AS b ON b.id = o.batch_id WHERE b.state <> 'undone'
        """
    ).fetchall()
    return {str(r[0]) for r in rows}


# --- batches --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Batch:
    id: int
    source: str
    file_name: str
    sha256: str
    loaded_by: str
    loaded_at: object
    row_count: int
    state: str
    note: str | None
    is_example: bool = False


_BATCH_COLUMNS = (
    "id, source, file_name, sha256, loaded_by, loaded_at, row_count, state, note, "
    "coalesce(is_example, false)"
)


def store_counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    """The store's batches, accounts and regions (``store init``'s line)."""
    row = con.execute(
        "SELECT (SELECT count(*) FROM load_batch), (SELECT count(*) FROM account), "
        "(SELECT count(*) FROM region)"
    ).fetchone()
    return (int(row[0]), int(row[1]), int(row[2])) if row else (0, 0, 0)


def only_loaded_by(con: duckdb.DuckDBPyConnection, who: str) -> bool:
    """Whether every batch of the store (none: true) was loaded by ``who`` (the bundled demo
    data's loader)."""
    return not count(con, "SELECT count(*) FROM load_batch WHERE loaded_by <> $who", {"who": who})


def find_loaded_batch(con: duckdb.DuckDBPyConnection, source: str, sha256: str) -> Batch | None:
    """The batch that already holds this exact file, unless that batch was undone."""
    row = con.execute(
        f"SELECT {_BATCH_COLUMNS} FROM load_batch "
        "WHERE source = $source AND sha256 = $sha AND state <> 'undone' ORDER BY id LIMIT 1",
        {"source": source, "sha": sha256},
    ).fetchone()
    return Batch(*row) if row else None


def insert_batch(
    con: duckdb.DuckDBPyConnection,
    *,
    source: str,
    file_name: str,
    sha256: str,
    loaded_by: str,
    row_count: int,
    note: str | None = None,
) -> int:
    batch_id = next_id(con, "load_batch")
    con.execute(
        """
        INSERT INTO load_batch (id, source, file_name, sha256, loaded_by, row_count, note)
        VALUES ($id, $source, $file_name, $sha, $loaded_by, $row_count, $note)
        """,
        {
            "id": batch_id,
            "source": source,
            "file_name": file_name,
            "sha": sha256,
            "loaded_by": loaded_by,
            "row_count": row_count,
            "note": note,
        },
    )
    return batch_id


def next_id(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """The next id of ``table`` (load_batch, action or timeline_event): max + 1, read in the writing
    transaction, which no other write overlaps (see store.db.transaction)."""
    if table not in ("load_batch", "action", "timeline_event", "indicator_target"):
        raise ValueError(table)
    row = con.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()
    return int(row[0]) if row else 1


def find_loaded_batch_any_source(con: duckdb.DuckDBPyConnection, sha256: str) -> Batch | None:
    """The batch, of any source, that already holds this exact file (unless undone)."""
    row = con.execute(
        f"SELECT {_BATCH_COLUMNS} FROM load_batch WHERE sha256 = $sha AND state <> 'undone' "
        "ORDER BY id LIMIT 1",
        {"sha": sha256},
    ).fetchone()
    return Batch(*row) if row else None


def set_example(con: duckdb.DuckDBPyConnection, batch_id: int) -> None:
    con.execute("UPDATE load_batch SET is_example = true WHERE id = $id", {"id": batch_id})


def undo_batch(con: duckdb.DuckDBPyConnection, batch_id: int, undone_by: str) -> None:
    con.execute(
        """
        UPDATE load_batch
        SET state = 'undone',
            note = concat_ws('; ', note, 'ångrad av ' || $who || ' ' ||
                             strftime(current_timestamp, '%Y-%m-%d %H:%M'))
        WHERE id = $id
        """,
        {"id": batch_id, "who": undone_by},
    )


def stored_values(con: duckdb.DuckDBPyConnection, measures: list[str]) -> pd.DataFrame:
    """Yearly values in force of the measures: measure, region_code, year, sex, age_group,
    value, respondents."""
    return con.execute(
        """
        SELECT measure, region_code, year, sex, age_group, value, respondents
        FROM observation_in_force($measures) WHERE month IS NULL
        """,
        {"measures": measures},
    ).df()


def save_mapping(con: duckdb.DuckDBPyConnection, name: str, mapping: str, saved_by: str) -> None:
    con.execute("DELETE FROM upload_mapping WHERE name = $name", {"name": name})
    con.execute(
        "INSERT INTO upload_mapping (name, mapping, saved_by, saved_at) "
        "VALUES ($name, $mapping, $by, current_timestamp)",
        {"name": name, "mapping": mapping, "by": saved_by},
    )


def mapping_owner(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """Who saved the mapping of this name, None when there is none."""
    row = con.execute(
        "SELECT saved_by FROM upload_mapping WHERE name = $name", {"name": name}
    ).fetchone()
    return str(row[0]) if row else None


def mappings(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT name, mapping FROM upload_mapping ORDER BY name").fetchall())


def set_batch_row_count(con: duckdb.DuckDBPyConnection, batch_id: int, rows: int) -> None:
    con.execute(
        "UPDATE load_batch SET row_count = $rows WHERE id = $id", {"rows": rows, "id": batch_id}
    )


def batches(con: duckdb.DuckDBPyConnection) -> list[Batch]:
    rows = con.execute(f"SELECT {_BATCH_COLUMNS} FROM load_batch ORDER BY id").fetchall()
    return [Batch(*row) for row in rows]


def batch(con: duckdb.DuckDBPyConnection, batch_id: int) -> Batch | None:
    row = con.execute(
        f"SELECT {_BATCH_COLUMNS} FROM load_batch WHERE id = $id", {"id": batch_id}
    ).fetchone()
    return Batch(*row) if row else None


# The columns that make an observation's key: one value per key is in force.
_KEY_MATCH = """
    o.source = k.source AND o.measure = k.measure AND o.region_code = k.region_code
    AND o.year = k.year AND coalesce(o.month, 0) = k.month AND o.sex = k.sex
    AND o.age_group = k.age_group
"""


def refresh_in_force(con: duckdb.DuckDBPyConnection, batch_ids: list[int] | None) -> list[int]:
    """Decide again which row is in force for every key the rows of ``batch_ids`` carry (None:
    every key in the store), set ``observation.in_force`` where that changed, and mark the
    batches with rows under those keys superseded when none of their rows is in force any
    more, active again when some are (after an undo). Rows of undone batches never are in
    force; among the others final figures beat preliminary ones and a newer batch beats an
    older one. The work is the size of the batches' keys, not of the store. Population rows
    (few) are ranked whole. Run inside the load's (or undo's) transaction; returns the newly
    superseded batch ids."""
    ids = None if batch_ids is None else [int(i) for i in batch_ids]
    # The keys first, as a table of their own: as a common table expression of the next
    # statement the join was planned worse (0,13 s against 0,07 at 100x).
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE touched_key AS
        SELECT DISTINCT source, measure, region_code, year, coalesce(month, 0) AS month, sex,
               age_group
        FROM observation WHERE $ids IS NULL OR list_contains($ids, batch_id)
        """,
        {"ids": ids},
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE key_row AS
        SELECT o.batch_id, k.source, k.measure, k.region_code, k.year, k.month, k.sex,
               k.age_group, coalesce(o.in_force, false) AS was, b.state,
               b.state <> 'undone' AND row_number() OVER (
                   PARTITION BY k.source, k.measure, k.region_code, k.year, k.month, k.sex,
                                k.age_group
                   ORDER BY b.state = 'undone', o.preliminary ASC, b.loaded_at DESC, b.id DESC
               ) = 1 AS wins
        FROM observation AS o
        JOIN touched_key AS k ON {_KEY_MATCH}
        JOIN load_batch AS b ON b.id = o.batch_id
        """
    )
    con.execute(
        f"""
        UPDATE observation AS o SET in_force = k.wins
        FROM key_row AS k
        WHERE o.batch_id = k.batch_id AND {_KEY_MATCH} AND k.wins <> k.was
        """
    )
    # The population's batches are ranked whole when one of them is among the batches (or all
    # are): 40 ms of every other load otherwise.
    population = ids is None or count(
        con, "SELECT count(*) FROM population WHERE list_contains($ids, batch_id)", {"ids": ids}
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE batch_force AS
        SELECT o.batch_id, bool_or(coalesce(o.in_force, false)) AS in_force
        FROM observation AS o
        WHERE o.batch_id IN (SELECT batch_id FROM key_row WHERE state <> 'undone')
        GROUP BY o.batch_id
        {_POPULATION_FORCE if population else ""}
        """
    )
    newly = con.execute(
        """
        SELECT b.id FROM load_batch AS b JOIN batch_force AS f ON f.batch_id = b.id
        WHERE b.state = 'active' AND NOT f.in_force ORDER BY b.id
        """
    ).fetchall()
    con.execute(  # (DuckLake has no RETURNING for an update)
        """
        UPDATE load_batch AS b
        SET state = CASE WHEN f.in_force THEN 'active' ELSE 'superseded' END
        FROM batch_force AS f
        WHERE f.batch_id = b.id AND b.state IN ('active', 'superseded')
          AND b.state <> CASE WHEN f.in_force THEN 'active' ELSE 'superseded' END
        """
    )
    for table in ("touched_key", "key_row", "batch_force"):
        con.execute(f"DROP TABLE {table}")  # names are constants, not values
    return [int(r[0]) for r in newly]


_POPULATION_FORCE = """
        UNION ALL
        SELECT p.batch_id, bool_or(p.batch_id IN (SELECT batch_id FROM population_current))
        FROM population AS p GROUP BY p.batch_id
"""


def batch_observation_counts(con: duckdb.DuckDBPyConnection, batch_id: int) -> dict[str, int]:
    """Rows stored for a batch and how many of them are the value in force."""
    row = con.execute(
        """
        SELECT (SELECT count(*) FROM observation WHERE batch_id = $id),
               (SELECT count(*) FROM observation_current WHERE batch_id = $id)
        """,
        {"id": batch_id},
    ).fetchone()
    assert row is not None
    return {"stored": int(row[0]), "current": int(row[1])}


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
        SELECT rows.*, r.name AS region_name, count(*) OVER () AS total
        FROM rows JOIN region AS r ON r.code = rows.region_code
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
