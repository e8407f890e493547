"""Dated events on the time axis (table ``timeline_event``): added, listed and removed. The
rules (who may, what is valid) are in ``service.events``; every change here is audited in
the same transaction."""

from __future__ import annotations

import duckdb
import pandas as pd

from store import audit, loading

LISTS = ("regions", "indicators", "areas")


def _joined(values: object) -> str:
    return ",".join(str(v) for v in (values or []))  # type: ignore[attr-defined]


def add_event(
    con: duckdb.DuckDBPyConnection, values: dict[str, object], by: str, is_example: bool = False
) -> int:
    """Store one event (``regions``, ``indicators`` and ``areas`` as lists); its id."""
    event_id = loading.next_id(con, "timeline_event")
    con.execute(
        """
        INSERT INTO timeline_event (id, title, description, starts_on, ends_on, party,
                                    regions, indicators, areas, is_example, created_by)
        VALUES ($id, $title, $description, $starts_on, $ends_on, $party, $regions,
                $indicators, $areas, $example, $by)
        """,
        {
            "id": event_id,
            "title": values["title"],
            "description": values.get("description") or "",
            "starts_on": values["starts_on"],
            "ends_on": values.get("ends_on"),
            "party": values["party"],
            **{k: _joined(values.get(k)) for k in LISTS},
            "example": is_example,
            "by": by,
        },
    )
    audit.record(
        con, by, "händelse", f"händelse {event_id}: {values['title']} ({values['starts_on']})"
    )
    return event_id


def remove_event(con: duckdb.DuckDBPyConnection, event_id: int, by: str) -> None:
    con.execute(
        "INSERT INTO timeline_event_removal (event_id, removed_by) VALUES ($id, $by)",
        {"id": int(event_id), "by": by},
    )
    audit.record(con, by, "händelse borttagen", f"händelse {int(event_id)}")


def events(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every event not removed, oldest first; ``regions``, ``indicators`` and ``areas`` as
    lists (empty: the whole city, every indicator)."""
    frame = con.execute(
        """
        SELECT e.* FROM timeline_event AS e
        WHERE NOT EXISTS (SELECT 1 FROM timeline_event_removal AS r WHERE r.event_id = e.id)
        ORDER BY e.starts_on, e.id
        """
    ).df()
    for column in LISTS:
        frame[column] = [[v for v in str(text or "").split(",") if v] for text in frame[column]]
    return frame


def event_owner(con: duckdb.DuckDBPyConnection, event_id: int) -> tuple[str, list[str]] | None:
    """Who added an event that is not removed, and its regions; None if there is none."""
    row = con.execute(
        """
        SELECT created_by, regions FROM timeline_event AS e
        WHERE id = $id
          AND NOT EXISTS (SELECT 1 FROM timeline_event_removal AS r WHERE r.event_id = e.id)
        """,
        {"id": int(event_id)},
    ).fetchone()
    if row is None:
        return None
    return str(row[0]), [v for v in str(row[1] or "").split(",") if v]
