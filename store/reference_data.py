"""The register and the reference tables copied from data/reference/ (regions, their names, aliases
and successions, the gazetteer, the police event types, the sources), the checksum that says
which files they came from, and what each source and measure is."""

from __future__ import annotations

import duckdb
import pandas as pd

from store import series
from store.frames import registered


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
