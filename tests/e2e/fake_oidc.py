"""A small OpenID Connect provider for the browser test of sign-in: discovery document, an
authorisation endpoint that signs in whoever the test names (no form), a token endpoint that
returns an RS256-signed identity token, the signing keys and an end-session endpoint.

It speaks the real protocol, so Streamlit's own ``st.login`` (Authlib) checks issuer,
audience, nonce and signature as it would against the organisation's provider."""

from __future__ import annotations

import json
import secrets
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "samverkan-dashboard"
CLIENT_SECRET = "bara-för-testet"


class Provider:
    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test", "use": "sig"})
        self.email = "anna@stockholm.se"  # who signs in next
        self.issued_at: float | None = None  # default: now
        self.codes: dict[str, dict[str, object]] = {}
        self.url = ""
        self.token_requests = 0
        self.logouts = 0

    def metadata(self) -> dict[str, object]:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "jwks_uri": f"{self.url}/jwks",
            "end_session_endpoint": f"{self.url}/logout",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }

    def id_token(self, nonce: object) -> str:
        now = int(self.issued_at or time.time())
        claims = {
            "iss": self.url,
            "aud": CLIENT_ID,
            "sub": self.email.split("@")[0],
            "email": self.email,
            "name": self.email.split("@")[0].title(),
            "nonce": nonce,
            "iat": now,
            # Valid for an hour from now even when ``issued_at`` is set in the past: that
            # stands in for a cookie kept from a sign-in hours ago (a browser cannot be aged).
            "exp": int(time.time()) + 3600,
        }
        return jwt.encode({"alg": "RS256", "kid": "test"}, claims, self.key)


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _json(self, payload: object, status: int = 200) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _redirect(self, location: str) -> None:
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:
            parsed = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(parsed.query))
            if parsed.path == "/.well-known/openid-configuration":
                self._json(provider.metadata())
            elif parsed.path == "/jwks":
                self._json({"keys": [provider.key.as_dict(private=False)]})
            elif parsed.path == "/authorize":
                if query.get("client_id") != CLIENT_ID:
                    self._json({"error": "unauthorized_client"}, 400)
                    return
                code = secrets.token_urlsafe(16)
                provider.codes[code] = {"nonce": query.get("nonce")}
                back = {"code": code, "state": query.get("state", "")}
                self._redirect(f"{query['redirect_uri']}?{urllib.parse.urlencode(back)}")
            elif parsed.path == "/logout":
                provider.logouts += 1
                target = query.get("post_logout_redirect_uri")
                if target:
                    self._redirect(target)
                else:
                    self._json({"signed_out": True})
            else:
                self._json({"error": "not_found"}, 404)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
            if self.path != "/token" or form.get("grant_type") != "authorization_code":
                self._json({"error": "invalid_request"}, 400)
                return
            grant = provider.codes.pop(form.get("code", ""), None)
            if grant is None:
                self._json({"error": "invalid_grant"}, 400)
                return
            provider.token_requests += 1
            self._json(
                {
                    "access_token": secrets.token_urlsafe(16),
                    "token_type": "Bearer",
                    "expires_in": 3600,
                    "scope": "openid email profile",
                    "id_token": provider.id_token(grant["nonce"]),
                }
            )

    return Handler


@contextmanager
def running_provider() -> Iterator[Provider]:
    provider = Provider()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider))
    provider.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
