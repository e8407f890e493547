"""The server's front gate, in front of every Streamlit route (an ASGI middleware of
``st.App``) and the sign-in pages it serves itself.

- Security headers on every answer: no framing (X-Frame-Options and CSP frame-ancestors), a
  Content-Security-Policy that allows this origin only, Referrer-Policy, nosniff.
- ``/_stcore/metrics`` is closed (it answers without sign-in and tells who uses what).
- Demo mode (no sign-in configured) serves only a client on this computer that came
  straight, not through a proxy; anything else gets a Swedish page saying how to configure
  sign-in.
- Local accounts: every route but the sign-in page, Streamlit's static files and the health
  check needs a valid session cookie (signed, expiring, ended everywhere at sign-out). A page
  asked for without one is sent to the sign-in page, which sends the user back to it.
- The identity provider (``[auth]`` in secrets.toml): Streamlit's own sign-in and cookie, the
  gate adds the headers and closes the metrics.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

import duckdb
import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from service import accounts, logs, open_data, session
from service.session import StoreError, redact
from web import pages

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

SIGN_IN = "/inloggning"
FORM_COOKIE = "samverkan_formular"
MAX_FORM_BYTES = 8_192
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
PUBLIC_PREFIXES = ("/static/",)
LOG = logging.getLogger(__name__)
HEALTH = {"/_stcore/health"}
SWEDISH_SCRIPT = "/svenska.js"
PUBLIC_PATHS = {SIGN_IN, "/favicon.png", SWEDISH_SCRIPT}
CLOSED_PATHS = ("/_stcore/metrics",)
API_PREFIX = "/api/"
# The indicator pages (web/indicator_pages.py): open as the open data is, else pages that need
# sign-in like every other.
INDICATOR_PAGES = "/indikatorer"
# Set on a request's scope when it comes from a signed-in session (or demo mode on this
# computer): the open data's routes then serve every source, not only the published ones.
SIGNED_IN = "samverkan_signed_in"


def _inline_script_hashes() -> list[str]:
    """CSP hashes of the inline scripts of Streamlit's own index.html (one line today), so
    the policy needs no 'unsafe-inline' for scripts."""
    index = Path(st.__file__).parent / "static" / "index.html"
    try:
        text = index.read_text(encoding="utf-8")
    except OSError:
        return []
    found = re.findall(r"<script>(.*?)</script>", text, flags=re.DOTALL)
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in found
    ]


def content_security_policy() -> str:
    scripts = " ".join(["'self'", *_inline_script_hashes()])
    return (
        "default-src 'self'; "
        f"script-src {scripts}; "
        "style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; "
        "font-src 'self' data:; "
        "connect-src 'self'; "
        "worker-src 'self' blob:; "
        "frame-src 'self'; "
        "object-src 'none'; "
        "base-uri 'self'; "
        "form-action 'self'; "
        "frame-ancestors 'none'"
    )


def security_headers() -> list[tuple[bytes, bytes]]:
    return [
        (b"content-security-policy", content_security_policy().encode()),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-content-type-options", b"nosniff"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]


def mode() -> str:
    """``oidc`` when [auth] is configured, ``local`` when the store has accounts, else
    ``demo``: the same choice the script makes."""
    try:
        if "auth" in st.secrets:
            return "oidc"
    except Exception:  # an unreadable secrets file: not configured
        pass
    return "local" if accounts.users().exists() else "demo"


def client_of(scope: Scope) -> str | None:
    """None for a loopback client (as ``st.context.ip_address`` says it), else its address."""
    client = scope.get("client")
    host = str(client[0]) if client else ""
    return None if host in LOOPBACK else host or "okänd"


def headers_of(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}


def cookies_of(scope: Scope) -> dict[str, str]:
    """The request's cookies parsed exactly as Streamlit parses them for ``st.context.cookies``
    (Starlette's parser), so the gate and the script always see the same session cookie."""
    return dict(HTTPConnection(scope).cookies)


def safe_next(target: str | None) -> str:
    """Where to go after sign-in: a path of this site only (no other host, no scheme)."""
    if not target or len(target) > 2000 or not target.startswith("/"):
        return "/"
    if target.startswith("//") or "\\" in target or target.startswith(SIGN_IN):
        return "/"
    return target


def _secure(scope: Scope) -> bool:
    return scope.get("scheme") in ("https", "wss")


class Gate:
    """The ASGI middleware (see the module docstring)."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app
        self.headers = security_headers()
        logs.configure()
        accounts.prepare()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", "/"))
        refusal = await run_in_threadpool(self.refusal, scope, path)
        if refusal is not None:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 4401})
                return
            await self.respond(refusal, scope, receive, send)
            return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return

        route = _route_cookie(scope)
        if _page_request(scope, path) and not path.startswith((API_PREFIX, INDICATOR_PAGES)):
            # A page: Streamlit's index.html, made Swedish (uncompressed, to be rewritten).
            scope = {**scope, "headers": [
                (k, v) for k, v in scope.get("headers", []) if k.lower() != b"accept-encoding"
            ]}  # fmt: skip
            send = swedish_page(send)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *(h for h in self.headers if h[0] not in present),
                    *([(b"set-cookie", route)] if route else []),
                ]
            await send(message)

        await self.app(scope, receive, with_headers)

    async def respond(self, response: Response, scope: Scope, receive: Receive, send: Send) -> None:
        for name, value in self.headers:
            response.headers.setdefault(name.decode(), value.decode())
        response.headers["cache-control"] = "no-store"
        await response(scope, receive, send)

    def refusal(self, scope: Scope, path: str) -> Response | None:
        """The answer instead of Streamlit's, or None to let the request through."""
        if any(path == p or path.startswith(p + "/") for p in CLOSED_PATHS):
            return HTMLResponse(pages.not_found(), status_code=404)
        if path in HEALTH:  # a load balancer's check, in every mode: "ok" only with a store
            problem = session.health_problem()
            if problem is None:
                return None  # Streamlit's own answer: "ok"
            return PlainTextResponse(f"not ok: {problem}", status_code=503)
        try:
            current = mode()
        except session.EarlierStoreError as exc:  # an upgrade over an earlier store
            return HTMLResponse(
                pages.earlier_store(str(exc.file), str(exc.earlier), session.way_over(exc)),
                status_code=503,
            )
        except (StoreError, duckdb.Error, OSError) as exc:
            # The store cannot be read now (its catalog or data folder): the Swedish page
            # that says so, for every request, until it can again (no restart needed).
            LOG.warning("store unavailable: %s", redact(str(exc)))
            return HTMLResponse(pages.outage(), status_code=503)
        api = path.startswith(API_PREFIX)
        sheet = path == INDICATOR_PAGES or path.startswith(INDICATOR_PAGES + "/")
        if current == "demo":
            refused = accounts.demo_refusal(client_of(scope), headers_of(scope))
            if refused is None:
                scope[SIGNED_IN] = True  # this computer, demo mode: everything, as the pages
                return None
            if (api or sheet) and open_data.open_without_sign_in():
                return None  # open data: the published sources, for anyone
            return HTMLResponse(pages.refused(refused), status_code=403)
        if sheet and current != "local" and not open_data.open_without_sign_in():
            # The identity provider's sign-in is Streamlit's: the dashboard's own page.
            return RedirectResponse("/indikator", status_code=303)
        if (api or sheet) and current != "local":
            # The identity provider's sign-in is Streamlit's own, checked by the pages: the
            # routes of the open data are served only when open, as open data.
            if open_data.open_without_sign_in():
                return None
            return _api_refusal()
        if current != "local" or path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
            return None
        found = accounts.session_of(cookies_of(scope).get(accounts.SESSION_COOKIE))
        if found is not None and accounts.still_active(found, session.write_cursor) is None:
            scope[SIGNED_IN] = True
            return None
        if api:
            return None if open_data.open_without_sign_in() else _api_refusal()
        if sheet and open_data.open_without_sign_in():
            return None
        if (
            scope["type"] == "http"
            and scope.get("method") == "GET"
            and not path.startswith(("/_stcore/", "/media/", "/component/"))
        ):
            target = path + (
                "?" + scope["query_string"].decode("latin-1") if scope.get("query_string") else ""
            )
            return RedirectResponse(f"{SIGN_IN}?nasta={quote(target, safe='')}", status_code=303)
        return Response(
            "Inloggning krävs.", status_code=401, media_type="text/plain; charset=utf-8"
        )


def swedish_index(html: bytes) -> bytes:
    """Streamlit's index.html in Swedish: the page's language and the script that puts
    Streamlit's and Plotly's own texts in Swedish (``web/svenska.js``)."""
    text = html.decode("utf-8")
    text = re.sub(r'<html lang="[^"]*"', '<html lang="sv"', text, count=1)
    text = text.replace("<head>", f'<head>\n    <script src="{SWEDISH_SCRIPT}"></script>', 1)
    return text.encode("utf-8")


def swedish_page(send: Send) -> Send:
    """A ``send`` that rewrites an HTML answer with :func:`swedish_index` (held until its
    last part; every other answer passes as it is)."""
    held: dict[str, Any] = {}
    body: list[bytes] = []

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = dict(message.get("headers", []))
            if b"text/html" in headers.get(b"content-type", b"") and not headers.get(
                b"content-encoding"
            ):
                held["start"] = message
                return
            await send(message)
            return
        if message["type"] == "http.response.body" and "start" in held:
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            page = swedish_index(b"".join(body))
            start = held.pop("start")
            start["headers"] = [
                *((k, v) for k, v in start.get("headers", []) if k.lower() not in (
                    b"content-length", b"etag")),
                (b"content-length", str(len(page)).encode()),
            ]  # fmt: skip
            await send(start)
            await send({"type": "http.response.body", "body": page})
            return
        await send(message)

    return sending


def _api_refusal() -> Response:
    return Response(
        '{"fel": "Inloggning krävs: öppna data är inte påslagna (DASHBOARD_OPEN_DATA)."}',
        status_code=401,
        media_type="application/json; charset=utf-8",
    )


ROUTE_COOKIE = "samverkan_route"


def _route_cookie(scope: Scope) -> bytes | None:
    """The Set-Cookie of the browser's route, when it has none yet: a random value that
    deploy/nginx.conf hashes to choose the instance, so the page, its live connection and its
    uploads reach the instance that holds the browser's session (issue 34: round robin sent
    uploads to the other one). It says nothing about the user and signs in no one."""
    if ROUTE_COOKIE in cookies_of(scope):
        return None
    secure = (
        "; Secure"
        if _secure(scope) or headers_of(scope).get("x-forwarded-proto") == "https"
        else ""
    )
    value = secrets.token_urlsafe(12)
    return f"{ROUTE_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax{secure}".encode()


def _page_request(scope: Scope, path: str) -> bool:
    """A browser asking for a page (not an image, script or API call): sent to sign-in."""
    if scope["type"] != "http" or scope.get("method") != "GET":
        return False
    if path.startswith(("/_stcore/", "/media/", "/component/")):
        return False
    headers = headers_of(scope)
    destination = headers.get("sec-fetch-dest")
    if destination is not None:
        return destination == "document"
    return "text/html" in headers.get("accept", "")


def _form_response(request: Request, status: int = 200, **values: str) -> HTMLResponse:
    # One form token per browser while it has one (a second tab's form stays valid).
    token = request.cookies.get(FORM_COOKIE, "")
    if not re.fullmatch(r"[A-Za-z0-9_-]{32}", token):
        token = secrets.token_urlsafe(24)
    target = safe_next(request.query_params.get("nasta"))
    action = f"{SIGN_IN}?nasta={quote(target, safe='')}"
    response = HTMLResponse(pages.sign_in_form(action, token, **values), status_code=status)
    response.set_cookie(
        FORM_COOKIE, token, httponly=True, samesite="lax", secure=_secure(request.scope),
        path=SIGN_IN, max_age=3600,
    )  # fmt: skip
    response.headers["cache-control"] = "no-store"
    return response


async def sign_in_page(request: Request) -> Response:
    """GET: the form (or straight on when already signed in). POST: check the password,
    set the session cookie and go back to the page asked for."""
    target = safe_next(request.query_params.get("nasta"))
    if request.method == "GET":
        if accounts.session_of(request.cookies.get(accounts.SESSION_COOKIE)) is not None:
            return RedirectResponse(target, status_code=303)
        note = "Logga in för att se sidan du bad om." if target != "/" else ""
        return _form_response(request, note=note)
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return _form_response(request, 413, error="Formuläret är för stort.")
    try:
        fields = parse_qs(body.decode("utf-8", errors="replace"), max_num_fields=10)
    except ValueError:  # more fields than the form has
        return _form_response(request, 400, error="Formuläret innehöll fält det inte har.")
    name = fields.get("namn", [""])[0][: accounts.MAX_NAME]
    password = fields.get("losenord", [""])[0]
    token = fields.get("formular", [""])[0]
    expected = request.cookies.get(FORM_COOKIE, "")
    if not token or not secrets.compare_digest(token.encode(), expected.encode()):
        return _form_response(
            request, 400, name=name,
            error="Formuläret hade gått ut. Skriv lösenordet igen och logga in.",
        )  # fmt: skip
    client = accounts.throttle_key(
        request.client.host if request.client else None, headers_of(request.scope)
    )
    # The events are written to the store itself (never the pages' read copy: what is
    # written there is thrown away).
    con = await run_in_threadpool(session.write_cursor)
    try:
        result = await run_in_threadpool(accounts.sign_in, con, name, password, client)
    finally:
        con.close()
    if result.cookie is None:
        return _form_response(request, 401 if "Fel" in result.message else 429, name=name,
                              error=result.message)  # fmt: skip
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        accounts.SESSION_COOKIE, result.cookie, max_age=result.lifetime, httponly=True,
        samesite="lax", secure=_secure(request.scope), path="/",
    )  # fmt: skip
    response.delete_cookie(FORM_COOKIE, path=SIGN_IN)
    return response


def routes() -> list[Route]:
    from web import api, indicator_pages

    return [
        Route(SIGN_IN, sign_in_page, methods=["GET", "POST"]),
        Route(SWEDISH_SCRIPT, swedish_script),
        *api.routes(),
        *indicator_pages.routes(),
    ]


async def swedish_script(request: Request) -> Response:
    script = (Path(__file__).parent / "svenska.js").read_text(encoding="utf-8")
    return Response(
        script,
        media_type="text/javascript; charset=utf-8",
        headers={"cache-control": "no-cache"},
    )
