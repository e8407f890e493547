"""SQL for the police's events: reading the JSON with DuckDB (fast and small in memory even
for a million events), normalising, placing in districts, the upsert, and monthly counts.

The steps run inside the caller's transaction; temporary tables carry the staged rows.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from store.frames import registered

EVENT_COLUMNS = {
    "id": "BIGINT",
    "datetime": "VARCHAR",
    "name": "VARCHAR",
    "summary": "VARCHAR",
    "url": "VARCHAR",
    "type": "VARCHAR",
    "location": "STRUCT(name VARCHAR, gps VARCHAR)",
}
BASE_URL = "https://polisen.se"
SOURCE = "polisen_handelser"


def stage(con: duckdb.DuckDBPyConnection, path: str, json_format: str) -> int:
    """Read the file into the temporary table ``incoming_event``; returns its row count.
    ``json_format``: 'array' (an API response) or 'newline_delimited' (one event a line)."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE incoming_event AS
        SELECT row_number() OVER () AS position, *
        FROM read_json($path, format = $format, columns = $columns)
        """,
        {"path": path, "format": json_format, "columns": EVENT_COLUMNS},
    )
    row = con.execute("SELECT count(*) FROM incoming_event").fetchone()
    return int(row[0]) if row else 0


def stage_frame(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> int:
    """Stage events already parsed in Python (archives of many responses)."""
    with registered(con, "incoming_frame", frame):
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE incoming_event AS
            SELECT row_number() OVER () AS position, CAST(id AS BIGINT) AS id, datetime, name,
                   summary, url, type,
                   {'name': location_name, 'gps': location_gps} AS location
            FROM incoming_frame
            """
        )
    row = con.execute("SELECT count(*) FROM incoming_event").fetchone()
    return int(row[0]) if row else 0


def incomplete_events(con: duckdb.DuckDBPyConnection, limit: int = 5) -> pd.DataFrame:
    """Staged items that lack what every event has (position, which fields are missing)."""
    return con.execute(
        """
        SELECT position,
               concat_ws(', ',
                   CASE WHEN id IS NULL THEN 'id' END,
                   CASE WHEN datetime IS NULL THEN 'datetime' END,
                   CASE WHEN name IS NULL THEN 'name' END,
                   CASE WHEN type IS NULL THEN 'type' END) AS missing,
               (SELECT count(*) FROM incoming_event
                WHERE id IS NULL OR datetime IS NULL OR name IS NULL OR type IS NULL) AS total
        FROM incoming_event
        WHERE id IS NULL OR datetime IS NULL OR name IS NULL OR type IS NULL
        ORDER BY position
        LIMIT $limit
        """,
        {"limit": limit},
    ).df()


_TIME_PATTERN = r"^\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}:\d{2}( [+-]\d{2}:\d{2})?$"


def bad_datetimes(con: duckdb.DuckDBPyConnection, limit: int = 5) -> pd.DataFrame:
    return con.execute(
        """
        SELECT position, id, datetime,
               (SELECT count(*) FROM incoming_event
                WHERE NOT regexp_full_match(datetime, $pattern)) AS total
        FROM incoming_event WHERE NOT regexp_full_match(datetime, $pattern)
        ORDER BY position LIMIT $limit
        """,
        {"pattern": _TIME_PATTERN, "limit": limit},
    ).df()


def staged_place_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Distinct municipality candidates: the last part of ``name`` and ``location.name``."""
    rows = con.execute(
        """
        SELECT DISTINCT trim(list_last(string_split(name, ','))) FROM incoming_event
        UNION
        SELECT DISTINCT location.name FROM incoming_event WHERE location.name IS NOT NULL
        """
    ).fetchall()
    return sorted(str(r[0]) for r in rows if r[0])


def gazetteer_pattern(con: duckdb.DuckDBPyConnection) -> str:
    """One RE2 pattern that finds any gazetteer place in lower-cased text whose non-letters
    are doubled (so that neighbouring names do not share a boundary character)."""
    names = [str(r[0]) for r in con.execute("SELECT lower(place) FROM gazetteer").fetchall()]
    names.sort(key=len, reverse=True)  # longest first: "hässelby strand" before "hässelby"
    escaped = []
    for name in names:
        parts = [_re2_escape(part) for part in name.replace("-", " ").split()]
        escaped.append(r"\P{L}+".join(parts))
    return r"(?:^|\P{L})(" + "|".join(escaped) + r")s?(?:\P{L}|$)"


def _re2_escape(text: str) -> str:
    return "".join("\\" + ch if ch in r".^$*+?()[]{}|\\" else ch for ch in text)


def normalise(con: duckdb.DuckDBPyConnection, municipalities: pd.DataFrame, pattern: str) -> None:
    """Build ``normalised_event`` from ``incoming_event``: local time, absolute url, one type,
    the municipality (the last part of ``name``, which from 2026 is the only place the
    municipality is given) and the district when the summary names places of one district.

    ``municipalities``: place text → region code, resolved by the caller."""
    with registered(con, "municipality_map", municipalities):
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE normalised_event AS
            WITH e AS (
                SELECT *,
                       trim(list_last(string_split(name, ','))) AS name_place,
                       regexp_extract(datetime, '^(\\S+ \\S+)', 1) AS local_text,
                       nullif(regexp_extract(datetime, ' ([+-]\\d{2}:\\d{2})$', 1), '')
                           AS utc_offset,
                       lower(trim(type)) AS type_key
                FROM incoming_event
                -- the same id twice in one file: keep the last occurrence
                QUALIFY row_number() OVER (PARTITION BY id ORDER BY position DESC) = 1
            ),
            typed AS (
                SELECT e.*, coalesce(t.type, trim(e.type)) AS type_norm
                FROM e LEFT JOIN police_event_type AS t ON t.raw_key = e.type_key
            ),
            located AS (
                SELECT typed.*,
                       coalesce(mn.code, ml.code) AS region_code,
                       regexp_extract_all(
                           regexp_replace(lower(coalesce(summary, '')), '(\\P{L})', '\\1\\1', 'g'),
                           $pattern, 1) AS found
                FROM typed
                LEFT JOIN municipality_map AS mn ON mn.place = typed.name_place
                LEFT JOIN municipality_map AS ml ON ml.place = typed.location.name
            ),
            found AS (
                SELECT l.id, regexp_replace(f.place, '\\P{L}+', ' ', 'g') AS place
                FROM located AS l, unnest(l.found) AS f(place)
                WHERE l.region_code = '0180'
            ),
            placed AS (
                SELECT found.id, list_distinct(list(found.place ORDER BY found.place)) AS places,
                       list_distinct(list(g.district_code)) AS districts
                FROM found JOIN gazetteer AS g
                  ON regexp_replace(lower(g.place), '\\P{L}+', ' ', 'g') = found.place
                GROUP BY found.id
            )
            SELECT l.id, strptime(l.local_text, '%Y-%m-%d %-H:%M:%S') AS occurred_at,
                   l.utc_offset, l.name, l.summary,
                   CASE WHEN l.url LIKE '/%' THEN $base || l.url ELSE l.url END AS url,
                   l.type AS type_raw, l.type_norm AS type,
                   'polisen.' || trim(regexp_replace(
                       strip_accents(lower(l.type_norm)), '[^a-z0-9]+', '_', 'g'), '_') AS measure,
                   l.location.name AS location_name, l.location.gps AS gps, l.region_code,
                   CASE WHEN len(p.districts) = 1 THEN p.districts[1] END AS district_2021,
                   array_to_string(p.places, ', ') AS places
            FROM located AS l LEFT JOIN placed AS p ON p.id = l.id
            """,
            {"pattern": pattern, "base": BASE_URL},
        )


def place_by_date(con: duckdb.DuckDBPyConnection) -> None:
    """Move each placed event from its 2020–2023 district to the district of its date:
    after 1 July 2023 Rinkeby-Kista is Järva; a district that did not exist yet at the
    date (Järva named before July 2023) leaves the event unplaced."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE dated_event AS
        SELECT n.* EXCLUDE (district_2021),
               CASE
                   WHEN n.district_2021 IS NULL THEN NULL
                   WHEN r.valid_from IS NOT NULL AND n.occurred_at < r.valid_from THEN NULL
                   WHEN r.valid_to IS NULL OR n.occurred_at < r.valid_to + INTERVAL 1 DAY
                       THEN n.district_2021
                   ELSE (SELECT s.new_code FROM region_succession AS s
                         WHERE s.old_code = n.district_2021
                           AND s.valid_from <= n.occurred_at LIMIT 1)
               END AS district_code
        FROM normalised_event AS n
        LEFT JOIN region AS r ON r.code = n.district_2021
        """
    )


def upsert(con: duckdb.DuckDBPyConnection, batch_id: int) -> tuple[int, int]:
    """Insert new events and replace changed ones. Returns (new, updated). An event stored by
    a batch that was undone counts as new again (its first batch becomes this one).

    Leaves the temporary table ``touched_cell`` (measure, region_code, year, month): the
    months and places whose counts the new, changed or brought-back events change, under
    their old and their new version (see :func:`monthly_counts`)."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE stored_event AS
        SELECT p.id, p.batch_id, p.name, p.summary, p.type_raw, p.occurred_at, p.measure,
               p.region_code, p.district_code, b.state = 'undone' AS undone
        FROM police_event AS p JOIN load_batch AS b ON b.id = p.batch_id
        WHERE p.id IN (SELECT id FROM dated_event)
        """
    )
    counts = con.execute(
        """
        SELECT count(*) FILTER (WHERE p.id IS NULL OR p.undone),
               count(*) FILTER (WHERE p.id IS NOT NULL AND NOT p.undone AND (
                   p.name IS DISTINCT FROM d.name OR p.summary IS DISTINCT FROM d.summary
                   OR p.type_raw IS DISTINCT FROM d.type_raw
                   OR p.occurred_at IS DISTINCT FROM d.occurred_at))
        FROM dated_event AS d LEFT JOIN stored_event AS p ON p.id = d.id
        """
    ).fetchone()
    assert counts is not None
    # Changed events are replaced (delete, then insert with the first batch kept); events of
    # an undone batch are replaced and belong to this batch from now on.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE replaced_event AS
        SELECT p.* FROM stored_event AS p JOIN dated_event AS d ON d.id = p.id
        WHERE p.undone
           OR p.name IS DISTINCT FROM d.name OR p.summary IS DISTINCT FROM d.summary
           OR p.type_raw IS DISTINCT FROM d.type_raw OR p.occurred_at IS DISTINCT FROM d.occurred_at
        """
    )
    con.execute("DELETE FROM police_event WHERE id IN (SELECT id FROM replaced_event)")
    con.execute(
        """
        INSERT INTO police_event
        SELECT d.id, CASE WHEN r.undone OR r.id IS NULL THEN $batch ELSE r.batch_id END, $batch,
               d.occurred_at, d.utc_offset, d.name, d.summary, d.url, d.type_raw, d.type,
               d.measure, d.location_name, d.gps, d.region_code, d.district_code, d.places
        FROM dated_event AS d
        LEFT JOIN replaced_event AS r ON r.id = d.id
        WHERE d.id NOT IN (SELECT id FROM stored_event) OR r.id IS NOT NULL
        """,
        {"batch": batch_id},
    )
    # The cells whose counts change: where the batch's events are now, and where the versions
    # they replaced were counted (not those of an undone batch: they counted nowhere).
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE touched_cell AS
        WITH moved AS (
            SELECT measure, region_code, district_code, occurred_at FROM police_event
            WHERE updated_batch_id = $batch
            UNION ALL
            SELECT measure, region_code, district_code, occurred_at FROM replaced_event
            WHERE NOT undone
        )
        SELECT DISTINCT measure, region_code, year(occurred_at) AS year,
               month(occurred_at) AS month
        FROM moved WHERE region_code IS NOT NULL
        UNION
        SELECT DISTINCT measure, district_code, year(occurred_at), month(occurred_at)
        FROM moved WHERE district_code IS NOT NULL
        """,
        {"batch": batch_id},
    )
    return int(counts[0]), int(counts[1])


def drop_staging(con: duckdb.DuckDBPyConnection) -> None:
    for table in (
        "incoming_event", "normalised_event", "dated_event", "stored_event", "replaced_event",
        "touched_cell",
    ):  # fmt: skip
        con.execute(f"DROP TABLE IF EXISTS {table}")  # names are constants, not values


def monthly_counts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Events per measure (normalised type), region and month in the cells of
    ``touched_cell`` (left by :func:`upsert`), from every event whose first batch is not
    undone: per municipality (or county), and per placed Stockholm district; a cell with no
    event left counts 0. So a load writes the counts its events change and nothing else.
    Columns: measure, label, region_code, year, month, value."""
    return con.execute(
        """
        WITH periods AS (SELECT DISTINCT measure, year, month FROM touched_cell),
        live AS (
            SELECT e.measure, e.region_code, e.district_code, year(e.occurred_at) AS year,
                   month(e.occurred_at) AS month
            FROM police_event AS e
            JOIN load_batch AS b ON b.id = e.batch_id
            JOIN periods AS p ON p.measure = e.measure AND p.year = year(e.occurred_at)
                             AND p.month = month(e.occurred_at)
            WHERE b.state <> 'undone'
        ),
        counted AS (
            SELECT measure, region_code, year, month, count(*) AS value
            FROM live WHERE region_code IS NOT NULL GROUP BY ALL
            UNION ALL
            SELECT measure, district_code, year, month, count(*)
            FROM live WHERE district_code IS NOT NULL GROUP BY ALL
        ),
        labels AS (
            SELECT measure, any_value(type) AS label FROM police_event
            WHERE measure IN (SELECT measure FROM periods) GROUP BY measure
        )
        SELECT c.measure, coalesce(l.label, c.measure) AS label, c.region_code, c.year,
               c.month, coalesce(n.value, 0) AS value
        FROM touched_cell AS c
        LEFT JOIN counted AS n
          ON n.measure = c.measure AND n.region_code = c.region_code AND n.year = c.year
         AND n.month = c.month
        LEFT JOIN labels AS l ON l.measure = c.measure
        ORDER BY c.measure, c.region_code, c.year, c.month
        """
    ).df()


def span(con: duckdb.DuckDBPyConnection) -> tuple[object, object]:
    """The first and last moment of the events in force (first batch not undone)."""
    row = con.execute(
        """
        SELECT min(e.occurred_at), max(e.occurred_at)
        FROM police_event AS e JOIN load_batch AS b ON b.id = e.batch_id
        WHERE b.state <> 'undone'
        """
    ).fetchone()
    return (row[0], row[1]) if row else (None, None)


def refresh_series_coverage(con: duckdb.DuckDBPyConnection) -> None:
    """Per event type (measure), the first and last moment of its events in force: a type is
    covered from its first event on. The archive holds some types only from a later date than
    others (before March 2023 the demo's holds only Mord/dråp), and a month before a type's
    first event is "not covered", never 0."""
    con.execute("DELETE FROM series_coverage WHERE source = $source", {"source": SOURCE})
    con.execute(
        """
        INSERT INTO series_coverage (source, series, first_seen, last_seen)
        SELECT $source, e.measure, min(e.occurred_at), max(e.occurred_at)
        FROM police_event AS e JOIN load_batch AS b ON b.id = e.batch_id
        WHERE b.state <> 'undone'
        GROUP BY e.measure
        """,
        {"source": SOURCE},
    )


def placement_summary(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """For Stockholm's events (not undone): per year, how many and how many placed."""
    return con.execute(
        """
        SELECT year(e.occurred_at) AS year, count(*) AS events,
               count(e.district_code) AS placed,
               count(*) - count(e.district_code) AS not_placed
        FROM police_event AS e JOIN load_batch AS b ON b.id = e.batch_id
        WHERE b.state <> 'undone' AND e.region_code = '0180'
        GROUP BY ALL ORDER BY year
        """
    ).df()


def event_count(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT count(*) FROM police_event").fetchone()
    return int(row[0]) if row else 0


def events(con: duckdb.DuckDBPyConnection, measure: str | None = None) -> pd.DataFrame:
    return con.execute(
        """
        SELECT id, occurred_at, type, measure, region_code, district_code, places, url
        FROM police_event WHERE $measure IS NULL OR measure = $measure ORDER BY id
        """,
        {"measure": measure},
    ).df()


# --- compaction of superseded counts -------------------------------------------------------

# The newest loads of the events that wrote counts and can be undone (newest first). The counts
# an older load replaced can never be in force again, so they are deleted: the store then grows
# with the cells new events touch, not with every load.
UNDO_DEPTH = 10
SOURCE = "polisen_handelser"


def undoable(con: duckdb.DuckDBPyConnection, batch_id: int) -> bool:
    """Whether a batch of events is among the :data:`UNDO_DEPTH` newest that wrote counts
    (undone ones included). A load that wrote none (a fetch of events already stored) has
    nothing to bring back and can always be undone; it does not count."""
    row = con.execute(
        """
        SELECT (SELECT row_count FROM load_batch WHERE id = $id) = 0
            OR count(*) < $depth
        FROM load_batch
        WHERE source = $source AND id > $id AND row_count > 0
        """,
        {"source": SOURCE, "id": batch_id, "depth": UNDO_DEPTH},
    ).fetchone()
    return bool(row and row[0])


def compact_counts(con: duckdb.DuckDBPyConnection, every: bool = False) -> int:
    """Delete the counts that no undo can bring back: under each key a batch that has just
    left the :data:`UNDO_DEPTH` newest that wrote counts (or, with ``every``, any batch older
    than them) holds a row of, the rows of older batches that are not in force. Returns the
    rows deleted. Run inside the load's transaction, after the values in force are decided."""
    older = con.execute(
        """
        WITH edge AS (
            SELECT id FROM load_batch WHERE source = $source AND row_count > 0
            ORDER BY id DESC LIMIT 1 OFFSET $depth
        )
        SELECT id FROM load_batch
        WHERE source = $source AND state <> 'undone'
          AND (id = (SELECT id FROM edge) OR ($every AND id < (SELECT id FROM edge)))
        """,
        {"source": SOURCE, "depth": UNDO_DEPTH, "every": every},
    ).fetchall()
    ids = [int(r[0]) for r in older]
    if not ids:
        return 0
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE leaving_key AS
        SELECT measure, region_code, year, coalesce(month, 0) AS month, sex, age_group,
               max(batch_id) AS leaving
        FROM observation WHERE source = $source AND list_contains($ids, batch_id)
        GROUP BY ALL
        """,
        {"source": SOURCE, "ids": ids},
    )
    row = con.execute(
        """
        DELETE FROM observation AS o
        USING leaving_key AS k
        WHERE o.source = $source AND o.measure = k.measure AND o.region_code = k.region_code
          AND o.year = k.year AND coalesce(o.month, 0) = k.month AND o.sex = k.sex
          AND o.age_group = k.age_group AND o.batch_id < k.leaving
          AND NOT coalesce(o.in_force, false)
          AND o.batch_id NOT IN (SELECT id FROM load_batch WHERE state = 'undone')
        """,
        {"source": SOURCE},
    ).fetchone()
    con.execute("DROP TABLE leaving_key")
    return int(row[0]) if row else 0
