"""The front gate (web/gate.py) in front of a stand-in for Streamlit: security headers,
the metrics closed, demo mode for this computer only, and local accounts' sign-in page and
session cookie (deep link kept, reload and new tab signed in, sign-out ends every session,
throttling per client address, no redirect to another host)."""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket, WebSocketDisconnect

from access.sessions import SessionClock
from access.throttle import Throttle
from access.users import UserStore
from service import accounts
from service.session import open_store
from store import audit, db
from web import gate

PASSWORD = "rätt-lösenord-1"
LOCAL = ("127.0.0.1", 50000)


async def _streamlit(request: Request) -> PlainTextResponse:
    return PlainTextResponse(f"streamlit {request.url.path}")


async def _stream(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text("ansluten")
    await websocket.close()


def _app() -> Starlette:
    return Starlette(
        routes=[
            *gate.routes(),
            WebSocketRoute("/_stcore/stream", _stream),
            Route("/{rest:path}", _streamlit),
        ],
        middleware=[Middleware(gate.Gate)],
    )


@pytest.fixture
def con(monkeypatch: pytest.MonkeyPatch) -> Iterator[duckdb.DuckDBPyConnection]:
    store = open_store(":memory:")
    monkeypatch.setattr(gate.session, "write_cursor", lambda: db.cursor(store))
    monkeypatch.setattr(accounts, "users", lambda con=None: UserStore(lambda: db.cursor(store)))
    monkeypatch.setattr(accounts, "THROTTLE", Throttle())
    yield store
    store.close()


@pytest.fixture
def anna(con: duckdb.DuckDBPyConnection) -> UserStore:
    users = accounts.users()
    users.add("anna", "rapportör", PASSWORD)
    return users


def _client(host: tuple[str, int] = LOCAL) -> TestClient:
    return TestClient(_app(), client=host, follow_redirects=False)


def _sign_in(client: TestClient, name: str, password: str, target: str = "/") -> object:
    form = client.get("/inloggning", params={"nasta": target})
    token = form.text.split('name="formular" value="')[1].split('"')[0]
    return client.post(
        "/inloggning",
        params={"nasta": target},
        data={"formular": token, "namn": name, "losenord": password},
    )


def _audit(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """Oldest first."""
    rows = audit.entries(con)
    return list(zip(rows["who"], rows["what"], strict=True))[::-1]


def test_every_answer_has_the_security_headers_and_the_metrics_are_closed(con) -> None:  # type: ignore[no-untyped-def]
    client = _client()
    answer = client.get("/")
    assert answer.status_code == 200 and answer.text == "streamlit /"
    assert answer.headers["x-frame-options"] == "DENY"
    policy = answer.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers.get_list("x-frame-options") == ["DENY"]  # once, not twice
    for path in ("/_stcore/metrics", "/_stcore/metrics/", "/_stcore/metrics?families=x"):
        closed = client.get(path)
        assert closed.status_code == 404 and "Sidan finns inte" in closed.text
        assert closed.headers["x-frame-options"] == "DENY"


def test_demo_mode_serves_only_a_direct_client_on_this_computer(con) -> None:  # type: ignore[no-untyped-def]
    assert _client().get("/oversikt").status_code == 200
    for headers in ({"X-Forwarded-For": "10.1.2.3"}, {"Forwarded": "for=10.1.2.3"},
                    {"X-Real-IP": "10.1.2.3"}):  # fmt: skip
        refused = _client().get("/oversikt", headers=headers)
        assert refused.status_code == 403
        assert "Inloggning är inte inställd" in refused.text
        assert "python -m store users add" in refused.text
    remote = _client(("10.1.2.3", 40000))
    assert remote.get("/").status_code == 403
    with (
        pytest.raises(WebSocketDisconnect) as closed,
        remote.websocket_connect("/_stcore/stream") as ws,
    ):
        ws.receive_text()
    assert closed.value.code == 4401
    with _client().websocket_connect("/_stcore/stream") as ws:
        assert ws.receive_text() == "ansluten"


@pytest.mark.slow
def test_a_deep_link_survives_sign_in_and_the_cookie_keeps_the_user_signed_in(con, anna) -> None:  # type: ignore[no-untyped-def]
    client = _client()
    asked = client.get("/indikator?id=unga_oro&omrade=0180", headers={"accept": "text/html"})
    assert asked.status_code == 303
    assert (
        asked.headers["location"]
        == "/inloggning?nasta=%2Findikator%3Fid%3Dunga_oro%26omrade%3D0180"
    )
    form = client.get(asked.headers["location"])
    assert form.status_code == 200 and "Logga in för att se sidan du bad om." in form.text
    assert form.headers["cache-control"] == "no-store"

    wrong = _sign_in(client, "anna", "fel-lösenord", "/indikator?id=unga_oro&omrade=0180")
    assert wrong.status_code == 401
    assert "Fel namn eller lösenord" in wrong.text and accounts.SESSION_COOKIE not in client.cookies
    right = _sign_in(client, "anna", PASSWORD, "/indikator?id=unga_oro&omrade=0180")
    assert right.status_code == 303
    assert right.headers["location"] == "/indikator?id=unga_oro&omrade=0180"
    cookie = right.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Max-Age=36000" in cookie  # DASHBOARD_SESSION_HOURS, 10 by default

    # A reload, another page and the live connection: signed in, no form.
    assert client.get("/indikator?id=unga_oro&omrade=0180").text == "streamlit /indikator"
    assert client.get("/logg").text == "streamlit /logg"
    with client.websocket_connect("/_stcore/stream") as ws:
        assert ws.receive_text() == "ansluten"
    # The sign-in page, asked for again, goes straight on.
    again = client.get("/inloggning", params={"nasta": "/logg"})
    assert again.status_code == 303 and again.headers["location"] == "/logg"
    # A new tab (another client with the same cookie) is signed in too.
    tab = _client()
    tab.cookies.set(accounts.SESSION_COOKIE, client.cookies[accounts.SESSION_COOKIE])
    assert tab.get("/jamfor").status_code == 200
    assert _audit(con)[-2:] == [("anna", "misslyckad inloggning"), ("anna", "inloggning")]


def test_without_a_session_nothing_but_the_sign_in_page_answers(con, anna) -> None:  # type: ignore[no-untyped-def]
    client = _client()
    for path in ("/_stcore/upload_file/x/y", "/media/abc.png", "/_stcore/host-config"):
        assert client.get(path).status_code == 401, path
    assert client.post("/oversikt").status_code == 401
    assert client.get("/_stcore/health").status_code == 200  # a load balancer's check
    assert client.get("/static/js/index.js").status_code == 200  # the app's own scripts
    with (
        pytest.raises(WebSocketDisconnect) as closed,
        client.websocket_connect("/_stcore/stream") as ws,
    ):
        ws.receive_text()
    assert closed.value.code == 4401


@pytest.mark.slow
def test_sign_out_ends_every_session_of_the_account(con, anna) -> None:  # type: ignore[no-untyped-def]
    office, home = _client(), _client()
    _sign_in(office, "anna", PASSWORD)
    _sign_in(home, "anna", PASSWORD)
    assert office.get("/logg").status_code == 200 and home.get("/logg").status_code == 200
    accounts.sign_out(con, "anna")
    for client in (office, home):
        refused = client.get("/logg", headers={"accept": "text/html"})
        assert refused.status_code == 303 and refused.headers["location"].startswith("/inloggning")
    assert _audit(con)[-1] == ("anna", "utloggning")
    # Signing in again gives a new, working session.
    _sign_in(office, "anna", PASSWORD)
    assert office.get("/logg").status_code == 200


@pytest.mark.slow
def test_a_disabled_account_a_new_password_or_a_forged_cookie_ends_the_session(con, anna) -> None:  # type: ignore[no-untyped-def]
    client = _client()
    _sign_in(client, "anna", PASSWORD)
    cookie = client.cookies[accounts.SESSION_COOKIE]
    assert accounts.session_of(cookie) is not None
    body, signature = cookie.split(".")
    assert accounts.session_of(f"{body}.{signature[:-2]}AA") is None
    forged = base64.urlsafe_b64encode(
        base64.urlsafe_b64decode(body + "==").replace(b'"e":0', b'"e":1')
    ).rstrip(b"=")
    assert forged.decode() != body
    assert accounts.session_of(forged.decode() + "." + signature) is None
    anna.reset_password("anna", "ett-nytt-lösenord")
    assert accounts.session_of(cookie) is None
    _sign_in(client, "anna", "ett-nytt-lösenord")
    cookie = client.cookies[accounts.SESSION_COOKIE]
    assert accounts.session_of(cookie) is not None
    anna.disable("anna")
    assert accounts.session_of(cookie) is None
    refused = client.get("/logg", headers={"accept": "text/html"})
    assert refused.status_code == 303 and refused.headers["location"] == "/inloggning?nasta=%2Flogg"


def test_an_expired_session_is_refused(con, anna, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    client = _client()
    _sign_in(client, "anna", PASSWORD)
    cookie = client.cookies[accounts.SESSION_COOKIE]
    real = accounts.time.time
    monkeypatch.setattr(accounts.time, "time", lambda: real() + 10 * 3600 + 1)
    assert accounts.session_of(cookie) is None


@pytest.mark.slow
def test_sign_in_goes_back_only_to_a_page_of_this_site(con, anna) -> None:  # type: ignore[no-untyped-def]
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"):
        answer = _sign_in(_client(), "anna", PASSWORD, target)
        assert answer.headers["location"] == "/", target
    assert gate.safe_next("/anmalda-brott?ar=2023") == "/anmalda-brott?ar=2023"
    assert gate.safe_next("/inloggning?nasta=/x") == "/"


def test_a_form_without_its_token_is_refused(con, anna) -> None:  # type: ignore[no-untyped-def]
    client = _client()
    answer = client.post(
        "/inloggning", data={"namn": "anna", "losenord": PASSWORD, "formular": "x" * 32}
    )
    assert answer.status_code == 400 and "Formuläret hade gått ut" in answer.text
    assert accounts.SESSION_COOKIE not in client.cookies
    big = client.post("/inloggning", content=b"namn=" + b"a" * 20_000,
                      headers={"content-type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert big.status_code == 413


@pytest.mark.slow
def test_refused_sign_ins_are_throttled_per_client_address(
    con, anna, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(accounts, "THROTTLE", Throttle(limit=3))
    guesser = _client(("10.9.9.9", 1234))
    guesser.get("/inloggning")  # a form token
    for name in ("bertil", "cecilia", "david"):  # different names: no account lockout
        assert _sign_in(guesser, name, "gissning-1").status_code == 401
    stopped = _sign_in(guesser, "anna", PASSWORD)
    assert stopped.status_code == 429
    assert "För många misslyckade inloggningar från den här datorn" in stopped.text
    assert "Försök igen om 15 minuter" in stopped.text
    assert accounts.SESSION_COOKIE not in guesser.cookies
    # Another computer is not affected, and a right password is not counted.
    colleague = _client(("10.9.9.10", 1234))
    assert _sign_in(colleague, "anna", PASSWORD).status_code == 303
    assert ("(okänt namn)", "inloggning stoppad") not in _audit(con)
    assert ("anna", "inloggning stoppad") in _audit(con)


def test_inactivity_ends_that_sign_in_only(con, anna, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """After DASHBOARD_IDLE_MINUTES without a request the gate sends the browser to sign in
    again and logs why, once; the same user's other browser, still active, goes on."""
    now = [accounts.time.time()]
    monkeypatch.setattr(accounts, "CLOCK", SessionClock(lambda: now[0]))
    idle, busy = _client(), _client()
    _sign_in(idle, "anna", PASSWORD)
    _sign_in(busy, "anna", PASSWORD)
    assert idle.get("/logg").status_code == 200 and busy.get("/logg").status_code == 200
    for _ in range(3):  # the other browser stays active, 20 minutes apart
        now[0] += 20 * 60
        assert busy.get("/logg").status_code == 200
    refused = idle.get("/logg", headers={"accept": "text/html"})
    assert refused.status_code == 303 and refused.headers["location"] == "/inloggning?nasta=%2Flogg"
    assert idle.get("/logg", headers={"accept": "text/html"}).status_code == 303
    assert busy.get("/logg").status_code == 200
    assert _audit(con).count(("anna", "utloggad: ingen aktivitet på en stund")) == 1


def test_a_form_with_too_many_fields_is_a_swedish_400_with_the_headers(con) -> None:  # type: ignore[no-untyped-def]
    client = _client()
    answer = client.post("/inloggning", content=b"a=1&" * 11,
                         headers={"content-type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert answer.status_code == 400
    assert "Formuläret innehöll fält det inte har." in answer.text
    assert answer.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]


@pytest.mark.slow
def test_a_forwarded_address_is_trusted_only_behind_a_declared_proxy(
    con, anna, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """uvicorn takes the client's address from X-Forwarded-For for a request from this
    computer; a local client choosing a new address per guess still meets the throttle."""
    monkeypatch.setattr(accounts, "THROTTLE", Throttle(limit=3))
    local = _client()
    for n in range(3):
        local.headers["x-forwarded-for"] = f"10.0.0.{n}"
        assert _sign_in(local, f"namn{n}", "gissning-1").status_code == 401
    local.headers["x-forwarded-for"] = "10.0.0.99"
    assert _sign_in(local, "anna", PASSWORD).status_code == 429
    # Behind the documented nginx (DASHBOARD_TRUST_PROXY=1) each client has its own count.
    monkeypatch.setenv("DASHBOARD_TRUST_PROXY", "1")
    monkeypatch.setattr(accounts, "THROTTLE", Throttle(limit=3))
    proxied = _client(("10.0.0.7", 1))
    proxied.headers["x-forwarded-for"] = "10.0.0.7"
    for n in range(3):
        assert _sign_in(proxied, f"namn{n}", "gissning-1").status_code == 401
    other = _client(("10.0.0.8", 1))
    other.headers["x-forwarded-for"] = "10.0.0.8"
    assert _sign_in(other, "anna", PASSWORD).status_code == 303


def test_the_gate_reads_cookies_as_streamlit_does_and_signatures_exactly(con, anna) -> None:  # type: ignore[no-untyped-def]
    client = _client()
    _sign_in(client, "anna", PASSWORD)
    cookie = client.cookies[accounts.SESSION_COOKIE]
    assert accounts.session_of(cookie + "=") is None  # decodes alike, but is not the signature
    # A header where a quoted value hides a second, empty session cookie: Streamlit's parser
    # takes the empty one, and so does the gate (it would otherwise let in a page that then
    # finds no session).
    odd = _client()
    header = f'{accounts.SESSION_COOKIE}={cookie}; a="x; {accounts.SESSION_COOKIE}=; b=c"'
    assert (
        gate.cookies_of({"type": "http", "headers": [(b"cookie", header.encode())]}).get(
            accounts.SESSION_COOKIE
        )
        == ""
    )
    refused = odd.get("/logg", headers={"cookie": header, "accept": "text/html"})
    assert refused.status_code == 303


async def _index(request: Request) -> Response:
    """Streamlit's own index.html, compressed when the browser accepts it, as Streamlit
    answers a page."""
    page = (Path(st.__file__).parent / "static" / "index.html").read_bytes()
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(gzip.compress(page), media_type="text/html",
                        headers={"content-encoding": "gzip"})  # fmt: skip
    return Response(page, media_type="text/html")


def test_every_page_is_swedish_with_the_script_that_translates_streamlits_texts(con) -> None:  # type: ignore[no-untyped-def]
    """A page says it is Swedish (lang="sv") and loads web/svenska.js from this site (the
    browser tier's test_swedish_tree checks what it does); other answers pass untouched."""
    app = Starlette(
        routes=[*gate.routes(), Route("/{rest:path}", _index)],
        middleware=[Middleware(gate.Gate)],
    )
    client = TestClient(app, client=LOCAL, follow_redirects=False)
    for path in ("/", "/indikator", "/moteslage?omrade=jarva"):
        page = client.get(path, headers={"Accept": "text/html", "Accept-Encoding": "gzip"})
        assert page.status_code == 200
        assert '<html lang="sv">' in page.text and 'lang="en"' not in page.text
        assert f'<script src="{gate.SWEDISH_SCRIPT}"></script>' in page.text
        assert int(page.headers["content-length"]) == len(page.content)
    script = client.get(gate.SWEDISH_SCRIPT)
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert '"Skip to main content": "Hoppa till huvudinnehållet"' in script.text
    # A script or an image is not a page: it passes as Streamlit sent it (compressed).
    other = client.get("/static/app.js", headers={"Accept": "*/*", "Accept-Encoding": "gzip",
                                                   "Sec-Fetch-Dest": "script"})  # fmt: skip
    assert other.headers.get("content-encoding") == "gzip"
    assert '<html lang="en">' in other.text and gate.SWEDISH_SCRIPT not in other.text
