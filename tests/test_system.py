"""The README's test command on a machine without Chromium, nginx or PostgreSQL: it installs
them from Debian's packages when it may, and otherwise stops at once with the one line that
says how; pytest itself stops the same way when a selected test needs a missing tool. A run
never turns green with the browser or server tests skipped."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import __main__ as runner
from tests import system
from tests.conftest import ROOT

SUDO = "" if os.geteuid() == 0 else "sudo "
EVERYTHING = (
    "Missing chromium, nginx, soffice, pdftohtml, american-english, swedish, initdb (needed by "
    f"the browser, postgres tests): install with `{SUDO}apt-get install -y --no-install-recommends "
    "chromium fonts-dejavu-core nginx-light libreoffice-writer-nogui poppler-utils wamerican "
    "wswedish postgresql`, or leave those tests out on "
    "purpose with `--skip browser --skip postgres`."
)


@pytest.fixture
def bare(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A machine where none of the tools is anywhere (an empty folder is all there is)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("TESTS_TOOL_PATH", str(folder))
    return folder


def test_without_the_tools_the_command_stops_at_once_with_the_install_line(
    bare: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(system, "may_install", lambda: False)
    ran: list[object] = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: ran.append(a))
    assert runner.main([]) == 2
    assert capsys.readouterr().out.strip().splitlines() == [EVERYTHING]
    assert ran == []  # nothing installed, nothing tested


def test_a_tier_left_out_on_purpose_needs_nothing_of_it(
    bare: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (bare / "initdb").write_text("#!/bin/sh\n")
    (bare / "initdb").chmod(0o755)
    assert system.missing(["postgres"]) == []
    assert runner.provision(["postgres"], install=False) is None
    assert runner.provision(["browser", "postgres"], install=False) == (
        "Missing chromium, nginx, soffice, pdftohtml, american-english, swedish (needed by the "
        f"browser tests): install with `{SUDO}apt-get install -y --no-install-recommends chromium "
        "fonts-dejavu-core nginx-light libreoffice-writer-nogui poppler-utils wamerican wswedish`, "
        "or leave those tests out on purpose with `--skip browser`."
    )
    with pytest.raises(SystemExit, match="unknown tier"):
        runner.skipped_tiers(["browsers"])


def test_where_it_may_it_installs_them_from_debian(
    bare: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """apt-get is called as an administrator would (a stand-in here that records its
    arguments and puts the tools where they are looked for)."""
    log = tmp_path / "apt.log"
    (bare / "apt-get").write_text(
        f'#!/bin/sh\necho "$@" >> {log}\n'
        f'if [ "$1" = install ]; then for t in chromium nginx soffice pdftohtml '
        f"american-english swedish initdb; do "
        f'printf "#!/bin/sh\\n" > {bare}/$t; chmod +x {bare}/$t; done; fi\n'
    )
    (bare / "apt-get").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bare}:{os.environ['PATH']}")
    monkeypatch.setattr(system, "may_install", lambda: True)
    assert runner.provision(["browser", "postgres"], install=True) is None
    assert log.read_text().splitlines() == [
        "update -qq",
        "install -y -qq --no-install-recommends chromium fonts-dejavu-core nginx-light "
        "libreoffice-writer-nogui poppler-utils wamerican wswedish postgresql",
    ]


def _env(bare: Path) -> dict[str, str]:
    """This environment on the bare machine, as a developer's shell has it (not as this test's
    own xdist worker, whose variables would make the run think it is one)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_CORE"))}
    return {**env, "TESTS_TOOL_PATH": str(bare)}


@pytest.mark.slow
def test_pytest_itself_stops_when_a_selected_test_needs_a_missing_tool(bare: Path) -> None:
    """``python -m pytest --all`` on such a machine: one line, exit status 2, no test run."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "0", "--all", "-q",
         "tests/e2e/test_first_start.py", "tests/loaders/test_swedish.py"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env=_env(bare),
    )  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert (
        "Missing chromium, nginx, soffice, pdftohtml, american-english, swedish (needed by the "
        "browser tests)" in done.stdout
    )
    assert " passed" not in done.stdout and " skipped" not in done.stdout
    # With parallel workers (which cannot stop the run) each such test fails with that line.
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "1", "--all", "-q",
         "tests/e2e/test_first_start.py"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env=_env(bare),
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert (
        "Missing chromium, nginx, soffice, pdftohtml, american-english, swedish (needed by the "
        "browser tests)" in done.stdout
    )
    assert "1 error" in done.stdout and " passed" not in done.stdout
