"""A run's artifacts through PyGithub: list them, download one zip with bounds (plain data out).

GitHub answers an artifact's /zip with a 302 to a short-lived storage URL that needs no token: the
token is sent to GitHub only, and the zip is streamed from storage with a size cap (the artifact's
size_in_bytes first, then while reading) and an overall deadline.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import requests
from github.Artifact import Artifact
from github.PaginatedList import PaginatedList
from github.Repository import Repository

from autodevhub.integrations.github import (
    PER_PAGE,
    TIMEOUT_SECONDS,
    GitHubDown,
    GitHubError,
    translated_errors,
)

MAX_ZIP_BYTES = 20 * 1024 * 1024
MAX_LISTED = 300  # artifacts looked at per run
DOWNLOAD_SECONDS = 60
CHUNK = 64 * 1024


class ArtifactRefused(GitHubError):
    """An artifact not downloaded: expired, too large, or without a download URL; the message says why."""

    status = 422


@dataclass(frozen=True)
class ArtifactData:
    id: int
    name: str
    size_in_bytes: int
    expired: bool
    archive_download_url: str


def list_artifacts(repo: Repository, run_id: int) -> list[ArtifactData]:
    """GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts, every page (up to MAX_LISTED)."""
    url = f"{repo.url}/actions/runs/{run_id}/artifacts"
    pages = PaginatedList(Artifact, repo.requester, url, {"per_page": PER_PAGE}, list_item="artifacts")
    found = []
    with translated_errors():
        for artifact in pages:
            if len(found) >= MAX_LISTED:
                break
            found.append(
                ArtifactData(
                    id=artifact.id,
                    name=artifact.name or "",
                    size_in_bytes=artifact.size_in_bytes or 0,
                    expired=bool(artifact.expired),
                    archive_download_url=artifact.archive_download_url
                    or f"{repo.url}/actions/artifacts/{artifact.id}/zip",
                )
            )
    return found


def download_zip(repo: Repository, artifact: ArtifactData, limit: int = MAX_ZIP_BYTES) -> bytes:
    """The artifact's zip; ArtifactRefused when it is expired or over `limit` (said or streamed)."""
    if artifact.expired:
        raise ArtifactRefused(f"artifact {artifact.name} has expired")
    if artifact.size_in_bytes > limit:
        raise ArtifactRefused(f"artifact {artifact.name} is {artifact.size_in_bytes} bytes, over {limit}")
    with translated_errors():
        headers, _ = repo.requester.requestJsonAndCheck("GET", artifact.archive_download_url)
    location = {str(key).lower(): value for key, value in headers.items()}.get("location")
    if not location:
        raise ArtifactRefused(f"GitHub gave no download URL for artifact {artifact.name}")
    return _stream(str(location), artifact.name, limit)


def _stream(url: str, name: str, limit: int) -> bytes:
    """GET the storage URL (no token), stopping past `limit` bytes or DOWNLOAD_SECONDS."""
    deadline = time.monotonic() + DOWNLOAD_SECONDS
    try:
        with requests.get(url, stream=True, timeout=TIMEOUT_SECONDS) as response:
            if response.status_code >= 500:
                raise GitHubDown(f"artifact storage answered {response.status_code}")
            if response.status_code != 200:
                raise GitHubError(f"artifact storage answered {response.status_code} for {name}")
            if int(response.headers.get("content-length") or 0) > limit:
                raise ArtifactRefused(f"artifact {name} is over {limit} bytes")
            data = bytearray()
            for chunk in response.iter_content(CHUNK):
                data += chunk
                if len(data) > limit:
                    raise ArtifactRefused(f"artifact {name} is over {limit} bytes")
                if time.monotonic() > deadline:
                    raise GitHubDown(f"artifact {name} took over {DOWNLOAD_SECONDS} s to download")
    except requests.RequestException as error:
        raise GitHubDown(f"artifact storage is unreachable ({type(error).__name__})") from error
    return bytes(data)
