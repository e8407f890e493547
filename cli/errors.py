"""How every command line ends: the one-line English message of ``service.failures`` on
standard error and exit status 1 for any failure, never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable

from service import logs
from service.failures import UNCHANGED, message


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


def start(main: Callable[[list[str] | None], int]) -> None:
    """What ``python -m <package>`` does: the command's ``main`` on the process's arguments,
    under ``run``, and its exit status."""
    sys.exit(run(lambda: main(sys.argv[1:])))
