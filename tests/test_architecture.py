"""The dependency rules of docs/architecture.md, read from the syntax tree with no exemptions.

Front doors (``dashboard.py``, ``app_pages/``, ``web/`` and the command lines of ``cli/``)
call only ``service/``; ``service/`` calls ``report/``, ``indicators/``, ``loaders/``,
``access/``; those call ``catalogue/`` and ``store/``, which import nothing of ours. A
package's ``__main__.py`` is a launcher that imports its command line from ``cli/`` and
nothing else. No module imports itself round a circle. Only the front doors of the dashboard
import Streamlit, and SQL lives in ``store/``. Relative imports are resolved, imports inside
functions count, and a probe tree shows the check can fail."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ["store", "catalogue", "access", "indicators", "loaders", "report", "service"]
# How Swedes write numbers and dates: imports nothing of ours, every layer may import it.
EVERYONE = "swedish"
FRONT = "front door"
LAUNCHER = "launcher"
# What each layer may import of ours (besides itself).
MAY_IMPORT: dict[str, set[str]] = {
    EVERYONE: set(),
    "store": set(),
    "catalogue": set(),
    "access": {"store"},
    "indicators": {"store", "catalogue"},
    "loaders": {"store", "catalogue"},
    "report": {"store", "catalogue", "indicators"},
    "service": {"store", "catalogue", "access", "indicators", "loaders", "report"},
    FRONT: {"service", "app_pages", "web"},
    "cli": {"service"},
    LAUNCHER: {"cli"},
}
OURS = {
    *PACKAGES,
    EVERYONE,
    "app_pages",
    "web",
    "cli",
    "dashboard",
    "main",
    "tests",
    "tools",
    "bench",
}
# Imports allowed to run back up the layers: at most one, and today none.
UPWARD_EXCEPTIONS: set[tuple[str, str]] = set()


def modules(root: Path) -> list[Path]:
    found = [root / name for name in ("dashboard.py", "main.py") if (root / name).exists()]
    for package in [*PACKAGES, EVERYONE, "app_pages", "web", "cli"]:
        found += sorted((root / package).rglob("*.py"))
    return found


def layer(root: Path, path: Path) -> str:
    relative = path.relative_to(root)
    if relative.name == "__main__.py" and relative.parts[0] in PACKAGES:
        return LAUNCHER
    if relative.parts[0] in (
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
        allowed = MAY_IMPORT[own] | ({own} if own not in (FRONT, LAUNCHER) else set())
        if own != LAUNCHER:
            allowed = allowed | {EVERYONE}
        for name in sorted(imported(root, path) & OURS - allowed):
            relative = str(path.relative_to(root))
            if (relative, name) not in UPWARD_EXCEPTIONS:
                found.append(f"{relative} imports {name}")
    return sorted(found)


def streamlit_outside_pages(root: Path) -> list[str]:
    return [
        str(p.relative_to(root))
        for p in modules(root)
        if layer(root, p) in (*PACKAGES, EVERYONE, "cli", LAUNCHER)
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


def _module_name(root: Path, path: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports_of_modules(root: Path, path: Path, known: set[str]) -> set[str]:
    """Our modules one module imports (``from store import db`` is ``store.db``), imports
    inside functions included."""
    name = _module_name(root, path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - (node.level - 1)] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            for alias in node.names:
                full = f"{module}.{alias.name}" if module else alias.name
                found.update({full} if full in known else {module} & known)
    return found - {name}


def circles(root: Path) -> list[list[str]]:
    """Every set of our modules that import one another round a circle (the strongly
    connected components of the import graph with more than one module)."""
    paths = {_module_name(root, path): path for path in modules(root)}
    graph = {name: _imports_of_modules(root, path, set(paths)) for name, path in paths.items()}
    found: list[list[str]] = []
    for start in sorted(graph):
        reached = _reachable(graph, start)
        circle = sorted(name for name in reached if start in _reachable(graph, name))
        if circle and start == circle[0] and len(circle) > 1:
            found.append(circle)
    return found


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for name in graph[todo.pop()] - seen:
            seen.add(name)
            todo.append(name)
    return seen


def launchers_that_do_more(root: Path) -> list[str]:
    """A package's ``__main__.py`` only imports its command line from ``cli/`` and starts it
    when run as a program: a docstring, imports from ``cli``, and one ``if __name__``."""
    found = []
    for path in modules(root):
        if layer(root, path) != LAUNCHER:
            continue
        body = ast.parse(path.read_text(encoding="utf-8")).body
        for node in body:
            fine = (
                (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
                or (isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cli"))
                or (
                    isinstance(node, ast.If)
                    and "__name__" in ast.unparse(node.test)
                    and all(isinstance(n, ast.Expr) for n in node.body)
                    and len(node.body) == 1
                )
            )
            if not fine:
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    return sorted(found)


def _agreements(root: Path) -> tuple[set[str], list[str]]:
    import yaml

    listed = yaml.safe_load((root / "catalogue" / "agreements.yaml").read_text(encoding="utf-8"))
    ids = {str(a["id"]) for a in listed["agreements"]}
    return ids, [str(a["title"]) for a in listed["agreements"]]


def agreement_literals(root: Path) -> list[str]:
    """Text in code outside ``catalogue/`` that names a city-wide agreement: a string that is
    an agreement's id ("2024"), holds its title, or says "överenskommelse(n) 2024". Docstrings
    and comments may; code reads the agreements through the catalogue."""
    ids, titles = _agreements(root)
    said = re.compile(rf"överenskommelse[n]?\s+({'|'.join(sorted(ids))})\b", re.IGNORECASE)
    found = []
    for path in modules(root):
        if path.relative_to(root).parts[0] == "catalogue":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            text = node.value
            if id(node) in docstrings:
                continue
            if text.strip() in ids or said.search(text) or any(t in text for t in titles):
                found.append(f"{path.relative_to(root)}:{node.lineno}: {text[:40]!r}")
    return found


def test_no_agreement_year_outside_the_catalogue() -> None:
    assert agreement_literals(ROOT) == []


def test_every_import_follows_the_layers() -> None:
    assert violations(ROOT) == []
    assert len(UPWARD_EXCEPTIONS) <= 1


def test_no_import_circle() -> None:
    assert circles(ROOT) == []


def test_the_launchers_only_start_a_command_line() -> None:
    assert launchers_that_do_more(ROOT) == []


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
    "store/__main__.py": "from cli.store import main\n\nmain()\n",
    "cli/probe.py": "from store import db\n",
    "swedish/probe.py": "from store import db\n",
    "service/circle_a.py": "from service import circle_b\n",
    "service/circle_b.py": "def f():\n    from service.circle_a import x\n",
    "app_pages/years.py": '"""Överenskommelsen 2024 in a docstring is fine."""\n'
    'A = ["2024", "2019"]\nB = f"Lila linje: ny överenskommelse 2024 {A}"\n',
    "access/probe.py": "import streamlit as st\n",
    "service/probe.py": "Q = 'select x from observation'\n",
}


@pytest.fixture
def probe_tree(tmp_path: Path) -> Path:
    for package in [*PACKAGES, EVERYONE, "app_pages", "cli"]:
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
        "cli/probe.py imports store",
        "indicators/probe.py imports loaders",
        "loaders/probe.py imports service",
        "report/__main__.py imports report",
        "store/probe.py imports loaders",
        "swedish/probe.py imports store",
    ]
    assert streamlit_outside_pages(probe_tree) == ["access/probe.py"]
    assert circles(probe_tree) == [["service.circle_a", "service.circle_b"]]
    (probe_tree / "catalogue" / "agreements.yaml").write_bytes(
        (ROOT / "catalogue" / "agreements.yaml").read_bytes()
    )
    assert agreement_literals(probe_tree) == [
        "app_pages/years.py:2: '2024'",
        "app_pages/years.py:2: '2019'",
        "app_pages/years.py:3: 'Lila linje: ny överenskommelse 2024 '",
    ]
    assert launchers_that_do_more(probe_tree) == ["report/__main__.py:1", "store/__main__.py:3"]
    assert sql_outside_store(probe_tree) == ["service/probe.py:1: SQL text"]
