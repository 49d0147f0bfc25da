"""Where documentation is generated from: a file tree read within bounds, whatever its origin."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

SKIPPED_DIRS = frozenset({"node_modules", ".venv", "venv", "dist", "build", "vendor", "__pycache__", ".git"})


@dataclass(frozen=True)
class SourceFile:
    """One text file: its path relative to the root (POSIX), its text and the SHA-256 of its bytes."""

    path: str
    text: str
    sha256: str


@dataclass(frozen=True)
class Skip:
    """A path left out, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class SourceTree:
    """The files read (sorted by path), the ones skipped, and the root folder's name (a package's name)."""

    files: tuple[SourceFile, ...]
    skipped: tuple[Skip, ...] = ()
    name: str = ""

    def summary(self) -> dict[str, int]:
        """How many paths were skipped, by reason."""
        return dict(sorted(Counter(skip.reason for skip in self.skipped).items()))


def refused_name(path: str) -> str | None:
    """Why a relative path may not be used (absolute, `..`, control characters), or None."""
    parts = path.split("/")
    if path.startswith("/") or ".." in parts or "\\" in path:
        return "unsafe path name"
    if any(ord(char) < 32 for char in path):
        return "unsafe path name"
    return None
