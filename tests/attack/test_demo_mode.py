"""Demo mode (no sign-in configured) fails closed: only a client on this computer that came
straight, not through a proxy, gets the dashboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.runtime.context import ContextProxy
from streamlit.testing.v1 import AppTest

from service.accounts import DEMO_REFUSED, demo_allowed
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("ip", "headers", "allowed"),
    [
        (None, {}, True),
        (None, {"Host": "localhost:8501", "User-Agent": "x"}, True),
        ("192.168.1.20", {}, False),
        (None, {"X-Forwarded-For": "203.0.113.7"}, False),
        (None, {"forwarded": "for=203.0.113.7"}, False),
        (None, {"X-Real-IP": "203.0.113.7"}, False),
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
    from service.views import plain

    name = "![x](http://example.invalid/a.png) :red[Anna] **B**"
    escaped = plain(name)
    assert "![" not in escaped and "](" not in escaped and ":red[" not in escaped
    assert escaped.replace("\\", "") == name  # shown literally
