"""Demo mode (no sign-in configured) fails closed: only a client on this computer that came
straight, not through a proxy, gets the dashboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.runtime.context import ContextProxy
from streamlit.testing.v1 import AppTest

from service.accounts import (
    DEMO_REFUSED,
    REAL_DATA_REFUSED,
    REAL_DATA_WARNING,
    SERVER_REFUSED,
    demo_allowed,
)
from tests.conftest import ROOT, copy_store, release_store


@pytest.mark.parametrize(
    ("ip", "headers", "allowed"),
    [
        (None, {}, True),
        (None, {"Host": "localhost:8501", "User-Agent": "x"}, True),
        ("192.168.1.20", {}, False),
        (None, {"X-Forwarded-For": "203.0.113.7"}, False),
        (None, {"forwarded": "for=203.0.113.7"}, False),
        (None, {"X-Real-IP": "203.0.113.7"}, False),
        # Every header a proxy may add (issue 34: these passed before).
        (None, {"Via": "1.1 proxy.example"}, False),
        (None, {"X-Original-URL": "/"}, False),
        (None, {"X-Original-Forwarded-For": "203.0.113.7"}, False),
        (None, {"x-forwarded-proto": "https"}, False),
        (None, {"X-Forwarded-Port": "443"}, False),
        (None, {"True-Client-IP": "203.0.113.7"}, False),
        (None, {"CF-Connecting-IP": "203.0.113.7"}, False),
    ],
)
def test_the_rule(ip: str | None, headers: dict[str, str], allowed: bool) -> None:
    assert demo_allowed(ip, headers) is allowed


@pytest.mark.slow
def test_a_request_through_a_proxy_gets_the_refusal_page(
    demo_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_DB", str(demo_db_path))
    monkeypatch.setattr(
        ContextProxy, "headers", property(lambda self: {"X-Forwarded-For": "203.0.113.7"})
    )
    at = AppTest.from_file(str(ROOT / "main.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Inloggning krävs"
    assert at.error[0].value == DEMO_REFUSED
    assert not at.dataframe  # nothing of the data is shown


def test_a_client_on_another_computer_gets_the_refusal_page(
    demo_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_DB", str(demo_db_path))
    monkeypatch.setattr(ContextProxy, "ip_address", property(lambda self: "192.168.1.20"))
    at = AppTest.from_file(str(ROOT / "main.py"), default_timeout=60)
    at.run()
    assert at.title[0].value == "Inloggning krävs"


@pytest.mark.slow
def test_straight_from_this_computer_the_demo_opens(
    demo_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_DB", str(demo_db_path))
    at = AppTest.from_file(str(ROOT / "main.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Översikt"


def test_text_a_user_typed_is_never_markdown() -> None:
    from app_pages.views import plain

    name = "![x](http://example.invalid/a.png) :red[Anna] **B**"
    escaped = plain(name)
    assert "![" not in escaped and "](" not in escaped and ":red[" not in escaped
    assert escaped.replace("\\", "") == name  # shown literally


@pytest.mark.slow
def test_once_other_data_are_loaded_every_page_warns(
    demo_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a load of anyone else's the store may hold real data: demo mode says so on every
    page, with the way to sign-in and to remove the demo data (issue 34)."""
    from loaders import registry
    from service.session import open_store
    from tests.service.test_examples import _bra

    path = copy_store(demo_db_path, tmp_path / "store.sqlite")
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    at = AppTest.from_file(str(ROOT / "main.py"), default_timeout=120)
    at.run()
    assert REAL_DATA_WARNING not in [w.value for w in at.sidebar.warning]
    release_store(keep=frozenset())
    con = open_store(path)
    registry.load_file(con, "bra", _bra(tmp_path / "own.txt", [500, 501, 502]), loaded_by="anna")
    con.close()
    at = AppTest.from_file(str(ROOT / "main.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Översikt"
    assert REAL_DATA_WARNING in [w.value for w in at.sidebar.warning]


@pytest.mark.postgres
def test_a_servers_store_is_never_served_without_sign_in(  # type: ignore[no-untyped-def]
    postgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shared store (DASHBOARD_CATALOG) is a city's installation: without sign-in the page
    and the gate refuse it, straight from this computer too."""
    from starlette.testclient import TestClient

    from tests.web.test_gate import _app

    monkeypatch.setenv("DASHBOARD_CATALOG", postgres.new_database())
    monkeypatch.setenv("DASHBOARD_DATA_PATH", str(tmp_path / "data"))
    at = AppTest.from_file(str(ROOT / "main.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Inloggning krävs"
    assert at.error[0].value == SERVER_REFUSED
    assert not at.dataframe
    release_store(keep=frozenset())
    answer = TestClient(_app(), client=("127.0.0.1", 50000)).get("/")
    assert answer.status_code == 403 and "delad databas (serverläge" in answer.text
    release_store(keep=frozenset())


@pytest.mark.slow
def test_a_load_from_the_command_line_ends_demo_mode_for_good(
    demo_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file loaded from the command line (or a timer, or an account) is real data: demo mode
    then serves no one, straight from this computer neither, until sign-in is set up (issue
    34)."""
    from starlette.testclient import TestClient

    from tests import cli
    from tests.service.test_examples import _bra
    from tests.web.test_gate import _app

    path = copy_store(demo_db_path, tmp_path / "store.sqlite")
    done = cli.run("loaders", "load", "bra", str(_bra(tmp_path / "own.txt", [500, 501, 502])),
                   "--db", str(path))  # fmt: skip
    assert done.returncode == 0, done.stderr
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    at = AppTest.from_file(str(ROOT / "main.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Inloggning krävs"
    assert at.error[0].value == REAL_DATA_REFUSED
    assert not at.dataframe
    release_store(keep=frozenset())
    answer = TestClient(_app(), client=("127.0.0.1", 50000)).get("/")
    assert answer.status_code == 403 and "lästs in från kommandoraden" in answer.text
    release_store(keep=frozenset())
