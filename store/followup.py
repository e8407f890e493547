"""SQL for the action plan, assessments and analysis comments (the follow-up that is not
statistics). Writes run inside the caller's transaction; every change of an action is kept."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from store import audit, loading

ACTION_FIELDS = [
    "agreement",
    "area",
    "region_code",
    "title",
    "description",
    "owner",
    "responsible_unit",
    "status",
    "start_date",
    "end_date",
    "expected_effect",
    "indicators",
    "local_area",
    "contact",
]


def comparable(value: object) -> str:
    """A value as text for deciding whether it changed (dates as YYYY-MM-DD, empty as '')."""
    if value is None:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    if hasattr(value, "isoformat"):
        text = value.isoformat()  # type: ignore[union-attr]
        return "" if text == "NaT" else text[:10]
    text = str(value)
    return "" if text in ("NaT", "None", "nan") else text


def add_action(
    con: duckdb.DuckDBPyConnection,
    values: dict[str, object],
    by: str,
    is_example: bool = False,
    copied_from: int | None = None,
) -> int:
    params = {f: values.get(f) for f in ACTION_FIELDS}
    action_id = loading.next_id(con, "action")
    params.update(id=action_id, by=by, example=is_example, copied=copied_from)
    con.execute(
        """
        INSERT INTO action (id, agreement, area, region_code, title, description, owner,
                            responsible_unit, status, start_date, end_date, expected_effect,
                            indicators, local_area, contact, copied_from, is_example,
                            created_by)
        VALUES ($id, $agreement, $area, $region_code, $title, $description, $owner,
                $responsible_unit, $status, $start_date, $end_date, $expected_effect,
                $indicators, $local_area, $contact, $copied, $example, $by)
        """,
        params,
    )
    con.execute(
        "INSERT INTO action_history (action_id, field, old_value, new_value, changed_by) "
        "VALUES ($id, 'skapad', NULL, $title, $by)",
        {"id": action_id, "title": values.get("title"), "by": by},
    )
    audit.record(con, by, "ny åtgärd", f"{action_id}: {values.get('title')}")
    return action_id


def update_action(
    con: duckdb.DuckDBPyConnection, action_id: int, changes: dict[str, object], by: str
) -> list[str]:
    """Apply changes (field → new value); each changed field is recorded. Returns the fields
    that changed."""
    current = action(con, action_id)
    if current is None:
        raise KeyError(action_id)
    changed = []
    for field, value in changes.items():
        if field not in ACTION_FIELDS:
            raise ValueError(f"unknown field {field}")
        old = current[field]
        if comparable(old) == comparable(value):
            continue
        # The column name comes from ACTION_FIELDS (checked above), never from the user.
        con.execute(
            f"UPDATE action SET {field} = $value WHERE id = $id", {"value": value, "id": action_id}
        )
        con.execute(
            "INSERT INTO action_history (action_id, field, old_value, new_value, changed_by) "
            "VALUES ($id, $field, $old, $new, $by)",
            {
                "id": action_id,
                "field": field,
                "old": None if old is None else str(old),
                "new": None if value is None else str(value),
                "by": by,
            },
        )
        changed.append(field)
    if changed:
        audit.record(con, by, "ändrad åtgärd", f"{action_id}: {', '.join(changed)}")
    return changed


def add_note(
    con: duckdb.DuckDBPyConnection, action_id: int, noted_on: date, text: str, by: str
) -> None:
    con.execute(
        "INSERT INTO action_note (action_id, noted_on, text, written_by) "
        "VALUES ($id, $on, $text, $by)",
        {"id": action_id, "on": noted_on, "text": text, "by": by},
    )
    audit.record(con, by, "uppföljning av åtgärd", f"{action_id}: {noted_on.isoformat()}")


def action(con: duckdb.DuckDBPyConnection, action_id: int) -> dict[str, object] | None:
    frame = con.execute("SELECT * FROM action WHERE id = $id", {"id": action_id}).df()
    return None if frame.empty else frame.iloc[0].to_dict()


def actions(con: duckdb.DuckDBPyConnection, owner: str | None = None) -> pd.DataFrame:
    return con.execute(
        """
        SELECT a.*, r.name AS region_name,
               (SELECT string_agg(strftime(n.noted_on, '%Y-%m-%d') || ': ' || n.text, ' | '
                                  ORDER BY n.noted_on)
                FROM action_note AS n WHERE n.action_id = a.id) AS notes
        FROM action AS a JOIN region AS r ON r.code = a.region_code
        WHERE $owner IS NULL OR a.owner = $owner
        ORDER BY a.area, r.name, a.id
        """,
        {"owner": owner},
    ).df()


def action_history(con: duckdb.DuckDBPyConnection, action_id: int) -> pd.DataFrame:
    return con.execute(
        "SELECT field, old_value, new_value, changed_by, changed_at FROM action_history "
        "WHERE action_id = $id ORDER BY changed_at, rowid",
        {"id": action_id},
    ).df()


def add_assessment(
    con: duckdb.DuckDBPyConnection, values: dict[str, object], by: str, is_example: bool = False
) -> None:
    con.execute(
        """
        INSERT INTO assessment (area, indicator, region_code, year, judgement, justification,
                                calculated_status, is_example, assessed_by)
        VALUES ($area, $indicator, $region_code, $year, $judgement, $justification,
                $calculated_status, $example, $by)
        """,
        {
            **{
                k: values.get(k)
                for k in (
                    "area",
                    "indicator",
                    "region_code",
                    "year",
                    "judgement",
                    "justification",
                    "calculated_status",
                )
            },
            "example": is_example,
            "by": by,
        },
    )
    audit.record(
        con,
        by,
        "bedömning",
        f"{values.get('area')} {values.get('region_code')} {values.get('year')}: "
        f"{values.get('judgement')}",
    )


def assessments(con: duckdb.DuckDBPyConnection, year: int | None = None) -> pd.DataFrame:
    """The newest assessment per area (or indicator), region and year."""
    return con.execute(
        """
        SELECT * EXCLUDE (rn) FROM (
            SELECT a.*, row_number() OVER (
                PARTITION BY area, indicator, region_code, year ORDER BY assessed_at DESC,
                rowid DESC) AS rn
            FROM assessment AS a WHERE $year IS NULL OR year = $year
        ) WHERE rn = 1
        ORDER BY area, region_code, year
        """,
        {"year": year},
    ).df()


def add_comment(
    con: duckdb.DuckDBPyConnection, values: dict[str, object], by: str, is_example: bool = False
) -> None:
    con.execute(
        """
        INSERT INTO analysis_comment (area, indicator, region_code, year, text, is_example,
                                      written_by)
        VALUES ($area, $indicator, $region_code, $year, $text, $example, $by)
        """,
        {
            **{k: values.get(k) for k in ("area", "indicator", "region_code", "year", "text")},
            "example": is_example,
            "by": by,
        },
    )
    audit.record(
        con,
        by,
        "lägesbild",
        f"{values.get('area')} {values.get('region_code')} {values.get('year')}",
    )


def comments(
    con: duckdb.DuckDBPyConnection, region_code: str | None = None, year: int | None = None
) -> pd.DataFrame:
    """The newest comment per area/indicator, region and year."""
    return con.execute(
        """
        SELECT * EXCLUDE (rn) FROM (
            SELECT c.*, row_number() OVER (
                PARTITION BY area, indicator, region_code, year ORDER BY written_at DESC,
                rowid DESC) AS rn
            FROM analysis_comment AS c
            WHERE ($region IS NULL OR region_code = $region) AND ($year IS NULL OR year = $year)
        ) WHERE rn = 1
        """,
        {"region": region_code, "year": year},
    ).df()


def has_followup(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute("SELECT (SELECT count(*) FROM action) + (SELECT count(*) FROM assessment)")
    result = row.fetchone()
    return bool(result and result[0])


def version(con: duckdb.DuckDBPyConnection) -> str:
    """Changes with every follow-up write (actions and their history, notes, assessments,
    comments, saved mappings, events on the time axis, local agreements, the årshjul's done
    marks and reminders, the districts' reports): the key under which follow-up views
    are cached. Every table here only grows, except mappings, which are replaced under their
    name (hence saved_at)."""
    row = con.execute(
        """
        SELECT (SELECT count(*) FROM action), (SELECT count(*) FROM action_history),
               (SELECT count(*) FROM action_note), (SELECT count(*) FROM assessment),
               (SELECT count(*) FROM analysis_comment), (SELECT count(*) FROM upload_mapping),
               (SELECT count(*) FROM timeline_event),
               (SELECT count(*) FROM timeline_event_removal),
               (SELECT count(*) FROM local_agreement), (SELECT count(*) FROM calendar_done),
               (SELECT count(*) FROM reminder_sent), (SELECT count(*) FROM district_report),
               (SELECT count(*) FROM action_plan),
               (SELECT count(*) FROM alert_subscription),
               (SELECT count(*) FROM alert_sent),
               (SELECT coalesce(strftime(max(saved_at), '%Y%m%d%H%M%S%f'), '')
                FROM upload_mapping)
        """
    ).fetchone()
    return "-".join(str(v) for v in row) if row else "0"


def copies_in_year(con: duckdb.DuckDBPyConnection, year: int) -> dict[int, int]:
    """Actions already continued into ``year``: the copied action's id → the copy's id."""
    rows = con.execute(
        "SELECT copied_from, min(id) FROM action "
        "WHERE copied_from IS NOT NULL AND year(start_date) = $year GROUP BY copied_from",
        {"year": year},
    ).fetchall()
    return {int(source): int(copy) for source, copy in rows}
