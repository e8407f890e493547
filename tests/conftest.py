"""Shared fixtures: an in-memory store with the region register, and a file store holding
the bundled demo data (the real BRÅ files), built once per test session."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest
from streamlit.runtime.context import ContextProxy

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from access.users import UserStore  # noqa: E402
from loaders.demo import load_demo  # noqa: E402
from loaders.reference import open_store  # noqa: E402
from service import readmodel, session  # noqa: E402
from store import db  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
# The folders whose tests run a second time on PostgreSQL catalogs (``--store server``).
SERVER_PASS = ("access", "app", "attack", "indicators", "loaders", "report", "service", "store")
# In that pass, the PostgreSQL database each store file stands for (see ``server_stores``).
_SERVER_DATABASES: dict[str, str] = {}
_SERVER: list[object] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--store",
        choices=("embedded", "server"),
        default="embedded",
        help="server: run the tests of the store, loaders, indicators, service, pages and "
        "reports with every store they open by a file path in server mode, on a PostgreSQL "
        "catalog of its own (tests that start other processes, check the embedded store's "
        "files or already run in both modes are left out)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--store") != "server":
        return
    kept, left_out = [], []
    for item in items:
        folder = Path(str(item.fspath)).relative_to(ROOT / "tests").parts[0]
        embedded = item.get_closest_marker("embedded_only") is not None
        both = "store_mode" in getattr(item, "fixturenames", ())
        (left_out if folder not in SERVER_PASS or embedded or both else kept).append(item)
    config.hook.pytest_deselected(items=left_out)
    items[:] = kept


def _server_location(path: str | os.PathLike[str]) -> db.Location:
    """The store ``path`` names, in server mode: a PostgreSQL database of its own for each
    file path (created on first use), the data folder where the embedded store's would be."""
    file = Path(path).resolve()
    if str(file) not in _SERVER_DATABASES:
        _SERVER_DATABASES[str(file)] = _SERVER[0].new_database()  # type: ignore[attr-defined]
    address = _SERVER_DATABASES[str(file)]
    return db.Location(f"postgres:{address}", str(file.with_name(file.name + ".files")) + "/",
                       f"PostgreSQL {file.name}")  # fmt: skip


@pytest.fixture(scope="session", autouse=True)
def server_stores(request: pytest.FixtureRequest) -> Iterator[None]:
    """With ``--store server``: every store a test opens by a file path is in server mode
    (``DASHBOARD_CATALOG``'s PostgreSQL catalog and a data folder), one database per path;
    a removed store is a new empty database when it is opened again."""
    if request.config.getoption("--store") != "server":
        yield
        return
    _SERVER.append(request.getfixturevalue("postgres"))
    remove = session.remove_store

    def removing(target: Path) -> None:
        _SERVER_DATABASES.pop(str(Path(target).resolve()), None)
        remove(target)

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(db, "locate", _server_location)
        monkeypatch.setattr(session, "remove_store", removing)
        yield
    _SERVER.clear()


PROBLEMS = FIXTURES / "with-problems"
DEMO_BRA = ROOT / "data" / "demo" / "bra"


def copy_store(source: Path, target: Path) -> Path:
    """A copy of a store (its catalog file, the catalog's write-ahead log and its data
    folder), for tests that write, or that read what a server wrote."""
    import shutil
    import sqlite3

    if _SERVER:  # server mode (--store server): a copy of the source's database
        address = _server_location(source).catalog.removeprefix("postgres:")
        copy = _SERVER[0].copy_database(address)  # type: ignore[attr-defined]
        _SERVER_DATABASES[str(target.resolve())] = copy
    else:
        with sqlite3.connect(source) as catalog, sqlite3.connect(target) as copy:
            catalog.backup(copy)  # consistent even while a server writes
        os.chmod(target, 0o600)
    files = source.with_name(source.name + ".files")
    if files.exists():
        shutil.copytree(files, target.with_name(target.name + ".files"))
    return target


def _pin(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """A home folder of the test's own, no accounts file, no secrets, a store of its own,
    whatever the developer's machine holds (an accounts file in ~/.config, a
    .streamlit/secrets.toml, DASHBOARD_* or STREAMLIT_* variables)."""
    home.mkdir(parents=True, exist_ok=True)
    for name in [n for n in os.environ if n.startswith(("DASHBOARD_", "STREAMLIT_"))]:
        if name != "DASHBOARD_SCREENSHOTS":
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("DASHBOARD_USERS", str(home / "users.json"))
    monkeypatch.setenv("DASHBOARD_DB", str(home / "dashboard.sqlite"))
    monkeypatch.setenv("DASHBOARD_STAGING", str(home / "staging"))
    monkeypatch.setenv("STREAMLIT_SECRETS_FILES", str(home / "secrets.toml"))
    # Stored indicator results are refreshed only by the tests of them (tests/indicators/
    # test_results.py, tests/service/test_results.py): elsewhere a refresh after every load
    # would compute every indicator in the background of each test.
    monkeypatch.setenv("DASHBOARD_RESULTS", "off")


@pytest.fixture(scope="session", autouse=True)
def hermetic_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Pinned for the whole session too, so module- and session-scoped fixtures (a server
    started once for a module's browser tests) see the same clean environment."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        _pin(monkeypatch, tmp_path_factory.mktemp("session-home"))
        yield


@pytest.fixture(autouse=True)
def hermetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test runs pinned to a home folder of its own (see ``_pin``), as a client on
    this computer with no cookies: AppTest's stand-in connection gives mocks, not the None a
    loopback client has (demo mode refuses anything else) and not a browser's cookies."""
    _pin(monkeypatch, tmp_path / "home")
    monkeypatch.setattr(ContextProxy, "ip_address", property(lambda self: None))
    monkeypatch.setattr(ContextProxy, "cookies", property(lambda self: {}))
    yield
    release_store()


@contextmanager
def accounts_in(path: Path | str) -> Iterator[UserStore]:
    """The accounts of the store at ``path`` (":memory:" for a store of its own), to set up
    a test's accounts; the store is let go of at the end of the block."""
    con = open_store(path)
    try:
        yield UserStore(lambda: db.cursor(con))
    finally:
        con.close()


def release_store() -> None:
    """Let go of every store file the pages opened (to read what they wrote, or to remove
    it) and forget every cached view."""
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()
    session.close_all()
    readmodel.clear_all()


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


_READERS: dict[str, tuple[duckdb.DuckDBPyConnection, object]] = {}


def reading(path: Path) -> duckdb.DuckDBPyConnection:
    """A cursor on an in-memory copy of the store at ``path``, for tests that only read it (a
    query on the lake itself pays its catalog each time, see store/replica.py); one copy per
    store for the whole session. What a test writes here is not kept: copy the store."""
    from store.replica import Replica

    if str(path) not in _READERS:
        con = open_store(path)
        _READERS[str(path)] = (con, Replica(con, fixed=True))
    return _READERS[str(path)][1].cursor()  # type: ignore[attr-defined]


@pytest.fixture
def demo_store(demo_db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The demo store, read only (see ``reading``)."""
    cursor = reading(demo_db_path)
    yield cursor
    cursor.close()


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A PostgreSQL server for the session (see tests/postgres.py), in a folder of its own
    directly under the temporary folder (pytest's are closed to other users, and the server
    may run as the postgres user); removed afterwards."""
    import shutil
    import tempfile

    from tests.postgres import postgres_server

    folder = Path(tempfile.mkdtemp(prefix="dashboard-pg-"))
    try:
        with postgres_server(folder) as server:
            yield server
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["embedded", "server"])
def store_mode(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """Run the test on the embedded store and again on a PostgreSQL catalog (a new database
    and data folder of its own): the environment is set for the test and its subprocesses."""
    if request.param == "server":
        server = request.getfixturevalue("postgres")
        monkeypatch.setenv("DASHBOARD_CATALOG", server.new_database())  # type: ignore[attr-defined]
        monkeypatch.setenv("DASHBOARD_DATA_PATH", str(tmp_path / "shared-data"))
    return str(request.param)
