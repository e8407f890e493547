"""The accounts table, row by row: every change is made on one account's row in the caller's
transaction; the lockout counts an attempt in the transaction that reads the hash, so
parallel attempts are counted one by one (writes take turns, see store.db.transaction)."""

from __future__ import annotations

import duckdb

COLUMNS = "name, role, districts, password_hash, disabled, failures, locked_until, epoch"


def all_rows(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return con.execute(f"SELECT {COLUMNS} FROM account ORDER BY name").fetchall()


def find(con: duckdb.DuckDBPyConnection, name: str) -> tuple[object, ...] | None:
    """The account with this name, without regard to case."""
    return con.execute(
        f"SELECT {COLUMNS} FROM account WHERE lower(name) = lower($name) ORDER BY name LIMIT 1",
        {"name": name},
    ).fetchone()


def count(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT count(*) FROM account").fetchone()
    return int(row[0]) if row else 0


def insert(
    con: duckdb.DuckDBPyConnection, name: str, role: str, districts: list[str], password_hash: str
) -> None:
    con.execute(
        """
        INSERT INTO account (name, role, districts, password_hash, disabled, failures,
                             locked_until, epoch)
        VALUES ($name, $role, $districts, $hash, false, 0, 0, 0)
        """,
        {"name": name, "role": role, "districts": districts, "hash": password_hash},
    )


def insert_row(con: duckdb.DuckDBPyConnection, row: dict[str, object]) -> None:
    """An account as a whole (moving the old accounts file in)."""
    con.execute(
        f"INSERT INTO account ({COLUMNS}) VALUES ($name, $role, $districts, $password_hash, "
        "$disabled, $failures, $locked_until, $epoch)",
        row,
    )


def _has(con: duckdb.DuckDBPyConnection, name: str, condition: str = "true") -> bool:
    """Whether the account ``name`` exists (and meets ``condition``, a fixed SQL text)."""
    row = con.execute(
        f"SELECT count(*) FROM account WHERE name = $name AND ({condition})", {"name": name}
    ).fetchone()
    return bool(row and row[0])


def disable(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    if not _has(con, name):
        return False
    con.execute(
        "UPDATE account SET disabled = true, epoch = epoch + 1 WHERE name = $name", {"name": name}
    )
    return True


def enable(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    if not _has(con, name):
        return False
    con.execute(
        "UPDATE account SET disabled = false, failures = 0, locked_until = 0 WHERE name = $name",
        {"name": name},
    )
    return True


def set_role(con: duckdb.DuckDBPyConnection, name: str, role: str, districts: list[str]) -> bool:
    if not _has(con, name):
        return False
    con.execute(
        "UPDATE account SET role = $role, districts = $districts WHERE name = $name",
        {"name": name, "role": role, "districts": districts},
    )
    return True


def end_sessions(con: duckdb.DuckDBPyConnection, name: str) -> int | None:
    if not _has(con, name):
        return None
    con.execute("UPDATE account SET epoch = epoch + 1 WHERE name = $name", {"name": name})
    row = con.execute("SELECT epoch FROM account WHERE name = $name", {"name": name}).fetchone()
    return int(row[0]) if row else None


def set_password(con: duckdb.DuckDBPyConnection, name: str, password_hash: str) -> None:
    con.execute(
        """
        UPDATE account SET password_hash = $hash, failures = 0, locked_until = 0,
                           epoch = epoch + 1
        WHERE name = $name
        """,
        {"name": name, "hash": password_hash},
    )


def count_attempt(
    con: duckdb.DuckDBPyConnection, name: str, now: float, max_failures: int, lock_seconds: float
) -> str | None:
    """Count one sign-in attempt as a failure until it proves right, locking the account at
    ``max_failures``; returns the stored hash, or None when the account cannot sign in with a
    password now (none, no password, disabled, locked)."""
    row = con.execute(
        """
        SELECT password_hash FROM account
        WHERE name = $name AND password_hash <> '' AND NOT disabled AND locked_until <= $now
        """,
        {"name": name, "now": now},
    ).fetchone()
    if not row:
        return None
    con.execute(
        """
        UPDATE account SET
            failures = CASE WHEN failures + 1 >= $max THEN 0 ELSE failures + 1 END,
            locked_until = CASE WHEN failures + 1 >= $max THEN $now + $lock
                                ELSE locked_until END
        WHERE name = $name
        """,
        {"name": name, "now": now, "max": max_failures, "lock": lock_seconds},
    )
    return str(row[0])


def forgive(con: duckdb.DuckDBPyConnection, name: str, password_hash: str) -> bool:
    """A right password: the failures are forgiven, unless the account was disabled or its
    password changed meanwhile (that change wins)."""
    row = con.execute(
        "SELECT count(*) FROM account "
        "WHERE name = $name AND NOT disabled AND password_hash = $hash",
        {"name": name, "hash": password_hash},
    ).fetchone()
    if not row or not row[0]:
        return False
    con.execute(
        "UPDATE account SET failures = 0, locked_until = 0 WHERE name = $name", {"name": name}
    )
    return True


def setting(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    row = con.execute("SELECT value FROM setting WHERE name = $name", {"name": name}).fetchone()
    return str(row[0]) if row else None


def keep_setting(con: duckdb.DuckDBPyConnection, name: str, value: str) -> str:
    """Store ``value`` unless the setting exists already; returns the value in force."""
    kept = setting(con, name)
    if kept is not None:
        return kept
    con.execute(
        "INSERT INTO setting (name, value) VALUES ($name, $value)", {"name": name, "value": value}
    )
    return value
