"""The batches: each file loaded (by whom, when, from which source, its period and rows), finding
one already loaded, undoing one, and deciding again which observation is in force for every key
a batch touched; saved column mappings of uploads."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from store.lake import count


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
