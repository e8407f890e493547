"""The README's test command: ``python -m tests`` sets up what the tests need and runs them all.

1. What the browser and postgres tiers need from the machine (Chromium, nginx, PostgreSQL):
   installed from Debian's packages when this may (as root, with apt-get), else it stops at
   once with the command that installs them (tests/system.py);
2. the test tools: ``pip install -r requirements-dev.lock``;
3. ``ruff check .`` and ``ruff format --check .``;
4. every tier on the embedded store: ``python -m pytest --all``;
5. the tests whose behaviour can differ on a PostgreSQL catalog again in server mode:
   ``python -m pytest --all --store server`` (docs/store.md says which).

``--skip TIER`` leaves a tier out on purpose (slow, browser, postgres; postgres also leaves out
the server-mode pass), and the closing lines say what was left out. ``--no-install`` installs
nothing and only checks; ``--coverage`` measures line coverage of both passes. Standard library
only: it runs before the test tools are installed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from tests import system

ROOT = Path(__file__).resolve().parent.parent
TIERS = ("slow", "browser", "postgres")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tests", description=__doc__.split("\n")[0])
    tiers = ", ".join(TIERS)
    p.add_argument("--skip", action="append", default=[], metavar="TIER",
                   help=f"leave a tier out on purpose: {tiers} (repeatable)")  # fmt: skip
    p.add_argument("--no-install", action="store_true",
                   help="install nothing (no apt-get, no pip): only check and run")  # fmt: skip
    p.add_argument("--coverage", action="store_true",
                   help="measure line coverage of both passes and report it")  # fmt: skip
    return p


def skipped_tiers(values: list[str]) -> list[str]:
    tiers = [t.strip() for value in values for t in value.split(",") if t.strip()]
    unknown = sorted(set(tiers) - set(TIERS))
    if unknown:
        raise SystemExit(f"python -m tests: unknown tier {', '.join(unknown)}; known: {TIERS}")
    return [t for t in TIERS if t in tiers]


def provision(needed: list[str], install: bool) -> str | None:
    """Make sure the tools of the ``needed`` tiers are here; None when they are, else the one
    line that says what to install. Installs from Debian's packages when ``install`` and this
    process may."""
    lacking = system.missing(needed)
    if not lacking:
        return None
    if install and system.may_install():
        packages = system.packages(lacking)
        print(f"Installing from Debian's packages: {' '.join(packages)}", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        update = subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
        if update.returncode == 0:
            command = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages]
            subprocess.run(command, env=env, check=False, stdout=subprocess.DEVNULL)
        lacking = system.missing(needed)
        if not lacking:
            return None
    return system.message(lacking, needed)


def tally(report: Path) -> tuple[int, int, int]:
    """(passed, failed, skipped) of a pytest run's JUnit XML report (errors count as failed)."""
    root = ET.parse(report).getroot()
    suites = [root] if root.tag == "testsuite" else list(root)
    passed = failed = skipped = 0
    for suite in suites:
        tests, skip = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
        bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        passed, failed, skipped = passed + tests - bad - skip, failed + bad, skipped + skip
    return passed, failed, skipped


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    skip = skipped_tiers(args.skip)
    problem = provision([t for t in system.TIERS if t not in skip], not args.no_install)
    if problem:
        print(problem, flush=True)
        return 2
    steps: list[tuple[str, list[str]]] = []
    if not args.no_install:
        steps.append(("install", [sys.executable, "-m", "pip", "install", "-q", "-r",
                                  "requirements-dev.lock"]))  # fmt: skip
    steps += [
        ("ruff check", [sys.executable, "-m", "ruff", "check", "."]),
        ("ruff format", [sys.executable, "-m", "ruff", "format", "--check", "."]),
    ]
    options = [f"--skip={t}" for t in skip]
    if args.coverage:  # settings in pyproject.toml; the passes add to one data file
        (ROOT / ".coverage").unlink(missing_ok=True)
        options += ["--cov", "--cov-append", "--cov-report="]
    reports = Path(tempfile.mkdtemp(prefix="dashboard-tests-"))
    passes = [("embedded", [])] + (
        [] if "postgres" in skip else [("server", ["--store", "server"])]
    )
    for name, extra in passes:
        report = reports / f"{name}.xml"
        steps.append((f"pytest ({name})", [sys.executable, "-m", "pytest", "--all", *extra,
                                           *options, f"--junitxml={report}"]))  # fmt: skip
    timings: list[str] = []
    status = 0
    for name, command in steps:
        print(f"\n== {name}: {' '.join(command[1:] if command[0] == sys.executable else command)}",
              flush=True)  # fmt: skip
        started = time.monotonic()
        code = subprocess.run(command, cwd=ROOT, check=False).returncode
        timings.append(f"{name} {time.monotonic() - started:.0f} s")
        if code:
            status = code
            if not name.startswith("pytest"):  # nothing to test with, or lint failed
                break
    totals = [
        tally(reports / f"{name}.xml") for name, _ in passes if (reports / f"{name}.xml").exists()
    ]
    passed, failed, skipped_tests = (sum(t[i] for t in totals) for i in range(3))
    if args.coverage:
        total = subprocess.run([sys.executable, "-m", "coverage", "report", "--format=total"],
                               cwd=ROOT, check=False, capture_output=True, text=True)  # fmt: skip
        timings.append(f"line coverage {total.stdout.strip()} %")
    print("\n" + "; ".join(timings))
    if skip:
        print("Left out on purpose: " + ", ".join(f"the {t} tier" for t in skip)
              + (" (and the server-mode pass)" if "postgres" in skip else ""))  # fmt: skip
    if status and not failed:
        failed = 1
    print(f"tests: {passed} passed, {failed} failed, {skipped_tests} skipped")
    return status


if __name__ == "__main__":
    sys.exit(main())
