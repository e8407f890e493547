"""Shared fixtures: an in-memory store with the region register, and a file store holding
the bundled demo data (the real BRÅ files), built once per test session."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from loaders.demo import load_demo  # noqa: E402
from loaders.reference import open_store  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
PROBLEMS = FIXTURES / "with-problems"
DEMO_BRA = ROOT / "data" / "demo" / "bra"


def copy_store(source: Path, target: Path) -> Path:
    """A copy of a store file with its write-ahead log (a running server may still hold
    changes there), for tests that write, or that read what a server wrote."""
    import shutil

    shutil.copy(source, target)
    wal = source.with_name(source.name + ".wal")
    if wal.exists():
        shutil.copy(wal, target.with_name(target.name + ".wal"))
    return target


@pytest.fixture
def store() -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_store(":memory:")
    yield con
    con.close()


@pytest.fixture(scope="session")
def demo_db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store file with the demo data loaded through the CLI's code path."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    con = open_store(path)
    load_demo(con)
    con.close()
    return path


@pytest.fixture
def demo_store(demo_db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_store(demo_db_path)
    yield con
    con.close()
