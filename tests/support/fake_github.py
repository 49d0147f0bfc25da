"""A fake GitHub on 127.0.0.1: the OAuth web flow (with PKCE S256 checks) and the API reads sign-in needs.

Import `fake_github_fixture` into a test module to get the `fake_github` fixture; point the app at the fake
with `fake.environment()`; set `user`, `emails` and `orgs` to shape the GitHub user who signs in.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from tests.support.loopback import LoopbackServer

API_PREFIX = "/api/v3"


def s256(verifier: str) -> str:
    """The PKCE S256 code challenge of a verifier (RFC 7636)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class FakeGitHub(LoopbackServer):
    """The fake's state: who is signed in at GitHub, and every authorize and token request received."""

    def __init__(self, handler: type[BaseHTTPRequestHandler] | None = None) -> None:
        super().__init__(handler or _Handler)
        self.client_id = "fake-client-id"
        self.client_secret = "fake-client-secret"
        self.user: dict[str, Any] = {"id": 4242, "login": "octocat", "name": "Mona Octocat"}
        self.emails: list[dict[str, Any]] = [
            {"email": "mona@example.com", "primary": True, "verified": True},
        ]
        self.orgs: list[str] = ["octo-org"]
        self.authorizations: list[dict[str, str]] = []
        self.token_requests: list[dict[str, str]] = []
        self.codes: dict[str, dict[str, str]] = {}
        self.tokens: set[str] = set()

    @property
    def api_url(self) -> str:
        return self.url + API_PREFIX

    def environment(self) -> dict[str, str]:
        """The app's environment variables that point it at this fake."""
        return {
            "GITHUB_URL": self.url,
            "GITHUB_API_URL": self.api_url,
            "GITHUB_CLIENT_ID": self.client_id,
            "GITHUB_CLIENT_SECRET": self.client_secret,
        }


class _Handler(BaseHTTPRequestHandler):
    server: ThreadingHTTPServer

    @property
    def fake(self) -> FakeGitHub:
        return self.server.fake  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: pytest shows failures, not every request."""

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path == "/login/oauth/authorize":
            self._authorize(dict(parse_qsl(parts.query)))
            return
        routes = {
            f"{API_PREFIX}/user": lambda: self.fake.user,
            f"{API_PREFIX}/user/emails": lambda: self.fake.emails,
            f"{API_PREFIX}/user/orgs": lambda: [{"login": org, "id": 1} for org in self.fake.orgs],
        }
        if parts.path not in routes:
            self._json(404, {"message": "Not Found"})
        elif self._bearer() not in self.fake.tokens:
            self._json(401, {"message": "Bad credentials"})
        else:
            self._json(200, routes[parts.path]())

    def do_POST(self) -> None:
        if urlsplit(self.path).path != "/login/oauth/access_token":
            self._json(404, {"message": "Not Found"})
            return
        length = int(self.headers.get("content-length") or 0)
        form = dict(parse_qsl(self.rfile.read(length).decode()))
        self.fake.token_requests.append(form)
        status, body = self._exchange(form)
        self._json(status, body)

    def _authorize(self, query: dict[str, str]) -> None:
        """GitHub's consent page, consenting at once: back to redirect_uri with a code and the state."""
        self.fake.authorizations.append(query)
        if query.get("client_id") != self.fake.client_id:
            self._json(404, {"message": "Unknown client_id"})
            return
        code = secrets.token_hex(10)
        self.fake.codes[code] = query
        back = {"code": code, **({"state": query["state"]} if "state" in query else {})}
        self.send_response(302)
        self.send_header("Location", f"{query.get('redirect_uri', '')}?{urlencode(back)}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _exchange(self, form: dict[str, str]) -> tuple[int, dict[str, str]]:
        """The token endpoint: client credentials, a one-time code, the same redirect_uri, PKCE S256."""
        client_id, client_secret = self._client_credentials(form)
        if (client_id, client_secret) != (self.fake.client_id, self.fake.client_secret):
            return 401, {"error": "invalid_client", "error_description": "The client credentials are wrong."}
        grant = self.fake.codes.pop(form.get("code", ""), None)
        if grant is None:
            return 400, {"error": "bad_verification_code", "error_description": "The code is wrong."}
        if form.get("redirect_uri") != grant.get("redirect_uri"):
            return 400, {"error": "redirect_uri_mismatch", "error_description": "Another redirect_uri."}
        challenge = grant.get("code_challenge")
        if challenge and s256(form.get("code_verifier", "")) != challenge:
            return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed."}
        token = "gho_" + secrets.token_hex(16)
        self.fake.tokens.add(token)
        return 200, {"access_token": token, "token_type": "bearer", "scope": grant.get("scope", "")}

    def _client_credentials(self, form: dict[str, str]) -> tuple[str, str]:
        scheme, _, value = self.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "basic":
            client_id, _, client_secret = base64.b64decode(value).decode().partition(":")
            return client_id, client_secret
        return form.get("client_id", ""), form.get("client_secret", "")

    def _bearer(self) -> str:
        scheme, _, token = self.headers.get("authorization", "").partition(" ")
        return token if scheme.lower() in ("bearer", "token") else ""

    def _json(self, status: int, body: Any) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture(name="fake_github")
def fake_github_fixture() -> Iterator[FakeGitHub]:
    """A running fake GitHub, stopped after the test."""
    fake = FakeGitHub()
    fake.start()
    yield fake
    fake.stop()
