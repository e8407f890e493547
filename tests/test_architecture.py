"""The dependency rules of DESIGN.md, read from the source: store/ imports nothing of ours,
only dashboard.py and app_pages/ import Streamlit, and SQL lives in store/."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.conftest import ROOT

OURS = {"store", "loaders", "indicators", "app_pages", "report", "access", "dashboard"}
PACKAGES = ["store", "loaders", "indicators", "app_pages", "report", "access"]


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_store_imports_nothing_of_ours() -> None:
    # store/__main__.py is the command-line entry that loads the demo data through loaders/.
    offenders = {
        str(p.relative_to(ROOT)): _imports(p) & (OURS - {"store"})
        for p in _modules("store")
        if p.name != "__main__.py"
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_dependency_direction() -> None:
    allowed = {
        # Uploads are checked against the indicator catalogue (which measures may be uploaded,
        # which age bands exist): loaders may read it; indicators never import loaders.
        "loaders": {"store", "loaders", "indicators", "access"},
        "indicators": {"store", "indicators"},
        "app_pages": {"store", "loaders", "indicators", "app_pages", "report", "access"},
        "report": {"store", "indicators", "report"},
        "access": {"store", "access"},
    }
    for package, ok in allowed.items():
        for path in _modules(package):
            if path.name == "__main__.py":
                continue  # command-line entry points open the store through loaders/
            assert _imports(path) & OURS <= ok, path


def test_indicators_never_import_loaders() -> None:
    for path in _modules("indicators"):
        if path.name != "__main__.py":
            assert "loaders" not in _imports(path), path


def test_only_pages_and_entry_import_streamlit() -> None:
    for package in ("store", "loaders", "indicators", "report", "access"):
        for path in _modules(package):
            assert "streamlit" not in _imports(path), path


_SQL = re.compile(r"\b(SELECT|INSERT INTO|UPDATE|DELETE FROM|CREATE TABLE)\b\s")


def test_sql_lives_in_store() -> None:
    for package in ("loaders", "indicators", "app_pages", "report", "access"):
        for path in _modules(package):
            text = path.read_text(encoding="utf-8")
            assert not _SQL.search(text), f"SQL in {path.relative_to(ROOT)}"
