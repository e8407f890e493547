"""The command lines, called the way ``python -m PACKAGE`` calls them but in the test's own
process: the command's ``main`` (cli/) under ``cli.errors.run`` (one English line and exit status 1
for any failure), with its standard input, output and error captured. A process costs about
2 s of imports; the smoke tests in tests/test_cli_processes.py run each command once as a
real process, so what only a process shows (its exit status, ``__main__``) stays tested."""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import subprocess
import sys
from dataclasses import dataclass

from tests.conftest import ROOT

# ``python -m service remind`` runs cli/remind.py; the others cli/<package>.py.
COMMANDS = {"service": "remind"}


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def run(package: str, *args: str, input: str | None = None) -> Result:
    """``python -m package args…`` in this process."""
    from cli import errors

    main = importlib.import_module(f"cli.{COMMANDS.get(package, package)}").main
    out, err = io.StringIO(), io.StringIO()
    stdin = sys.stdin
    sys.stdin = io.StringIO(input or "")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = errors.run(lambda: main(list(args)))
            except SystemExit as exc:  # argparse refusing the options
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        sys.stdin = stdin
    return Result(code, out.getvalue(), err.getvalue())


def process(
    package: str, *args: str, input: str | None = None, env: dict[str, str] | None = None
) -> Result:
    """``python -m package args…`` as a process of its own (with ``env`` added to this
    process's environment), for the smoke tests."""
    done = subprocess.run([sys.executable, "-m", package, *args], cwd=ROOT, input=input,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})  # fmt: skip
    return Result(done.returncode, done.stdout, done.stderr)
