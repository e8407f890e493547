"""SQL for the alerts (issue 37): subscriptions, the last state seen of each verdict and
report, and the alerts sent. The rules are in ``service.alerts``; every write here runs in
the caller's transaction and is audited in it."""

from __future__ import annotations

import duckdb
import pandas as pd

from store import audit


def subscribe(
    con: duckdb.DuckDBPyConnection, name: str, email: str, scope: str, value: str, by: str
) -> int:
    row = con.execute("SELECT coalesce(max(id), 0) + 1 FROM alert_subscription").fetchone()
    number = int(row[0]) if row else 1
    con.execute(
        "INSERT INTO alert_subscription (id, name, email, scope, value, created_by) "
        "VALUES ($id, $name, $email, $scope, $value, $by)",
        {"id": number, "name": name, "email": email, "scope": scope, "value": value, "by": by},
    )
    audit.record(con, by, "bevakning", f"ny bevakning {number}: {scope} {value}")
    return number


def unsubscribe(con: duckdb.DuckDBPyConnection, number: int, by: str) -> None:
    con.execute(
        "UPDATE alert_subscription SET removed_at = current_timestamp "
        "WHERE id = $id AND removed_at IS NULL",
        {"id": number},
    )
    audit.record(con, by, "bevakning", f"bevakning {number} borttagen")


def subscriptions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The subscriptions in force."""
    return con.execute(
        "SELECT id, name, email, scope, value, created_by, created_at "
        "FROM alert_subscription WHERE removed_at IS NULL ORDER BY id"
    ).df()


def states(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The last state seen of every key."""
    rows = con.execute(
        "SELECT key, state FROM alert_state "
        "QUALIFY row_number() OVER (PARTITION BY key ORDER BY seen_at DESC, rowid DESC) = 1"
    ).fetchall()
    return {str(k): str(s) for k, s in rows}


def keep_states(con: duckdb.DuckDBPyConnection, changed: dict[str, str]) -> None:
    """Record the new state of each changed key (the older rows go)."""
    if not changed:
        return
    keys = list(changed)
    con.execute("DELETE FROM alert_state WHERE list_contains($keys, key)", {"keys": keys})
    con.executemany("INSERT INTO alert_state (key, state) VALUES (?, ?)", list(changed.items()))


def sent(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    return {
        (str(e), str(v)) for e, v in con.execute("SELECT email, event FROM alert_sent").fetchall()
    }


def record_sent(
    con: duckdb.DuckDBPyConnection, email: str, events: list[str], on: object, by: str
) -> None:
    con.executemany(
        "INSERT INTO alert_sent (email, event, sent_on) VALUES (?, ?, ?)",
        [(email, e, on) for e in events],
    )
    audit.record(con, by, "bevakning skickad", f"{len(events)} ändring(ar)")
