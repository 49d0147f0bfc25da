"""A fake GitHub REST API (Enterprise layout, /api/v3) on 127.0.0.1 for the Actions endpoints PyGithub calls.

It serves one repository (octo/shop) holding a generated history (support/github_history.py): workflows and
their files, runs newest first with page/per_page pagination and Link headers, jobs of every attempt,
artifacts (support/fake_github_artifacts.py: listed, their zips behind a 302 to storage), workflow dispatches,
re-runs of failed jobs and cancels, commit statuses and a pull request's files (fake_github_checks.py).
Every response carries rate-limit headers; `remaining` counts down and at zero the API answers 403 "API rate
limit exceeded". `fail` queues error answers for a method and path prefix.
`requests` records (method, path) of every request received; `observe`, when set, is called as each request
arrives (to look at the app meanwhile). `grants` gives a token's rights on the repository as GitHub reports
them (`permissions` {admin, push, pull}); a token granted None sees no repository (404), one without push is
refused writes (403); other tokens have every right. `tokens` records the token each request carried (None
without one), in the order of `requests`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from tests.support import fake_github_artifacts as artifacts
from tests.support import fake_github_checks as checks
from tests.support import fake_github_compare as compare
from tests.support import fake_github_git as git
from tests.support import fake_github_issues as issues
from tests.support import github_history as history
from tests.support.loopback import LoopbackServer

API_PREFIX = "/api/v3"
REPO_PATH = f"{API_PREFIX}/repos/{history.FULL_NAME}"


class FakeGitHubRest(LoopbackServer):
    """The fake's state; change `runs`, `remaining` or `failures` between requests to shape answers."""

    def __init__(self, runs: list[history.Run] | None = None) -> None:
        super().__init__(_Handler)
        self.runs: dict[int, history.Run] = {run.id: run for run in (runs or [])}
        self.workflows_updated = datetime(2024, 1, 1, tzinfo=UTC)
        self.requests: list[tuple[str, str]] = []
        self.dispatches: list[dict[str, Any]] = []
        self.remaining = 5000
        self.reset = int(time.time()) + 3600
        self.failures: list[tuple[str, str, int]] = []
        self.lock = threading.Lock()
        self.observe: Callable[[str], Any] | None = None  # called with each request's path, before answering
        self.observations: list[Any] = []
        self.not_modified: list[str] = []
        self.omit: dict[int, tuple[str, ...]] = {}  # object id -> fields its JSON leaves out
        self.grants: dict[str, dict[str, bool] | None] = {}
        self.tokens: list[str | None] = []
        self.issues: dict[int, dict[str, Any]] = {}  # number -> GitHub's issue object
        self.git = git.GitStore()  # the repository's objects, branches and pull requests
        self.artifacts = artifacts.ArtifactStore()  # the runs' artifacts and their zips
        self.statuses: dict[str, list[dict[str, Any]]] = {}  # commit sha -> its statuses, oldest first

    @property
    def api_url(self) -> str:
        return self.url + API_PREFIX

    def environment(self) -> dict[str, str]:
        return {"GITHUB_API_URL": self.api_url, "GITHUB_TOKEN": "ghp_fake", "GITHUB_REQUEST_INTERVAL": "0"}

    def fail(self, method: str, path_prefix: str, status: int, times: int = 1) -> None:
        """Answer the next `times` requests of `method` under REPO_PATH + path_prefix with `status`."""
        self.failures.extend([(method, REPO_PATH + path_prefix, status)] * times)

    def count(self, method: str = "GET", under: str = "") -> int:
        return sum(1 for m, p in self.requests if m == method and p.startswith(REPO_PATH + under))

    def spent(self) -> int:
        """Requests counted against the quota so far."""
        return 5000 - self.remaining

    def shaped(self, item: dict[str, Any]) -> dict[str, Any]:
        """The object as served: without the fields `omit` names for its id."""
        return {key: value for key, value in item.items() if key not in self.omit.get(item["id"], ())}

    def newest_first(self) -> list[history.Run]:
        return sorted(self.runs.values(), key=lambda run: (run.created, run.id), reverse=True)


class _Handler(BaseHTTPRequestHandler):
    server: ThreadingHTTPServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # keep-alive without 40 ms delayed-ACK stalls

    @property
    def fake(self) -> FakeGitHubRest:
        return self.server.fake  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        if parts.path.startswith(artifacts.STORAGE):
            self._storage(method)
            return
        length = int(self.headers.get("content-length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}") if length else {}
        if self.fake.observe is not None:
            self.fake.observations.append(self.fake.observe(parts.path))
        with self.fake.lock:
            self.fake.requests.append((method, parts.path))
            self.fake.tokens.append(self._token())
            status, payload, headers = self._answer(method, parts.path, dict(parse_qsl(parts.query)), body)
            if method == "GET" and status == 200:
                status, payload, headers = self._conditional(parts.path, payload, headers)
        self._json(status, payload, headers)

    def _storage(self, method: str) -> None:
        """Artifact storage (not the API): no token, no quota; an unsized body ends with the connection."""
        with self.fake.lock:
            self.fake.requests.append((method, urlsplit(self.path).path))
            self.fake.tokens.append(self._token())
            status, body, headers = artifacts.download(self.fake.artifacts, self.path)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if "Content-Length" not in headers:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def _conditional(self, path: str, payload: Any, headers: dict) -> tuple[int, Any, dict]:
        """The answer with its ETag, or 304 when If-None-Match names it (free when authorized)."""
        etag = 'W/"' + hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:32] + '"'
        headers = {**headers, "ETag": etag}
        wanted = [tag.strip() for tag in (self.headers.get("If-None-Match") or "").split(",")]
        if etag not in wanted:
            return 200, payload, headers
        self.fake.not_modified.append(path)
        if self.headers.get("Authorization"):
            self.fake.remaining += 1
        return 304, None, headers

    def _answer(self, method: str, path: str, query: dict[str, str], body: dict) -> tuple[int, Any, dict]:
        fake = self.fake
        for index, (fail_method, prefix, status) in enumerate(fake.failures):
            if fail_method == method and path.startswith(prefix):
                del fake.failures[index]
                return status, {"message": "Server Error"}, {}
        if fake.remaining <= 0:
            return 403, {"message": "API rate limit exceeded for user ID 1."}, {}
        fake.remaining -= 1
        permissions = self._permissions()
        if not path.startswith(REPO_PATH) or permissions is None:
            return 404, {"message": "Not Found"}, {}
        route = path[len(REPO_PATH) :].strip("/").split("/")
        if method != "GET" and not permissions["push"] and route[0] == "issues":
            return 403, {"message": "Resource not accessible by personal access token"}, {}
        if checks.handles(method, route):
            if method != "GET" and not permissions["push"]:
                return 403, {"message": "Resource not accessible by personal access token"}, {}
            status, payload = checks.answer(fake.git, fake.statuses, method, route, body, fake.api_url)
            items, headers = self._page(payload, query) if isinstance(payload, list) else (payload, {})
            return status, items, headers
        if route[0] in ("git", "pulls"):
            if method != "GET" and not permissions["push"]:
                return 403, {"message": "Resource not accessible by personal access token"}, {}
            status, payload = git.answer(fake.git, fake.issues, method, route, query, body, fake.api_url)
            items, headers = self._page(payload, query) if isinstance(payload, list) else (payload, {})
            return status, items, headers
        if route[0] in ("commits", "compare") and method == "GET":
            return (*compare.answer(fake.git, route, query, fake.api_url), {})
        if route[0] == "issues":
            status, payload = issues.answer(fake.issues, method, route, query, body, fake.api_url)
            items, headers = self._page(payload, query) if isinstance(payload, list) else (payload, {})
            return status, items, headers
        if method == "POST":
            if not permissions["push"]:
                return 403, {"message": "Resource not accessible by personal access token"}, {}
            return self._write(route, body)
        return self._read(route, query)

    def _token(self) -> str | None:
        """The token of `Authorization: token X` (or Bearer X)."""
        parts = (self.headers.get("authorization") or "").split()
        return parts[-1] if len(parts) == 2 else None

    def _permissions(self) -> dict[str, bool] | None:
        """The calling token's rights on the repository (None: it cannot see it)."""
        token = self._token()
        if token in self.fake.grants:
            return self.fake.grants[token]
        return {"admin": True, "maintain": True, "push": True, "triage": True, "pull": True}

    def _read(self, route: list[str], query: dict[str, str]) -> tuple[int, Any, dict]:
        fake, api = self.fake, self.fake.api_url
        if route == [""]:
            repo = {"id": 1296269, "name": history.NAME, "full_name": history.FULL_NAME, "private": False}
            owner = {"login": history.FULL_NAME.split("/")[0], "type": "Organization"}
            about = {"owner": owner, "permissions": self._permissions()}
            return (
                200,
                {**repo, **about, "default_branch": "main", "url": f"{api}/repos/{history.FULL_NAME}"},
                {},
            )
        if route[:2] == ["actions", "workflows"] and len(route) == 2:
            items = [history.workflow_json(wid, api, fake.workflows_updated) for wid in history.WORKFLOWS]
            return 200, {"total_count": len(items), "workflows": items}, {}
        if route[0] == "contents":
            return self._contents("/".join(route[1:]), query.get("ref") or "main")
        if route[:2] == ["actions", "runs"] and len(route) == 2:
            runs = [r for r in fake.newest_first() if _created_matches(r.created, query.get("created", ""))]
            page, headers = self._page(runs, query)
            return (
                200,
                {
                    "total_count": len(runs),
                    "workflow_runs": [fake.shaped(history.run_json(r, api)) for r in page],
                },
                headers,
            )
        if route[:2] == ["actions", "artifacts"]:
            return artifacts.answer(fake.artifacts, route, f"http://{self.headers['host']}", api)
        if route[:2] == ["actions", "jobs"] and len(route) == 3 and route[2].isdigit():
            found = [(r, j) for r in fake.runs.values() for j in r.jobs if j.id == int(route[2])]
            if found:
                return 200, fake.shaped(history.job_json(*found[0], api)), {}
        run = (
            fake.runs.get(int(route[2])) if route[:2] == ["actions", "runs"] and route[2].isdigit() else None
        )
        if run is None:
            return 404, {"message": "Not Found"}, {}
        if len(route) == 3:
            return 200, fake.shaped(history.run_json(run, api)), {}
        if route[3] == "jobs":
            jobs = (
                run.jobs
                if query.get("filter") == "all"
                else [j for j in run.jobs if j.attempt == run.attempt]
            )
            page, headers = self._page(jobs, query)
            return (
                200,
                {
                    "total_count": len(jobs),
                    "jobs": [fake.shaped(history.job_json(run, j, api)) for j in page],
                },
                headers,
            )
        if route[3] == "artifacts":
            items = artifacts.listing(fake.artifacts, run.id, api)
            page, headers = self._page(items, query)
            return 200, {"total_count": len(items), "artifacts": page}, headers
        return 404, {"message": "Not Found"}, {}

    def _contents(self, path: str, branch: str) -> tuple[int, Any, dict]:
        """A workflow file as `history.FILES` holds it now, else the file on the branch of the git store."""
        workflow = next((w for w, (_, p, _) in history.WORKFLOWS.items() if p == path), None)
        if workflow is not None:
            text = history.FILES[workflow]
        else:
            files = self.fake.git.files_at(branch) if f"heads/{branch}" in self.fake.git.refs else {}
            if path not in files:
                return 404, {"message": "Not Found"}, {}
            text = files[path]
        content = base64.b64encode(text.encode()).decode()
        about = {"type": "file", "encoding": "base64", "path": path, "name": path.rsplit("/", 1)[-1]}
        return 200, {**about, "content": content, "sha": git.blob_sha(text.encode()), "size": len(text)}, {}

    def _write(self, route: list[str], body: dict) -> tuple[int, Any, dict]:
        fake = self.fake
        if route[:2] == ["actions", "workflows"] and route[-1] == "dispatches":
            wid = int(route[2])
            if "workflow_dispatch" not in history.FILES.get(wid, ""):
                return 422, {"message": "Workflow does not have 'workflow_dispatch' trigger"}, {}
            fake.dispatches.append({"workflow_id": wid, **body})
            return 204, None, {}
        run = fake.runs.get(int(route[2])) if len(route) == 4 and route[2].isdigit() else None
        if run is None:
            return 404, {"message": "Not Found"}, {}
        if route[3] == "cancel":
            if run.status == "completed":
                return 409, {"message": "Cannot cancel a workflow run that is completed."}, {}
            run.status, run.conclusion, run.updated = "completed", "cancelled", datetime.now(UTC)
            return 202, {}, {}
        if route[3] == "rerun-failed-jobs" and run.status == "completed" and run.conclusion == "failure":
            run.attempt, run.status, run.conclusion = run.attempt + 1, "queued", None
            run.updated = datetime.now(UTC)
            return 201, {}, {}
        return 403, {"message": "This workflow run cannot be rerun."}, {}

    def _page(self, items: list, query: dict[str, str]) -> tuple[list, dict[str, str]]:
        per_page, page = int(query.get("per_page", 30)), int(query.get("page", 1))
        last = max(1, -(-len(items) // per_page))
        links = []
        base = f"http://{self.headers['host']}{urlsplit(self.path).path}"
        for rel, number in (("next", page + 1), ("last", last)):
            if page < last:
                links.append(
                    f'<{base}?{urlencode({**query, "page": number, "per_page": per_page})}>; rel="{rel}"'
                )
        return items[(page - 1) * per_page : page * per_page], ({"Link": ", ".join(links)} if links else {})

    def _json(self, status: int, body: Any, headers: dict[str, str]) -> None:
        payload = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        fake = self.fake
        rate = {
            "X-RateLimit-Limit": "5000",
            "X-RateLimit-Remaining": str(max(0, fake.remaining)),
            "X-RateLimit-Reset": str(fake.reset),
            "X-RateLimit-Used": str(5000 - max(0, fake.remaining)),
            "X-RateLimit-Resource": "core",
        }
        for name, value in {**rate, **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def _created_matches(created: datetime, condition: str) -> bool:
    if not condition.startswith(">="):
        return True
    since = datetime.fromisoformat(condition[2:].replace("Z", "+00:00"))
    return created >= since


@pytest.fixture
def fake_rest() -> Iterator[FakeGitHubRest]:
    """A running fake with an empty history; tests set `runs`."""
    fake = FakeGitHubRest().start()
    yield fake
    fake.stop()


def environment_for(fake: FakeGitHubRest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the app's settings at the fake."""
    from autodevhub.core.settings import get_settings

    for name, value in fake.environment().items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
