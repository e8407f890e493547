"""The follow-up writes as the pages call them: each checks the signed-in principal's role
and districts on the server, then writes in one transaction under the principal's name.

Uploads and undo are checked in ``loaders.survey`` the same way (they take a principal too).
The store's own functions (``store.followup``) take a plain name: they are for the loaders of
example data and for tests, never for a page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import duckdb

from access.roles import Principal, allowed, require
from store import db, followup, queries


def authorise(
    con: duckdb.DuckDBPyConnection,
    principal: Principal,
    action: str,
    regions: Iterable[str] = (),
    owner: str | None = None,
) -> None:
    """``roles.require`` with the districts named in the message (looked up only then)."""
    codes = list(regions)
    if not allowed(principal, action, codes, owner):
        require(principal, action, codes, owner, names=queries.region_names(con))


def _action_region(con: duckdb.DuckDBPyConnection, action_id: int) -> str:
    current = followup.action(con, action_id)
    if current is None:
        raise KeyError(f"Åtgärd {action_id} finns inte.")
    return str(current["region_code"])


def new_action(
    con: duckdb.DuckDBPyConnection, principal: Principal, values: Mapping[str, object]
) -> int:
    authorise(con, principal, "actions", [str(values["region_code"])])
    with db.transaction(con):
        return followup.add_action(con, dict(values), principal.name)


def change_action(
    con: duckdb.DuckDBPyConnection,
    principal: Principal,
    action_id: int,
    changes: Mapping[str, object],
    note: str = "",
    noted_on: date | None = None,
) -> list[str]:
    """Change fields of an action and add a follow-up note; the role must cover the action's
    district (and the new one, when it moves)."""
    regions = {_action_region(con, action_id)}
    if "region_code" in changes:
        regions.add(str(changes["region_code"]))
    authorise(con, principal, "actions", regions)
    with db.transaction(con):
        changed = followup.update_action(con, action_id, dict(changes), principal.name)
        if note.strip():
            followup.add_note(
                con, action_id, noted_on or date.today(), note.strip(), principal.name
            )
    return changed


def copy_actions(
    con: duckdb.DuckDBPyConnection,
    principal: Principal,
    rows: Iterable[Mapping[str, object]],
    year: int,
) -> int:
    """Plan next year: copy the given actions as planned for ``year`` (all or none)."""
    rows = list(rows)
    authorise(con, principal, "actions", {str(r["region_code"]) for r in rows})
    with db.transaction(con):
        for row in rows:
            values = {k: row.get(k) for k in followup.ACTION_FIELDS}
            values.update(
                status="planerad", start_date=date(year, 1, 1), end_date=date(year, 12, 31)
            )
            followup.add_action(con, values, principal.name, copied_from=int(row["id"]))
    return len(rows)


def assess(
    con: duckdb.DuckDBPyConnection, principal: Principal, values: Mapping[str, object]
) -> None:
    authorise(con, principal, "assessments", [str(values["region_code"])])
    with db.transaction(con):
        followup.add_assessment(con, dict(values), principal.name)


def comment(
    con: duckdb.DuckDBPyConnection, principal: Principal, values: Mapping[str, object]
) -> None:
    authorise(con, principal, "comments", [str(values["region_code"])])
    with db.transaction(con):
        followup.add_comment(con, dict(values), principal.name)
