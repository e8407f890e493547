"""Any failure said in one English line for the operator (a store in use, a full disk, a
conflict, a file that cannot be read or decoded), never a traceback, secrets redacted. Every
write is one transaction, so a failure leaves the store as it was, and the line says so. The
command lines (cli/errors.py) print it."""

from __future__ import annotations

import errno

import duckdb

from service.writes import RuleBroken
from store import db
from store.db import StoreError, redact

UNCHANGED = "Nothing was changed."


def _line(text: object) -> str:
    return redact(" ".join(str(text).split()))[:1000]


def message(exc: BaseException) -> str:
    """The one line for a failure."""
    if isinstance(exc, (StoreError, RuleBroken, duckdb.Error, OSError)) and (
        "no space left" in str(exc).casefold()
        or getattr(exc, "errno", None) == errno.ENOSPC
        or db.disk_full()
    ):
        return f"the disk is full{_where(exc) if isinstance(exc, OSError) else ''}. {UNCHANGED}"
    if isinstance(exc, (StoreError, RuleBroken)):  # RuleBroken: a guarded write's refusal
        return _line(exc)
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return f"the disk is full{_where(exc)}. {UNCHANGED}"
        if exc.errno in (errno.EACCES, errno.EPERM):
            return f"permission denied{_where(exc)}. {UNCHANGED}"
        return f"{_line(exc.strerror or exc)}{_where(exc)}. {UNCHANGED}"
    if isinstance(exc, UnicodeError):
        return f"a file could not be decoded ({_line(exc)}). {UNCHANGED}"
    if isinstance(exc, MemoryError):
        return f"out of memory. {UNCHANGED}"
    if isinstance(exc, duckdb.Error):
        return f"the store refused the change ({_line(exc).split(': ', 1)[-1]}). {UNCHANGED}"
    return f"unexpected failure ({type(exc).__name__}: {_line(exc)}). {UNCHANGED}"


def _where(exc: OSError) -> str:
    return f" ({exc.filename})" if exc.filename else ""
