"""The dependency rules of DESIGN.md, read from the syntax tree with no exemptions.

Front doors (``dashboard.py``, ``app_pages/``, every ``__main__`` command line) call only
``service/``; ``service/`` calls ``report/``, ``indicators/``, ``loaders/``, ``access/``;
those call ``catalogue/`` and ``store/``, which import nothing of ours. Only the front doors
of the dashboard import Streamlit, and SQL lives in ``store/``. Relative imports are
resolved, imports inside functions count, and a probe tree shows the check can fail."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ["store", "catalogue", "access", "indicators", "loaders", "report", "service"]
FRONT = "front door"
# What each layer may import of ours (besides itself).
MAY_IMPORT: dict[str, set[str]] = {
    "store": set(),
    "catalogue": set(),
    "access": {"store"},
    "indicators": {"store", "catalogue"},
    "loaders": {"store", "catalogue"},
    "report": {"store", "catalogue", "indicators"},
    "service": {"store", "catalogue", "access", "indicators", "loaders", "report"},
    FRONT: {"service", "app_pages", "web"},
}
OURS = {*PACKAGES, "app_pages", "web", "dashboard", "main", "tests", "tools", "bench"}
# Imports allowed to run back up the layers: at most one, and today none.
UPWARD_EXCEPTIONS: set[tuple[str, str]] = set()


def modules(root: Path) -> list[Path]:
    found = [root / name for name in ("dashboard.py", "main.py") if (root / name).exists()]
    for package in [*PACKAGES, "app_pages", "web"]:
        found += sorted((root / package).rglob("*.py"))
    return found


def layer(root: Path, path: Path) -> str:
    relative = path.relative_to(root)
    if relative.name == "__main__.py" or relative.parts[0] in (
        "app_pages",
        "web",
        "dashboard.py",
        "main.py",
    ):
        return FRONT
    return relative.parts[0]


def imported(root: Path, path: Path) -> set[str]:
    """Top-level names of everything the module imports, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = path.relative_to(root).parent.parts
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                if node.module:
                    names.add([*base, *node.module.split(".")][0])
                else:
                    names.update(base[0] if base else alias.name for alias in node.names)
            elif node.module:
                names.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", ""))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value.split(".")[0])
    return names


def violations(root: Path) -> list[str]:
    found = []
    for path in modules(root):
        own = layer(root, path)
        allowed = MAY_IMPORT[own] | ({own} if own != FRONT else set())
        if own == FRONT and path.relative_to(root).parts[0] in PACKAGES:
            allowed = MAY_IMPORT[FRONT] - {"app_pages"}
        for name in sorted(imported(root, path) & OURS - allowed):
            relative = str(path.relative_to(root))
            if (relative, name) not in UPWARD_EXCEPTIONS:
                found.append(f"{relative} imports {name}")
    return sorted(found)


def streamlit_outside_pages(root: Path) -> list[str]:
    return [
        str(p.relative_to(root))
        for p in modules(root)
        if layer(root, p) != FRONT or p.name == "__main__.py"
        if "streamlit" in imported(root, p)
    ]


_SQL = re.compile(
    r"\bselect\b[\s\S]+\bfrom\b|\binsert\s+(or\s+\w+\s+)?into\b|\bupdate\s+\w+\s+set\b"
    r"|\bdelete\s+from\b|\bcreate\s+(or\s+replace\s+)?(table|view|macro|sequence)\b",
    re.IGNORECASE,
)


def sql_outside_store(root: Path) -> list[str]:
    """String literals that are SQL, and calls of execute/sql, outside store/."""
    found = []
    for path in modules(root):
        if path.relative_to(root).parts[0] == "store":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if _SQL.search(node.value):
                    found.append(f"{path.relative_to(root)}:{node.lineno}: SQL text")
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") in (
                "execute",
                "executemany",
                "sql",
                "query",
            ):
                found.append(f"{path.relative_to(root)}:{node.lineno}: .{node.func.attr}()")
    return found


def test_every_import_follows_the_layers() -> None:
    assert violations(ROOT) == []
    assert len(UPWARD_EXCEPTIONS) <= 1


def test_only_the_dashboard_imports_streamlit() -> None:
    assert streamlit_outside_pages(ROOT) == []


def test_sql_lives_in_store() -> None:
    assert sql_outside_store(ROOT) == []


PROBES = {
    "loaders/probe.py": "from service import views\n",
    "store/probe.py": "def f():\n    import loaders.batch\n",
    "indicators/probe.py": "from .. import loaders\n",
    "catalogue/probe.py": "import importlib\nimportlib.import_module('store.db')\n",
    "app_pages/probe.py": "from store import queries\n",
    "report/__main__.py": "from report import build\n",
    "access/probe.py": "import streamlit as st\n",
    "service/probe.py": "Q = 'select x from observation'\n",
}


@pytest.fixture
def probe_tree(tmp_path: Path) -> Path:
    for package in [*PACKAGES, "app_pages"]:
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "service" / "ok.py").write_text("from store import db\nfrom loaders import x\n")
    (tmp_path / "app_pages" / "fine.py").write_text("from service import views\n")
    for name, text in PROBES.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def test_the_checks_fail_on_probe_files(probe_tree: Path) -> None:
    assert violations(probe_tree) == [
        "app_pages/probe.py imports store",
        "catalogue/probe.py imports store",
        "indicators/probe.py imports loaders",
        "loaders/probe.py imports service",
        "report/__main__.py imports report",
        "store/probe.py imports loaders",
    ]
    assert streamlit_outside_pages(probe_tree) == ["access/probe.py"]
    assert sql_outside_store(probe_tree) == ["service/probe.py:1: SQL text"]
