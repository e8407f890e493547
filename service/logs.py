"""The operator's log (issue 34): timestamped, levelled lines on standard error, where
journald (or the terminal) picks them up. One line per audited event once its write has
committed (a load, an upload, an undo, a sign-in, a refused write, a saved form: who, what,
how long; store/audit.py), beside the program's own warnings. Nothing in it but the account's
name: e-mail addresses and passwords in a line are replaced before it is written.

``DASHBOARD_LOG_LEVEL`` (``INFO`` by default; ``WARNING`` leaves the events out)."""

from __future__ import annotations

import logging
import os
import re
import sys

from store.db import redact

# Our packages' loggers: their lines go to the handler below.
LOGGERS = ("samverkan", "service", "web", "indicators", "store", "loaders", "report")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


class _Private(logging.Filter):
    """No password of a connection string and no e-mail address in a line."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = _EMAIL.sub("<e-post>", redact(record.getMessage()))
        record.msg, record.args = text, None
        return True


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Standard error as it is when a line is written (a test or a command may replace it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr  # not setStream: it flushes the one before, maybe closed
        super().emit(record)


_HANDLER = _Stderr()
_HANDLER.setFormatter(logging.Formatter(FORMAT, DATE_FORMAT))
_HANDLER.addFilter(_Private())


def configure() -> None:
    """Send our loggers' lines to standard error at ``DASHBOARD_LOG_LEVEL`` (once per
    process; safe to call again)."""
    level = os.environ.get("DASHBOARD_LOG_LEVEL", "INFO").strip().upper() or "INFO"
    for name in LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(level)
        if _HANDLER not in logger.handlers:
            logger.addHandler(_HANDLER)
        logger.propagate = False
