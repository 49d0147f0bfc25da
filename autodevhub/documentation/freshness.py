"""Is a page still true to its sources? A local source: fresh while every source file hashes the same. A
GitHub source: fresh while no source changed between the page's commit and the default branch's head (the
compare API: how many commits behind, which files moved; one call per distinct commit, cached briefly).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from github.Repository import Repository

from autodevhub.core.cache import get_cache
from autodevhub.documentation.sources import MAX_FILE_BYTES, refused_name
from autodevhub.integrations import github, github_git
from autodevhub.projects import github_access

COMPARE_SECONDS = 60


@dataclass(frozen=True)
class PageFreshness:
    """A page's sources that moved; stale None when GitHub could not be asked; commits_behind for a GitHub
    source (its commit to the default branch's head)."""

    moved: list[str]
    stale: bool | None
    commits_behind: int | None = None


@dataclass
class Hasher:
    """SHA-256 of files under one root, each read once per check; None for a missing or unreadable file."""

    root: Path
    seen: dict[str, str | None] = field(default_factory=dict)

    def __call__(self, path: str) -> str | None:
        if path not in self.seen:
            self.seen[path] = self._hash(path)
        return self.seen[path]

    def _hash(self, path: str) -> str | None:
        target = self.root / path
        if refused_name(path) or target.is_symlink() or not target.is_file():
            return None
        if target.stat().st_size > MAX_FILE_BYTES:
            return None
        return hashlib.sha256(target.read_bytes()).hexdigest()


class Remote:
    """A project's GitHub pages compared with its default branch: one compare per distinct commit (kept
    COMPARE_SECONDS in the cache), with the project's credential; after a refusal it stops asking."""

    def __init__(self, project_id: uuid.UUID | str) -> None:
        self.project_id = str(project_id)
        self.heads: dict[str, tuple[Repository, str]] = {}  # repository -> (handle, default branch)
        self.error = ""

    def __call__(self, repository: str, commit: str) -> github_git.Comparison | None:
        key = f"docs.compare:{self.project_id}:{repository}:{commit}"
        if cached := get_cache().get(key):
            return github_git.Comparison(**{**cached, "files": frozenset(cached["files"])})
        if self.error:
            return None
        try:
            if repository not in self.heads:
                repo = github.lazy_repository(
                    repository, github_access.project_token(uuid.UUID(self.project_id))
                )
                self.heads[repository] = (repo, github_git.default_branch(repo))
            repo, branch = self.heads[repository]
            found = github_git.compare(repo, commit, branch)
        except github.GitHubError as error:
            self.error = f"Freshness unknown: {error.message}"
            return None
        stored = {**found.__dict__, "files": sorted(found.files)}
        get_cache().set(key, stored, COMPARE_SECONDS)
        return found


def _local(info: Mapping[str, Any], hashers: dict[str, Hasher]) -> PageFreshness:
    root = str(info.get("root") or "")
    sources = info.get("sources") or {}
    if not root:
        return PageFreshness(sorted(sources), bool(sources))
    hasher = hashers.setdefault(root, Hasher(Path(root)))
    moved = sorted(path for path, digest in sources.items() if hasher(path) != digest)
    return PageFreshness(moved, bool(moved))


def _github(info: Mapping[str, Any], remote: Remote | None) -> PageFreshness:
    found = remote(str(info["repository"]), str(info["commit"])) if remote else None
    if found is None:
        return PageFreshness([], None)
    moved = sorted(path for path in info.get("sources") or {} if path in found.files)
    unsure = found.behind_by > 0 or (not found.complete and found.ahead_by > 0)  # not on the branch, or cut
    return PageFreshness(moved, bool(moved) or unsure, found.ahead_by)


def check(
    rows: Iterable[tuple[str, Mapping[str, Any]]], remote: Remote | None = None
) -> tuple[dict[str, PageFreshness], dict[str, Any]]:
    """For (page id, version_info) pairs: each page's freshness, and {pages, fresh, stale, unknown,
    percent (of the pages whose freshness is known), error}. GitHub pages need `remote` (else unknown)."""
    hashers: dict[str, Hasher] = {}
    found = {
        page_id: _github(info, remote)
        if info.get("commit") and info.get("repository")
        else _local(info, hashers)
        for page_id, info in rows
    }
    fresh = sum(1 for page in found.values() if page.stale is False)
    stale = sum(1 for page in found.values() if page.stale)
    known = fresh + stale
    return found, {
        "pages": len(found),
        "fresh": fresh,
        "stale": stale,
        "unknown": len(found) - known,
        "percent": round(100 * fresh / known, 1) if known else None,
        "error": (remote.error if remote else "") or None,
    }
