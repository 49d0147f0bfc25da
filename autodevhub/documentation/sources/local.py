"""A local directory as a documentation source, within bounds: no symlinks, binaries or vendored trees."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from autodevhub.documentation.sources import SKIPPED_DIRS, Skip, SourceFile, SourceTree, refused_name

MAX_FILE_BYTES = 1_000_000
MAX_FILES = 5_000
MINIFIED = (".min.js", ".min.css", ".min.mjs")


def read_directory(root: Path | str) -> SourceTree:
    """Every text file under `root` (sorted, relative POSIX paths), and what was skipped and why."""
    base = Path(root).resolve()
    if not base.is_dir():
        raise FileNotFoundError(f"{root} is not a directory.")
    files: list[SourceFile] = []
    skipped: list[Skip] = []
    for folder, dirs, names in os.walk(base, followlinks=False):
        here = Path(folder)
        kept = []
        for name in sorted(dirs):
            relative = (here / name).relative_to(base).as_posix()
            if (
                name in SKIPPED_DIRS
                or name.endswith(".egg-info")
                or (name.startswith(".") and name != ".github")
            ):
                skipped.append(Skip(relative + "/", "vendored, generated or hidden folder"))
            elif (here / name).is_symlink():
                skipped.append(Skip(relative + "/", "symlink"))
            else:
                kept.append(name)
        dirs[:] = kept
        for name in sorted(names):
            relative = (here / name).relative_to(base).as_posix()
            found = _read_file(here / name, relative, over_limit=len(files) >= MAX_FILES)
            (files if isinstance(found, SourceFile) else skipped).append(found)
    files.sort(key=lambda file: file.path)
    skipped.sort(key=lambda skip: skip.path)
    return SourceTree(tuple(files), tuple(skipped), base.name)


def _read_file(path: Path, relative: str, *, over_limit: bool) -> SourceFile | Skip:
    """One file, or the reason it is skipped."""
    reason = refused_name(relative)
    if reason:
        return Skip(relative, reason)
    if path.is_symlink():
        return Skip(relative, "symlink")
    if not path.is_file():
        return Skip(relative, "not a regular file")
    if relative.endswith(MINIFIED):
        return Skip(relative, "minified")
    if path.stat().st_size > MAX_FILE_BYTES:
        return Skip(relative, "over 1 MB")
    if over_limit:
        return Skip(relative, f"over the {MAX_FILES:,}-file limit")
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        return Skip(relative, "binary")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return Skip(relative, "binary")
    return SourceFile(relative, text, hashlib.sha256(data).hexdigest())
