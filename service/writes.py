"""The one guarded write path. Every write of the dashboard and the command lines (uploads,
undo, actions, notes, assessments, comments, mappings, accounts) passes through
:func:`guarded`: a principal is required (demo mode passes an explicit demo principal, never
``None``), the role and districts are checked here on the server, and the body runs in one
transaction in which the store records the audit entry. Business rules are checked by the
use-case functions before they open it, and refuse with :class:`RuleBroken`."""

from __future__ import annotations

import errno
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TypeVar

import duckdb

from access.roles import PermissionDenied, Principal, allowed, require
from loaders.upload_safety import UploadRefused
from store import accounts as store_accounts
from store import audit, db, reference_data

__all__ = [
    "PermissionDenied",
    "Principal",
    "RuleBroken",
    "WriteFailed",
    "demo_principal",
    "guarded",
    "may",
    "require",
]

T = TypeVar("T")
DEMO_ROLE = "administratör"
# The writes of this process, one at a time: two confirmations of one upload in the same
# instant would otherwise both see the file as new (each transaction sees the store as it
# began) and store it twice, or collide ("Conflict on update"). Re-entrant, so a guarded
# block may call another use case that opens one.
_WRITE_LOCK = threading.RLock()


class RuleBroken(ValueError):
    """A business rule refused the write; the message (Swedish) says which and why."""


class WriteFailed(RuleBroken, UploadRefused):
    """The store could not take the write (locked, disk full, a simultaneous change);
    nothing was written. The message says so in Swedish and what to do."""


def _storage_message(exc: BaseException, con: duckdb.DuckDBPyConnection | None = None) -> str:
    text = str(exc).casefold()
    # A full disk first: the catalog then fails in ways that look like anything else (SQLite's
    # "disk I/O error", a commit that "could not be written").
    if "no space left" in text or getattr(exc, "errno", None) == errno.ENOSPC or db.disk_full(con):
        return (
            "Disken där databasen ligger är full, så inget sparades (inget ändrades). "
            "Kontakta den som driftar instrumentpanelen."
        )
    if isinstance(exc, db.StoreLockedError):
        return (
            "En annan ändring av databasen (t.ex. en inläsning) pågår fortfarande, så inget "
            "sparades. Försök igen om en stund."
        )
    if isinstance(exc, db.StoreUnreachableError):
        return (
            "Databasens katalog går inte att nå just nu, så inget sparades. Kontakta den som "
            "driftar instrumentpanelen."
        )
    if isinstance(exc, (db.StoreConflictError, duckdb.TransactionException)) or "conflict" in text:
        return "Någon annan ändrade samma uppgifter samtidigt, så inget sparades. Försök igen."
    if "lock" in text:
        return (
            "Databasen är låst av en annan process (t.ex. en inläsning från kommandoraden), "
            "så inget sparades. Försök igen om en stund."
        )
    return f"Det gick inte att skriva till databasen ({type(exc).__name__}); inget sparades."


def retry_conflicts(work: Callable[[], T], attempts: int = 4) -> T:
    """Run a whole guarded write again when it lost a conflict with another process's write
    (server mode: two instances writing at once); loads use it, forms let the user retry."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except WriteFailed as exc:
            if not isinstance(exc.__cause__, db.StoreConflictError) or attempt == attempts:
                raise
            time.sleep(0.2 * attempt)
    raise AssertionError("unreachable")


# The dates a write may carry (issue 34): the agreements' years and a margin, so that a
# typing error (0226, 20266) is refused with its reason rather than stored.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


def out_of_range(day: object) -> bool:
    """Whether a date lies outside FIRST_DAY–LAST_DAY (a missing date is not)."""
    return isinstance(day, date) and not FIRST_DAY <= _as_date(day) <= LAST_DAY


def _as_date(day: date) -> date:
    return day.date() if isinstance(day, datetime) else day


DATE_RANGE = f"ett datum mellan {FIRST_DAY:%Y-%m-%d} och {LAST_DAY:%Y-%m-%d}"


# Writes that bring data into the store; made by anyone but a demo-mode user, they end demo
# mode for the store (service.accounts.demo_refusal).
REAL_DATA_ACTIONS = frozenset({"load", "upload"})
REAL_DATA_SETTING = "real_data_loaded_by"


def demo_principal(name: str) -> Principal:
    """Demo mode (no sign-in configured): every role open, writes recorded under the name
    the user typed."""
    cleaned = " ".join(name.split())[:80]
    if not cleaned:
        raise RuleBroken("Skriv ditt namn först: det sparas med varje ändring.")
    return Principal(cleaned, DEMO_ROLE, demo=True)


def may(
    principal: Principal, action: str, regions: Iterable[str] = (), owner: str | None = None
) -> bool:
    """Whether a write would be allowed (pages use it to offer only what the role may do)."""
    return allowed(principal, action, list(regions), owner)


def authorise(
    con: duckdb.DuckDBPyConnection,
    principal: Principal,
    action: str,
    regions: Iterable[str] = (),
    owner: str | None = None,
) -> None:
    """Refuse with the districts named in the message (looked up only then)."""
    if not isinstance(principal, Principal):
        raise TypeError("every write needs a principal (demo mode: demo_principal(name))")
    codes = list(regions)
    if allowed(principal, action, codes, owner):
        return
    try:
        require(principal, action, codes, owner, names=reference_data.region_names(con))
    except PermissionDenied as exc:
        _log_refusal(con, principal, action, str(exc))
        raise


def _log_refusal(
    con: duckdb.DuckDBPyConnection, principal: Principal, action: str, why: str
) -> None:
    """A refused write is kept in the log (who tried what), in a transaction of its own; when
    the store cannot take even that, the refusal stands all the same."""
    try:
        with _WRITE_LOCK, db.transaction(con):
            audit.record(con, principal.name, "nekad", f"{action}: {why}")
    except (duckdb.Error, OSError, db.StoreError):
        pass


@contextmanager
def guarded(
    con: duckdb.DuckDBPyConnection,
    principal: Principal,
    action: str,
    regions: Iterable[str] = (),
    owner: str | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Check the role, then run the block in one transaction (all or nothing), one write of
    this process at a time."""
    authorise(con, principal, action, regions, owner)
    try:
        with _WRITE_LOCK, db.transaction(con):
            if action in REAL_DATA_ACTIONS and not principal.demo:
                # Data loaded by an account, the command line or a timer: from now on the
                # store holds more than a demo, and demo mode no longer serves it (issue 34).
                store_accounts.keep_setting(con, REAL_DATA_SETTING, principal.name)
            yield con
    except (
        duckdb.Error,  # any failure of the store's own (I/O, a conflict, a catalog's error)
        OSError,
        db.StoreLockedError,
        db.StoreConflictError,
        db.StoreUnreachableError,
    ) as exc:
        raise WriteFailed(_storage_message(exc, con)) from exc
