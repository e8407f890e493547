"""SQL for stored indicator results (table ``indicator_result``, see indicators.results):
what they depend on, reading one, and replacing them in one transaction."""

from __future__ import annotations

import duckdb
import pandas as pd

from store.frames import registered


def batches_by_source(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Per source, its batches, their states and files' checksums ("3:active:9f2c…,7:undone:
    …"): a result over a source's measures stays valid exactly as long as this text does (the
    checksum tells apart two stores whose batches happen to share numbers and states)."""
    rows = con.execute(
        """
        SELECT source, string_agg(
            CAST(id AS VARCHAR) || ':' || state || ':' || coalesce(sha256, ''), ',' ORDER BY id)
        FROM load_batch GROUP BY source
        """
    ).fetchall()
    return {str(source): str(text) for source, text in rows}


def measure_batches(con: duckdb.DuckDBPyConnection) -> dict[str, list[int]]:
    """Per measure, the batches that hold anything of it: observations (as each batch lists
    them, schema 18: no scan of the observations), cells marked as not available, survey
    rounds' field periods."""
    rows = con.execute(
        """
        SELECT measure, list(DISTINCT batch_id ORDER BY batch_id) FROM (
            SELECT unnest(measures) AS measure, id AS batch_id FROM load_batch
            UNION ALL SELECT measure, batch_id FROM source_gap
            UNION ALL SELECT measure, batch_id FROM survey_round
        ) GROUP BY measure
        """
    ).fetchall()
    return {str(m): [int(b) for b in ids] for m, ids in rows}


def covered_sources(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Sources whose series have a covered period (police events: series_coverage)."""
    return {
        str(r[0]) for r in con.execute("SELECT DISTINCT source FROM series_coverage").fetchall()
    }


def measure_sources(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return {str(m): str(s) for m, s in con.execute("SELECT id, source FROM measure").fetchall()}


def register_checksum(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute(
        "SELECT coalesce(string_agg(name || ':' || checksum, ',' ORDER BY name), '') "
        "FROM reference_state"
    ).fetchone()
    return str(row[0]) if row else ""


def stored(
    con: duckdb.DuckDBPyConnection, indicator: str, request: str, inputs: str
) -> bytes | None:
    row = con.execute(
        """
        SELECT frame FROM indicator_result
        WHERE indicator = $indicator AND request = $request AND inputs = $inputs
        LIMIT 1
        """,
        {"indicator": indicator, "request": request, "inputs": inputs},
    ).fetchone()
    return bytes(row[0]) if row else None


def stored_many(
    con: duckdb.DuckDBPyConnection, request: str, inputs: dict[str, str]
) -> dict[str, bytes]:
    """The stored frames of one kind of request for many indicators, each under its own
    inputs digest (indicator → digest); those not stored are left out."""
    wanted = pd.DataFrame({"indicator": list(inputs), "inputs": list(inputs.values())})
    with registered(con, "wanted_result", wanted):
        rows = con.execute(
            """
            SELECT r.indicator, any_value(r.frame) FROM indicator_result r
            JOIN wanted_result w ON w.indicator = r.indicator AND w.inputs = r.inputs
            WHERE r.request = $request
            GROUP BY r.indicator
            """,
            {"request": request},
        ).fetchall()
    return {str(i): bytes(f) for i, f in rows}


def stored_keys(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str, str]]:
    """(indicator, request, inputs) of every stored result."""
    rows = con.execute("SELECT indicator, request, inputs FROM indicator_result").fetchall()
    return {(str(i), str(r), str(k)) for i, r, k in rows}


def replace(con: duckdb.DuckDBPyConnection, rows: list[tuple[str, str, str, bytes]]) -> None:
    """Store results (indicator, request, inputs, frame), each replacing the one stored for
    its indicator and request. Run inside the caller's transaction."""
    frame = pd.DataFrame(rows, columns=["indicator", "request", "inputs", "frame"])
    with registered(con, "incoming_result", frame):
        con.execute(
            """
            DELETE FROM indicator_result AS r
            WHERE EXISTS (SELECT 1 FROM incoming_result AS i
                          WHERE i.indicator = r.indicator AND i.request = r.request)
            """
        )
        con.execute(
            """
            INSERT INTO indicator_result (indicator, request, inputs, frame, computed_at)
            SELECT indicator, request, inputs, CAST(frame AS BLOB), current_timestamp
            FROM incoming_result
            """
        )


def remove_others(con: duckdb.DuckDBPyConnection, indicators: list[str]) -> None:
    """Forget the results of indicators the catalogue no longer has."""
    con.execute(
        "DELETE FROM indicator_result WHERE NOT list_contains($ids, indicator)",
        {"ids": indicators},
    )
