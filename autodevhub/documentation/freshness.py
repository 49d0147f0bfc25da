"""Is a page still true to its sources? For a local source: fresh while every source file hashes the same."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autodevhub.documentation.sources import refused_name
from autodevhub.documentation.sources.local import MAX_FILE_BYTES


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


def changed_sources(version_info: Mapping[str, Any], hasher: Hasher) -> list[str]:
    """The page's source paths whose bytes differ from (or are gone since) its generation, sorted."""
    sources = version_info.get("sources") or {}
    return sorted(path for path, digest in sources.items() if hasher(path) != digest)


def check(rows: Iterable[tuple[str, Mapping[str, Any]]]) -> tuple[dict[str, list[str]], dict[str, Any]]:
    """For (page id, version_info) pairs: each page's moved sources, and {pages, fresh, stale, percent}."""
    hashers: dict[str, Hasher] = {}
    moved: dict[str, list[str]] = {}
    for page_id, info in rows:
        root = str(info.get("root") or "")
        hasher = hashers.setdefault(root, Hasher(Path(root)))
        moved[page_id] = changed_sources(info, hasher) if root else sorted(info.get("sources") or {})
    total = len(moved)
    fresh = sum(1 for paths in moved.values() if not paths)
    percent = round(100 * fresh / total, 1) if total else None
    return moved, {"pages": total, "fresh": fresh, "stale": total - fresh, "percent": percent}
