"""SQL for removing the bundled demo data and the example follow-up from a store (issue 34):
every batch the demo loaded, with its rows, and every row marked as an example. Run inside
the caller's transaction (service.examples.remove, the guarded path)."""

from __future__ import annotations

import duckdb

from store.db import count
from store.loading import refresh_in_force
from store.police import refresh_series_coverage

# Tables whose rows belong to a batch (the batch's own rows go with it).
_BATCH_TABLES = ("observation", "population", "source_gap", "survey_round")
# Follow-up marked as examples, and the rows that hang on them: (table, key column, the
# dependent tables and their column that refers to the key).
_EXAMPLE_TABLES: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("action", "id", (("action_history", "action_id"), ("action_note", "action_id"))),
    ("assessment", "", ()),
    ("analysis_comment", "", ()),
    ("timeline_event", "id", (("timeline_event_removal", "event_id"),)),
    ("indicator_target", "", ()),
    ("calendar_done", "", ()),
    ("action_plan", "", ()),
    ("local_agreement", "id", (("local_priority_area", "agreement_id"),
                               ("steering_member", "agreement_id"),
                               ("steering_meeting", "agreement_id"))),
)  # fmt: skip


def demo_batches(con: duckdb.DuckDBPyConnection, demo_user: str) -> list[int]:
    """The batches the bundled demo data loaded, and any batch marked as example data."""
    rows = con.execute(
        "SELECT id FROM load_batch WHERE loaded_by = $who OR coalesce(is_example, false) "
        "ORDER BY id",
        {"who": demo_user},
    ).fetchall()
    return [int(r[0]) for r in rows]


def example_rows(con: duckdb.DuckDBPyConnection, demo_user: str) -> dict[str, int]:
    """How many rows of each kind :func:`remove` would remove (nothing is changed)."""
    ids = demo_batches(con, demo_user)
    counts = {"load_batch": len(ids)}
    for table in (*_BATCH_TABLES, "police_event"):
        column = "updated_batch_id" if table == "police_event" else "batch_id"
        counts[table] = count(
            con, f"SELECT count(*) FROM {table} WHERE list_contains($ids, {column})", {"ids": ids}
        )  # table and column names are constants of this module
    for table, _, _ in _EXAMPLE_TABLES:
        counts[table] = count(con, f"SELECT count(*) FROM {table} WHERE is_example")
    return counts


def remove(con: duckdb.DuckDBPyConnection, demo_user: str) -> dict[str, int]:
    """Remove the demo's batches with their rows and every example row; returns what was
    removed per table (as :func:`example_rows`). The batches are first undone so that rows
    of other batches under the same keys come into force (and the batches they superseded
    become active again), then deleted; a police event the demo brought and a later fetch
    updated stays, as that fetch's."""
    removed = example_rows(con, demo_user)
    ids = demo_batches(con, demo_user)
    if ids:
        con.execute(
            "UPDATE load_batch SET state = 'undone' WHERE list_contains($ids, id)", {"ids": ids}
        )
        refresh_in_force(con, ids)
        for table in _BATCH_TABLES:
            con.execute(
                f"DELETE FROM {table} WHERE list_contains($ids, batch_id)", {"ids": ids}
            )  # a constant of this module
        con.execute(
            "DELETE FROM police_event WHERE list_contains($ids, updated_batch_id)", {"ids": ids}
        )
        con.execute(
            "UPDATE police_event SET batch_id = updated_batch_id "
            "WHERE list_contains($ids, batch_id)",
            {"ids": ids},
        )
        con.execute("DELETE FROM load_batch WHERE list_contains($ids, id)", {"ids": ids})
        refresh_series_coverage(con)
    for table, key, dependants in _EXAMPLE_TABLES:
        for dependant, column in dependants:
            con.execute(
                f"DELETE FROM {dependant} WHERE {column} IN "
                f"(SELECT {key} FROM {table} WHERE is_example)"
            )  # constants of this module
        con.execute(f"DELETE FROM {table} WHERE is_example")
    return removed


def installation_rows(con: duckdb.DuckDBPyConnection) -> int:
    """Rows that belong to one installation and must never travel in a prepared store: its
    accounts and settings (the session key among them)."""
    return count(con, "SELECT (SELECT count(*) FROM account) + (SELECT count(*) FROM setting)")
