"""One write at a time: every write is one transaction (all or nothing), writes of one
machine take turns through the lock file beside the catalog, and a write that loses to
another machine's is refused whole (:class:`StoreConflictError`) or run again
(:func:`retrying`). See store/db.py for why failure is tracked here."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TypeVar

import duckdb

from store.errors import StoreConflictError, StoreLockedError

T = TypeVar("T")


# How long a write waits for another write of this machine to finish before it gives up
# (DASHBOARD_WRITE_WAIT_SECONDS overrides it).
WRITE_WAIT_SECONDS = 300.0


def _write_wait() -> float:
    return float(os.environ.get("DASHBOARD_WRITE_WAIT_SECONDS", WRITE_WAIT_SECONDS))


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


# Connections (cursors) inside a transaction of ours: a nested block joins the outer one,
# so a guarded write can wrap a load that opens its own transaction.
_OPEN: set[int] = set()


# Counts the writes this process committed: read copies (store.replica) look at the lake again
# at once when it has moved.
GENERATION = [0]


# One write at a time per store and process (threads), then per machine (the lock file).
_TURNS: dict[str, threading.Lock] = {}


_TURNS_GUARD = threading.Lock()


def _lock_file(con: duckdb.DuckDBPyConnection) -> Path | None:
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = 'lake'").fetchone()
    if not row or not str(row[0]).startswith("sqlite:"):
        return None
    file = Path(str(row[0]).removeprefix("sqlite:"))
    return file.with_name(file.name + ".lock")


@contextmanager
def _writer_turn(lock: Path | None) -> Iterator[None]:
    """Wait until no other write of this process or machine runs on this store."""
    if lock is None:
        yield
        return
    with _TURNS_GUARD:
        turn = _TURNS.setdefault(str(lock), threading.Lock())
    wait = _write_wait()
    deadline = time.monotonic() + wait
    if not turn.acquire(timeout=wait):
        raise StoreLockedError(_busy_message())
    try:
        fd = os.open(lock, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise StoreLockedError(_busy_message()) from None
                    time.sleep(0.05)
            yield
        finally:
            os.close(fd)  # releases the lock
    finally:
        turn.release()


@contextmanager
def writer_turn(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """The turn of a write that is not one transaction (maintenance): no other write of
    this machine runs meanwhile."""
    with _writer_turn(_lock_file(con)):
        yield


def _busy_message() -> str:
    return (
        f"Another write to the store has been running for more than {_write_wait():g} "
        "seconds. Nothing was changed; try again when it has finished."
    )


@contextmanager
def transaction(
    con: duckdb.DuckDBPyConnection, *, turn: bool = True
) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: commit when the block ends normally, roll back on any exception. A
    block inside another on the same connection is part of the outer transaction.

    Writes take turns (see the module's text); a commit that loses to another process's
    write raises :class:`StoreConflictError` with nothing saved."""
    if id(con) in _OPEN:
        yield con
        return
    started = time.monotonic()
    with _writer_turn(_lock_file(con)):
        con.execute("BEGIN TRANSACTION")
        _OPEN.add(id(con))
        _AFTER[id(con)] = []
        try:
            if turn:
                con.execute("UPDATE write_turn SET turn = turn + 1")
            yield con
        except BaseException:
            _OPEN.discard(id(con))
            _AFTER.pop(id(con), None)
            with suppress(duckdb.TransactionException):  # the failure may have ended it
                con.execute("ROLLBACK")
            raise
        _OPEN.discard(id(con))
        done = _AFTER.pop(id(con), [])
        try:
            con.execute("COMMIT")
        except duckdb.Error as exc:
            with suppress(duckdb.Error):
                con.execute("ROLLBACK")
            raise StoreConflictError(
                "Another process changed the store while this write ran, or the catalog could "
                f"not be written; nothing of this write was saved ({_first_line(exc)})"
            ) from exc
        GENERATION[0] += 1
    for then in done:
        then(time.monotonic() - started)


# What runs once a transaction has committed (its log lines), per connection; dropped when it
# rolls back. Each is given the transaction's seconds (the wait for its turn included).
_AFTER: dict[int, list[Callable[[float], None]]] = {}


def after_commit(con: duckdb.DuckDBPyConnection, then: Callable[[float], None]) -> None:
    """Run ``then(seconds)`` when the transaction ``con`` is in has committed (never when it
    rolls back); at once when ``con`` is in none."""
    pending = _AFTER.get(id(con))
    if pending is None or id(con) not in _OPEN:
        then(0.0)
    else:
        pending.append(then)


def retrying(work: Callable[[], T], attempts: int = 4) -> T:
    """Run ``work`` (a whole write, transaction included) again when it lost a conflict."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except StoreConflictError:
            if attempt == attempts:
                raise
            time.sleep(0.1 * attempt)
    raise AssertionError("unreachable")
