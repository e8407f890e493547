"""What the slower test tiers need from the machine besides Python packages, and how to get it.

The browser tier drives Debian's Chromium (and runs deploy/nginx.conf in nginx, and renders the
Word documents in LibreOffice, read back with poppler); the postgres
tier starts a throwaway PostgreSQL server. Neither is a Python package, so the lock files
cannot bring them: ``python -m tests`` installs them from Debian's packages when it may (as
root, with apt-get), and otherwise stops at once with the one command that does; pytest stops
the same way when a selected test needs a tool that is missing, so a run never turns green
with those tests skipped.

Standard library only: ``python -m tests`` imports this before the test tools are installed.
"""

from __future__ import annotations

import glob
import os
import shutil
from pathlib import Path

# Where Debian's packages put the tools when PATH does not name them (a login shell of a
# user who is not root has no /usr/sbin, and initdb lives in a versioned folder).
FALLBACK: dict[str, tuple[str, ...]] = {
    "chromium": ("/usr/bin/chromium",),
    "nginx": ("/usr/sbin/nginx",),
    "initdb": ("/usr/lib/postgresql/*/bin/initdb",),
    "soffice": ("/usr/bin/soffice",),
    "pdftohtml": ("/usr/bin/pdftohtml",),
    "american-english": ("/usr/share/dict/american-english",),
    "swedish": ("/usr/share/dict/swedish",),
}
# Word lists, not programs: found where they are, executable or not (the browser tier's
# test that no English reaches a screen reader tells English words from Swedish ones).
WORD_LISTS = {"american-english", "swedish"}
# The Debian packages that bring each tool (Chromium needs a font to draw text with).
PACKAGES: dict[str, tuple[str, ...]] = {
    "chromium": ("chromium", "fonts-dejavu-core"),
    "nginx": ("nginx-light",),
    "initdb": ("postgresql",),
    "soffice": ("libreoffice-writer-nogui",),
    "pdftohtml": ("poppler-utils",),
    "american-english": ("wamerican",),
    "swedish": ("wswedish",),
}
# The tools each tier's tests need.
TIERS: dict[str, tuple[str, ...]] = {
    "browser": ("chromium", "nginx", "soffice", "pdftohtml", "american-english", "swedish"),
    "postgres": ("initdb",),
}


def find(tool: str) -> Path | None:
    """Where ``tool`` is: on PATH, or where its Debian package puts it (the newest version).
    ``TESTS_TOOL_PATH`` replaces both (the test of this check: a machine without them)."""
    only = os.environ.get("TESTS_TOOL_PATH")
    if tool in WORD_LISTS:
        places = [str(Path(only) / tool)] if only is not None else FALLBACK[tool]
        return next((Path(p) for p in places if Path(p).is_file()), None)
    found = shutil.which(tool, path=only)
    if found or only is not None:
        return Path(found) if found else None
    for pattern in FALLBACK.get(tool, ()):
        matches = sorted(glob.glob(pattern))
        if matches and os.access(matches[-1], os.X_OK):
            return Path(matches[-1])
    return None


def missing(tiers: list[str] | tuple[str, ...]) -> list[str]:
    """The tools the given tiers need that this machine lacks, in a fixed order."""
    wanted = [tool for tier in tiers for tool in TIERS.get(tier, ())]
    return [tool for tool in dict.fromkeys(wanted) if find(tool) is None]


def packages(tools: list[str]) -> list[str]:
    return [package for tool in tools for package in PACKAGES[tool]]


def install_command(tools: list[str]) -> str:
    """The one command that installs ``tools`` (with sudo for a user who is not root)."""
    sudo = "" if os.geteuid() == 0 else "sudo "
    return f"{sudo}apt-get install -y --no-install-recommends {' '.join(packages(tools))}"


def message(tools: list[str], tiers: list[str] | tuple[str, ...]) -> str:
    """One line: what is missing, the command that installs it, and how to leave it out."""
    needs = sorted({t for t in tiers if set(TIERS.get(t, ())) & set(tools)})
    skip = " ".join(f"--skip {t}" for t in needs)
    return (
        f"Missing {', '.join(tools)} (needed by the {', '.join(needs)} tests): install with "
        f"`{install_command(tools)}`, or leave those tests out on purpose with `{skip}`."
    )


def may_install() -> bool:
    """Whether ``python -m tests`` may install Debian packages itself: as root with apt-get."""
    return os.geteuid() == 0 and shutil.which("apt-get") is not None
