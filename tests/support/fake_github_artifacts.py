"""The fake GitHub's Actions artifacts, in the shapes of GitHub's REST reference ("Artifacts"):

- GET /repos/{o}/{r}/actions/runs/{run_id}/artifacts: {total_count, artifacts} a page at a time;
- GET /repos/{o}/{r}/actions/artifacts/{id}: the artifact object (nulls where GitHub has them: a missing
  digest, expires_at of an expired artifact's workflow_run fields are kept);
- GET /repos/{o}/{r}/actions/artifacts/{id}/zip: 302 with a Location to a short-lived storage URL on the
  same server (another path, a signature and expiry in the query, no token needed), 410 when expired;
- GET /_storage/artifacts/{id}.zip?sig=..&se=..: the zip bytes (403 for a bad or stale signature).

An artifact may claim a `size_in_bytes` other than its zip's (a 100 MB claim for a small body), and be
served `unsized` (no Content-Length, the connection closed at the end) to test caps while streaming.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.support import github_history as history

STORAGE = "/_storage/artifacts/"
LINK_SECONDS = 60  # GitHub's download URLs expire after a minute
KEY = b"fake-storage-key"


@dataclass
class Artifact:
    id: int
    run: history.Run
    name: str
    data: bytes
    size_in_bytes: int | None = None  # None: the zip's own size
    expired: bool = False
    unsized: bool = False  # served without Content-Length

    def json(self, api: str) -> dict[str, Any]:
        url = f"{api}/repos/{history.FULL_NAME}/actions/artifacts/{self.id}"
        created = self.run.updated
        expires = created + timedelta(days=90)
        return {
            "id": self.id,
            "node_id": f"MDg6QXJ0aWZhY3Q{self.id}",
            "name": self.name,
            "size_in_bytes": len(self.data) if self.size_in_bytes is None else self.size_in_bytes,
            "url": url,
            "archive_download_url": f"{url}/zip",
            "expired": self.expired,
            "digest": None if self.expired else "sha256:" + hashlib.sha256(self.data).hexdigest(),
            "created_at": history.stamp(created),
            "updated_at": history.stamp(created),
            "expires_at": history.stamp(datetime.now(UTC) - timedelta(days=1) if self.expired else expires),
            "workflow_run": {
                "id": self.run.id,
                "repository_id": 1296269,
                "head_repository_id": 1296269,
                "head_branch": self.run.branch,
                "head_sha": self.run.sha,
            },
        }


class ArtifactStore:
    """Artifacts by id; `add` one for a run."""

    def __init__(self) -> None:
        self.items: dict[int, Artifact] = {}

    def add(self, run: history.Run, name: str, data: bytes, **options: Any) -> Artifact:
        artifact = Artifact(run.id * 100 + len(self.items) + 1, run, name, data, **options)
        self.items[artifact.id] = artifact
        return artifact

    def of_run(self, run_id: int) -> list[Artifact]:
        return [item for item in self.items.values() if item.run.id == run_id]


def _signature(artifact_id: int, expiry: int) -> str:
    return hmac.new(KEY, f"{artifact_id}:{expiry}".encode(), hashlib.sha256).hexdigest()


def answer(store: ArtifactStore, route: list[str], base: str, api: str) -> tuple[int, Any, dict[str, str]]:
    """actions/artifacts/{id} and actions/artifacts/{id}/zip (route after the repository's path)."""
    artifact = store.items.get(int(route[2])) if len(route) >= 3 and route[2].isdigit() else None
    if artifact is None or len(route) > 4 or (len(route) == 4 and route[3] != "zip"):
        return 404, {"message": "Not Found"}, {}
    if len(route) == 3:
        return 200, artifact.json(api), {}
    if artifact.expired:
        return 410, {"message": "Artifact has expired"}, {}
    expiry = int(time.time()) + LINK_SECONDS
    location = f"{base}{STORAGE}{artifact.id}.zip?sig={_signature(artifact.id, expiry)}&se={expiry}"
    return 302, None, {"Location": location}


def listing(store: ArtifactStore, run_id: int, api: str) -> list[dict[str, Any]]:
    """The run's artifacts as objects, oldest first (the caller pages them)."""
    return [artifact.json(api) for artifact in store.of_run(run_id)]


def download(store: ArtifactStore, path_and_query: str) -> tuple[int, bytes, dict[str, str]]:
    """The storage URL's answer: (status, body, headers)."""
    parts = urlsplit(path_and_query)
    name = parts.path[len(STORAGE) :].removesuffix(".zip")
    query = dict(parse_qsl(parts.query))
    artifact = store.items.get(int(name)) if name.isdigit() else None
    expiry = int(query.get("se", "0")) if query.get("se", "").isdigit() else 0
    if artifact is None or expiry < time.time() or query.get("sig") != _signature(artifact.id, expiry):
        return 403, b"<Error><Code>AuthenticationFailed</Code></Error>", {"Content-Type": "application/xml"}
    headers = {"Content-Type": "application/zip"}
    if not artifact.unsized:
        headers["Content-Length"] = str(len(artifact.data))
    return 200, artifact.data, headers
