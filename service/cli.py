"""How every command line ends: a one-line English message on standard error and exit
status 1 for any failure (a store in use, a full disk, a conflict, a file that cannot be
read or decoded), never a traceback. Every write is one transaction, so a failure leaves the
store as it was, and the message says so."""

from __future__ import annotations

import errno
import sys
from collections.abc import Callable

import duckdb

from service import logs
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


def run(main: Callable[[], int]) -> int:
    """Run a command's ``main`` and turn any failure into one line and exit status 1. The
    operator's log lines (service/logs.py) go to standard error beside it."""
    logs.configure()
    try:
        return main()
    except KeyboardInterrupt:
        print(f"error: interrupted. {UNCHANGED}", file=sys.stderr)
        return 130
    except Exception as exc:  # the last guard of a command line
        print(f"error: {message(exc)}", file=sys.stderr)
        return 1
