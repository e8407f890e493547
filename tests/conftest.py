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
from service import readmodel, session  # noqa: E402
from service.session import open_store  # noqa: E402
from store import db  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
# The tests that run a second time on PostgreSQL catalogs (``--store server``): those whose
# behaviour can differ there (docs/store.md says why each): the store itself, writes and
# their transactions, export and import, the read copy, loads, meetings, concurrency and
# accounts. Pages, indicators and documents read through the same in-memory copy in both modes.
SERVER_PASS = (
    "store/",  # the catalog, snapshots, audit, transfer, meetings, the read copy's changes
    "access/",  # accounts, sessions and the installation's key are kept in the store
    "service/test_guarded_writes.py",  # role, rule, one transaction, audit
    "service/test_followup.py",  # actions, notes and assessments written
    "service/test_district_reports.py",  # reports' versions written, reviewed, frozen
    "service/test_readmodel.py",  # versions read from the catalog
    "service/test_results_refresh.py",  # results written after a load
    "service/test_staging.py",  # uploads staged and loaded
    "indicators/test_results.py",  # stored results: written, read, stale after a write
    "loaders/test_cli.py",  # loads, undo, batches
    "loaders/test_polisen_fetch.py",  # the fetch's incremental writes
    "loaders/test_survey_upload.py",  # uploads loaded and undone
    "attack/test_accounts.py",  # accounts under attack
    "attack/test_double_confirm.py",  # two writes at once
    "attack/test_isolation.py",  # one district's writes
    "attack/test_storage_errors.py",  # a store that fails mid-write
    "attack/test_cli_errors.py",  # every command's failures
    "app/test_meetings_page.py",  # meetings saved and opened from the pages
    "app/test_data_status_loads.py",  # loads and undo from the page
    "app/test_signin.py",  # sign-in against accounts in the store
    "web/test_gate_audit.py",  # sign-in events through the gate, in the store
)


def in_server_pass(item: pytest.Item) -> bool:
    where = Path(str(item.fspath)).relative_to(ROOT / "tests").as_posix()
    return any(where == p or (p.endswith("/") and where.startswith(p)) for p in SERVER_PASS)


# In that pass, the PostgreSQL database each store file stands for (see ``server_stores``).
_SERVER_DATABASES: dict[str, str] = {}
_SERVER: list[object] = []


# The tiers (markers in pyproject.toml). ``python -m pytest`` runs the fast tier: every test
# that is none of these; ``--all`` runs them all and ``--skip TIER`` leaves one out on purpose.
TIERS = ("slow", "browser", "postgres")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--all",
        action="store_true",
        help="run every tier (slow, browser, postgres), not only the fast one",
    )
    parser.addoption(
        "--skip",
        action="append",
        default=[],
        choices=TIERS,
        help="leave a tier out on purpose (repeatable); the summary says what was left out",
    )
    parser.addoption(
        "--store",
        choices=("embedded", "server"),
        default="embedded",
        help="server: run the tests of the store, loaders, indicators, service, pages and "
        "reports with every store they open by a file path in server mode, on a PostgreSQL "
        "catalog of its own (tests that start other processes, check the embedded store's "
        "files or already run in both modes are left out)",
    )


def _tiers_left_out(config: pytest.Config) -> tuple[set[str], str]:
    """The tiers this run leaves out, and why: the fast tier by default (no ``--all``, no
    ``-m`` and no single test file named), and whatever ``--skip`` names."""
    skip = set(config.getoption("--skip"))
    named_files = any(Path(a.split("::")[0]).suffix == ".py" for a in config.args)
    if config.getoption("--all") or config.getoption("-m") or named_files:
        return skip, "--skip"
    return set(TIERS), "the fast tier (python -m pytest --all runs every tier)"


def _mark_tiers(item: pytest.Item, server_pass: bool) -> None:
    """Tier markers that follow from where a test is and what it uses: tests/e2e drive a
    browser; a test on a PostgreSQL catalog (the server variant of ``store_mode``, the
    ``postgres`` fixture, or any test of the server-mode pass) needs the server."""
    parts = Path(str(item.fspath)).relative_to(ROOT / "tests").parts
    if parts[0] == "e2e":
        item.add_marker(pytest.mark.browser)
    params = getattr(getattr(item, "callspec", None), "params", {})
    if server_pass or params.get("store_mode") == "server" or "postgres" in item.fixturenames:
        item.add_marker(pytest.mark.postgres)


_LEFT_OUT: dict[str, int] = {}  # tier → tests left out
_WHY: list[str] = []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    server_pass = config.getoption("--store") == "server"
    for item in items:
        _mark_tiers(item, server_pass)
    tiers, why = _tiers_left_out(config)
    kept, left_out = [], []
    for item in items:
        out = [t for t in TIERS if t in tiers and item.get_closest_marker(t) is not None]
        if server_pass:
            out = [t for t in out if t != "postgres"]  # the pass is for them
        if out:
            _LEFT_OUT[out[0]] = _LEFT_OUT.get(out[0], 0) + 1
            left_out.append(item)
            continue
        if server_pass:
            embedded = item.get_closest_marker("embedded_only") is not None
            both = "store_mode" in getattr(item, "fixturenames", ())
            if not in_server_pass(item) or embedded or both:
                _LEFT_OUT["embedded-only"] = _LEFT_OUT.get("embedded-only", 0) + 1
                left_out.append(item)
                continue
        kept.append(item)
    _WHY[:] = [why]
    config.hook.pytest_deselected(items=left_out)
    items[:] = kept


_MISSING: dict[str, str] = {}  # tier → the line that says what to install


def pytest_collection_finish(session: pytest.Session) -> None:
    """Stop at once, with the command that installs it, when a selected test needs a tool
    this machine lacks: a run never turns green with browser or server tests skipped. (In a
    worker of pytest-xdist, which cannot stop the run, each such test fails with that line.)"""
    from tests import system

    needed = [t for t in system.TIERS if any(i.get_closest_marker(t) for i in session.items)]
    lacking = system.missing(needed)
    message = system.message(lacking, needed) if lacking else None
    if "browser" in needed and "chromium" not in lacking:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            message = "Missing Playwright: pip install -r requirements-dev.lock"
            lacking.append("chromium")
    if message is None:
        return
    if not hasattr(session.config, "workerinput"):  # not a pytest-xdist worker
        pytest.exit(message, returncode=2)
    for tier in needed:
        if set(system.TIERS[tier]) & set(lacking):
            _MISSING[tier] = message


def pytest_runtest_setup(item: pytest.Item) -> None:
    for tier, message in _MISSING.items():
        if item.get_closest_marker(tier) is not None:
            pytest.fail(message, pytrace=False)


class _Workers:
    """With pytest-xdist: the controller's summary of what the workers left out."""

    @staticmethod
    def pytest_testnodedown(node: object, error: object) -> None:
        output = getattr(node, "workeroutput", {})
        if "left_out" in output:
            counts, why = output["left_out"]
            _LEFT_OUT.update(counts)  # every worker collects every test: one is enough
            _WHY[:] = [why]


def pytest_configure(config: pytest.Config) -> None:
    if config.pluginmanager.hasplugin("xdist") and not hasattr(config, "workerinput"):
        config.pluginmanager.register(_Workers(), "dashboard-workers")


def pytest_sessionfinish(session: pytest.Session) -> None:
    output = getattr(session.config, "workeroutput", None)
    if output is not None:  # a pytest-xdist worker: tell the controller
        output["left_out"] = (dict(_LEFT_OUT), _WHY[0] if _WHY else "")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say which tiers were left out, how many tests each, and why."""
    listed = ", ".join(f"{_LEFT_OUT[t]} {t}" for t in TIERS if t in _LEFT_OUT)
    if listed and _WHY:
        terminalreporter.write_line(f"Left out: {listed} tests — {_WHY[0]}")
    if "embedded-only" in _LEFT_OUT:
        terminalreporter.write_line(
            f"Server-mode pass: {_LEFT_OUT['embedded-only']} tests left to the embedded pass "
            "(their behaviour cannot differ on a PostgreSQL catalog; docs/store.md)"
        )


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


_SESSION_TMP: list[Path] = []


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
    # The extensions DuckDB verified (store.db.VERIFIED_FILE_ENV): one record for the whole
    # session (its temporary folder), checked once rather than in every test's home.
    monkeypatch.setenv(db.VERIFIED_FILE_ENV, str(_SESSION_TMP[0] / "verified-extensions.json"))
    # Stored indicator results are refreshed only by the tests of them (tests/indicators/
    # test_results.py, tests/service/test_results.py): elsewhere a refresh after every load
    # would compute every indicator in the background of each test.
    monkeypatch.setenv("DASHBOARD_RESULTS", "off")


@pytest.fixture(scope="session", autouse=True)
def hermetic_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Pinned for the whole session too, so module- and session-scoped fixtures (a server
    started once for a module's browser tests) see the same clean environment."""
    _SESSION_TMP[:] = [tmp_path_factory.getbasetemp()]
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


def release_store(keep: set[str] | frozenset[str] | None = None) -> None:
    """Let go of every store file the pages opened (to read what they wrote, or to remove
    it) and forget its cached views; the stores in ``keep`` (by default the shared ones no
    test writes) stay open with their read copies and views, as a running dashboard keeps
    them. ``keep=frozenset()`` lets go of everything (a test of a cold start)."""
    import streamlit as st

    keep = SHARED if keep is None else keep
    st.cache_resource.clear()
    st.cache_data.clear()
    session.close_all(keep=keep)
    readmodel.clear_all(keep=keep)


@pytest.fixture
def store() -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_store(":memory:")
    yield con
    con.close()


# Stores that tests only read: their connections, read copies and cached views are kept
# from one test to the next, as a running dashboard keeps them (see ``hermetic``).
SHARED: set[str] = set()


def build_demo(path: Path) -> Path:
    """A store at ``path`` made by the command line as an administrator makes one (``python -m
    store init``, then ``init --demo``; what they printed is kept in ``init.out`` beside it for
    tests/loaders/test_cli.py), with its indicator results computed and stored, as the
    dashboard has them after its first start."""
    import contextlib
    import io

    from catalogue.catalogue import load_catalogue
    from cli.loaders import main as loaders_main
    from cli.store import main as store_main
    from indicators import results

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert store_main(["init", "--db", str(path)]) == 0
        assert loaders_main(["batches", "--db", str(path)]) == 0
        assert store_main(["init", "--demo", "--db", str(path)]) == 0
    path.with_name("init.out").write_text(out.getvalue(), encoding="utf-8")
    con = open_store(path)
    try:
        results.refresh(db.cursor(con), con, load_catalogue())
    finally:
        con.close()
    return path


@pytest.fixture(scope="session")
def demo_db_path(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """The demo store with its results stored, built once per test session and only read
    (a test that writes copies it: ``copy_store``). Parallel workers (pytest-xdist) share one:
    the first builds it under a lock in their common temporary folder."""
    import fcntl

    if not hasattr(request.config, "workerinput") or _SERVER:
        path = build_demo(tmp_path_factory.mktemp("demo") / "demo.duckdb")
    else:
        folder = tmp_path_factory.getbasetemp().parent / "shared-demo"
        folder.mkdir(exist_ok=True)
        path = folder / "demo.duckdb"
        with (folder / "lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (folder / "built").exists():
                build_demo(path)
                (folder / "built").touch()
    SHARED.update({str(path), str(path.resolve())})
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
