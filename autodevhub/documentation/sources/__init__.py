"""Where documentation is generated from: a file tree read within bounds, whatever its origin."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass

SKIPPED_DIRS = frozenset({"node_modules", ".venv", "venv", "dist", "build", "vendor", "__pycache__", ".git"})
FOLDER_SKIPPED = "vendored, generated or hidden folder"
MAX_FILE_BYTES = 1_000_000
MAX_FILES = 5_000
MINIFIED = (".min.js", ".min.css", ".min.mjs")


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


def skipped_folder(name: str) -> bool:
    """A folder left out: vendored, generated or hidden (`.github` is read)."""
    return name in SKIPPED_DIRS or name.endswith(".egg-info") or (name.startswith(".") and name != ".github")


def refused_file(path: str, size: int, files_read: int) -> str | None:
    """Why a regular file is not read, known before its bytes are: its name, minified, size, the limit."""
    if reason := refused_name(path):
        return reason
    if path.endswith(MINIFIED):
        return "minified"
    if size > MAX_FILE_BYTES:
        return "over 1 MB"
    if files_read >= MAX_FILES:
        return f"over the {MAX_FILES:,}-file limit"
    return None


def text_file(path: str, data: bytes) -> SourceFile | Skip:
    """The file as UTF-8 text, or skipped as binary."""
    if b"\0" in data[:8192]:
        return Skip(path, "binary")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return Skip(path, "binary")
    return SourceFile(path, text, hashlib.sha256(data).hexdigest())
