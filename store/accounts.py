"""The accounts table, row by row: every change is one statement on one account's row, in
the caller's transaction; the lockout counts an attempt in the same statement that reads the
hash, so parallel attempts are counted one by one (DuckDB refuses the second of two
transactions that change the same row; the caller retries it)."""

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


def disable(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    rows = con.execute(
        "UPDATE account SET disabled = true, epoch = epoch + 1 WHERE name = $name RETURNING name",
        {"name": name},
    ).fetchall()
    return bool(rows)


def enable(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    rows = con.execute(
        """
        UPDATE account SET disabled = false, failures = 0, locked_until = 0
        WHERE name = $name RETURNING name
        """,
        {"name": name},
    ).fetchall()
    return bool(rows)


def set_role(con: duckdb.DuckDBPyConnection, name: str, role: str, districts: list[str]) -> bool:
    rows = con.execute(
        "UPDATE account SET role = $role, districts = $districts WHERE name = $name RETURNING name",
        {"name": name, "role": role, "districts": districts},
    ).fetchall()
    return bool(rows)


def end_sessions(con: duckdb.DuckDBPyConnection, name: str) -> int | None:
    row = con.execute(
        "UPDATE account SET epoch = epoch + 1 WHERE name = $name RETURNING epoch", {"name": name}
    ).fetchone()
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
        UPDATE account SET
            failures = CASE WHEN failures + 1 >= $max THEN 0 ELSE failures + 1 END,
            locked_until = CASE WHEN failures + 1 >= $max THEN $now + $lock
                                ELSE locked_until END
        WHERE name = $name AND password_hash <> '' AND NOT disabled AND locked_until <= $now
        RETURNING password_hash
        """,
        {"name": name, "now": now, "max": max_failures, "lock": lock_seconds},
    ).fetchone()
    return str(row[0]) if row else None


def forgive(con: duckdb.DuckDBPyConnection, name: str, password_hash: str) -> bool:
    """A right password: the failures are forgiven, unless the account was disabled or its
    password changed meanwhile (that change wins)."""
    rows = con.execute(
        """
        UPDATE account SET failures = 0, locked_until = 0
        WHERE name = $name AND NOT disabled AND password_hash = $hash
        RETURNING name
        """,
        {"name": name, "hash": password_hash},
    ).fetchall()
    return bool(rows)


def setting(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    row = con.execute("SELECT value FROM setting WHERE name = $name", {"name": name}).fetchone()
    return str(row[0]) if row else None


def keep_setting(con: duckdb.DuckDBPyConnection, name: str, value: str) -> str:
    """Store ``value`` unless the setting exists already; returns the value in force."""
    con.execute(
        "INSERT INTO setting (name, value) VALUES ($name, $value) ON CONFLICT DO NOTHING",
        {"name": name, "value": value},
    )
    kept = setting(con, name)
    assert kept is not None
    return kept
