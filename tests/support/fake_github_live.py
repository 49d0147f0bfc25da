"""The live app's fake GitHub: the sign-in fake (fake_github) in front, and the repository's REST API
(fake_github_rest: git data, pull requests, Actions runs and artifacts) behind it, on one host as GitHub
Enterprise serves both under /api/v3.

Requests under /api/v3/repos/ and artifact storage are forwarded to the REST fake as they came (the Host
header kept, so the storage redirect points back here), and the REST fake writes this host into the URLs
it answers with, so a client never sees the second port. `merge` is the pull request's merge button.
"""

from __future__ import annotations

import http.client
from typing import Any

from tests.support import fake_github, fake_github_artifacts, fake_github_pulls
from tests.support.fake_github_rest import FakeGitHubRest

FORWARDED = (f"{fake_github.API_PREFIX}/repos/", fake_github_artifacts.STORAGE)
NOT_COPIED = {"connection", "keep-alive", "transfer-encoding", "content-length", "date", "server"}


class _Behind(FakeGitHubRest):
    """The REST fake, answering with the front's address in every URL."""

    def __init__(self) -> None:
        super().__init__()
        self.front_api = ""

    @property
    def api_url(self) -> str:
        return self.front_api


class LiveGitHub(fake_github.FakeGitHub):
    """Sign-in and the repository's API on one address; `rest` holds the repository's state."""

    def __init__(self) -> None:
        super().__init__(_Handler)
        self.rest = _Behind()
        self.rest.front_api = self.api_url

    def start(self) -> LiveGitHub:
        self.rest.start()
        return super().start()

    def stop(self) -> None:
        super().stop()
        self.rest.stop()

    def merge(self, number: int) -> dict[str, Any]:
        """The pull request's merge button (fake_github_pulls.merge): the merged pull request."""
        with self.rest.lock:
            return dict(fake_github_pulls.merge(self.rest.git, self.rest.issues, number))


class _Handler(fake_github._Handler):
    def do_GET(self) -> None:
        if not self._forwarded("GET"):
            super().do_GET()

    def do_POST(self) -> None:
        if not self._forwarded("POST"):
            super().do_POST()

    def do_PATCH(self) -> None:
        if not self._forwarded("PATCH"):
            self._json(404, {"message": "Not Found"})

    def _forwarded(self, method: str) -> bool:
        """Pass a repository or storage request to the REST fake and its answer back; False for others."""
        if not self.path.startswith(FORWARDED):
            return False
        rest = self.fake.rest  # type: ignore[attr-defined]
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else None
        host, port = rest.url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        try:
            connection.request(method, self.path, body=body, headers=dict(self.headers.items()))
            answer = connection.getresponse()
            data = answer.read()
        finally:
            connection.close()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in NOT_COPIED:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        return True
