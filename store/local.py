"""SQL for the local agreements (a district's agreement with its lokalpolisområden, its local
priority areas, steering group and meeting dates; each save a new version), the årshjul's
done marks and the reminders sent. The rules are in ``service.local`` and
``service.calendar``; every write here runs in the caller's transaction and is audited in it."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from store import audit, reference_data


def _next(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT coalesce(max(id), 0) + 1 FROM local_agreement").fetchone()
    return int(row[0]) if row else 1


def save_agreement(
    con: duckdb.DuckDBPyConnection,
    agreement: dict[str, object],
    areas: list[dict[str, object]],
    members: list[dict[str, object]],
    meetings: list[dict[str, object]],
    by: str,
    summary: str,
    is_example: bool = False,
) -> tuple[int, int]:
    """Store a new version of a district's agreement with its parts; (id, version)."""
    agreement_id = _next(con)
    row = con.execute(
        "SELECT coalesce(max(version), 0) + 1 FROM local_agreement WHERE district = $d",
        {"d": agreement["district"]},
    ).fetchone()
    version = int(row[0]) if row else 1
    con.execute(
        """
        INSERT INTO local_agreement (id, district, version, title, police_areas, valid_from,
                                     valid_to, revision_date, is_example, saved_by)
        VALUES ($id, $district, $version, $title, $police_areas, $valid_from, $valid_to,
                $revision_date, $example, $by)
        """,
        {
            "id": agreement_id,
            "version": version,
            "example": is_example,
            "by": by,
            **{
                k: agreement[k]
                for k in (
                    "district",
                    "title",
                    "police_areas",
                    "valid_from",
                    "valid_to",
                    "revision_date",
                )
            },
        },
    )
    for position, area in enumerate(areas, start=1):
        con.execute(
            """
            INSERT INTO local_priority_area (agreement_id, key, position, title, description,
                                             city_areas, indicators)
            VALUES ($id, $key, $position, $title, $description, $city_areas, $indicators)
            """,
            {"id": agreement_id, "position": position, **area},
        )
    for position, member in enumerate(members, start=1):
        con.execute(
            """
            INSERT INTO steering_member (agreement_id, position, role, name, party, email,
                                         reports)
            VALUES ($id, $position, $role, $name, $party, $email, $reports)
            """,
            {"id": agreement_id, "position": position, **member},
        )
    for meeting in meetings:
        con.execute(
            "INSERT INTO steering_meeting (agreement_id, meeting_date, note) "
            "VALUES ($id, $meeting_date, $note)",
            {"id": agreement_id, **meeting},
        )
    name = reference_data.region_names(con).get(str(agreement["district"]), agreement["district"])
    audit.record(con, by, "lokal överenskommelse", f"{name} version {version}: {summary}")
    return agreement_id, version


_CURRENT = """
    SELECT a.* FROM local_agreement AS a
    WHERE a.version = (SELECT max(b.version) FROM local_agreement AS b
                       WHERE b.district = a.district)
"""


def agreements(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The agreement in force of every district that has one."""
    return con.execute(_CURRENT + " ORDER BY a.district").df()


def versions(con: duckdb.DuckDBPyConnection, district: str) -> pd.DataFrame:
    return con.execute(
        "SELECT id, version, title, saved_by, saved_at FROM local_agreement "
        "WHERE district = $d ORDER BY version DESC",
        {"d": district},
    ).df()


def areas(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The local priority areas of every agreement in force, with the district."""
    return con.execute(
        f"""
        SELECT c.district, p.* FROM local_priority_area AS p
        JOIN ({_CURRENT}) AS c ON c.id = p.agreement_id
        ORDER BY c.district, p.position
        """
    ).df()


def members(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        f"""
        SELECT c.district, m.* FROM steering_member AS m
        JOIN ({_CURRENT}) AS c ON c.id = m.agreement_id
        ORDER BY c.district, m.position
        """
    ).df()


def reporting_since(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per district and reporter of the agreement in force (e-mail, lower case): the day they
    became responsible for its reports. A reporter since the first version was named with the
    agreement: from its start (``valid_from``); one added in a later version (and a reporter
    in every version since): from the day that version was saved."""
    return con.execute(
        """
        WITH rep AS (
            SELECT a.district, a.version, CAST(a.saved_at AS DATE) AS saved_on, a.valid_from,
                   lower(m.email) AS email
            FROM local_agreement AS a JOIN steering_member AS m ON m.agreement_id = a.id
            WHERE m.reports AND coalesce(m.email, '') <> ''
        ),
        latest AS (SELECT district, max(version) AS version FROM local_agreement GROUP BY district),
        now_reporting AS (
            SELECT r.district, r.email FROM rep AS r
            JOIN latest AS l ON l.district = r.district AND l.version = r.version
        ),
        gap AS (
            SELECT n.district, n.email, max(v.version) AS version
            FROM now_reporting AS n JOIN local_agreement AS v ON v.district = n.district
            WHERE NOT EXISTS (SELECT 1 FROM rep AS r WHERE r.district = v.district
                              AND r.version = v.version AND r.email = n.email)
            GROUP BY n.district, n.email
        )
        SELECT n.district, n.email,
               arg_min(CASE WHEN r.version = 1 THEN r.valid_from ELSE r.saved_on END,
                       r.version) AS since
        FROM now_reporting AS n
        JOIN rep AS r ON r.district = n.district AND r.email = n.email
        LEFT JOIN gap AS g ON g.district = n.district AND g.email = n.email
        WHERE r.version > coalesce(g.version, 0)
        GROUP BY n.district, n.email
        """
    ).df()


def meetings(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        f"""
        SELECT c.district, m.* FROM steering_meeting AS m
        JOIN ({_CURRENT}) AS c ON c.id = m.agreement_id
        ORDER BY c.district, m.meeting_date
        """
    ).df()


def mark_done(
    con: duckdb.DuckDBPyConnection, item: str, done_on: date, by: str, is_example: bool = False
) -> None:
    con.execute(
        "INSERT INTO calendar_done (item, done_on, done_by, is_example) "
        "VALUES ($item, $on, $by, $example)",
        {"item": item, "on": done_on, "by": by, "example": is_example},
    )
    audit.record(con, by, "årshjul klart", item)


def mark_many_done(
    con: duckdb.DuckDBPyConnection, items: list[tuple[str, date]], by: str, is_example: bool
) -> None:
    """Many items marked done at once (the demo's reports), one audit line for them."""
    if not items:
        return
    con.execute(
        "INSERT INTO calendar_done (item, done_on, done_by, is_example) "
        "SELECT unnest($items), unnest($days), $by, $example",
        {"items": [i for i, _ in items], "days": [d for _, d in items], "by": by,
         "example": is_example},
    )  # fmt: skip
    audit.record(con, by, "årshjul klart", f"{len(items)} punkter")


def done(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        "SELECT item, min(done_on) AS done_on, arg_min(done_by, done_on) AS done_by "
        "FROM calendar_done GROUP BY item"
    ).df()


def record_reminders(
    con: duckdb.DuckDBPyConnection, recipient: str, items: list[tuple[str, str]], sent_on: date
) -> None:
    for item, kind in items:
        con.execute(
            "INSERT INTO reminder_sent (recipient, item, kind, sent_on) "
            "VALUES ($recipient, $item, $kind, $on)",
            {"recipient": recipient, "item": item, "kind": kind, "on": sent_on},
        )
    audit.record(
        con, "påminnelser", "påminnelse skickad", f"{recipient}: {len(items)} punkter ({sent_on})"
    )


def reminders(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        "SELECT recipient, item, kind, sent_on, sent_at FROM reminder_sent ORDER BY sent_at"
    ).df()


def survey_years(con: duckdb.DuckDBPyConnection) -> set[tuple[str, int]]:
    """(source, year) of every year a source has figures in force for."""
    rows = con.execute("SELECT DISTINCT source, year FROM observation_current").fetchall()
    return {(str(s), int(y)) for s, y in rows}


def actions_ending(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """The actions whose end date lies in ``year``."""
    return con.execute(
        "SELECT id, title, region_code, status, end_date, contact FROM action "
        "WHERE year(end_date) = $year ORDER BY end_date, id",
        {"year": year},
    ).df()
