"""A local directory as a documentation source, within bounds: no symlinks, binaries or vendored trees."""

from __future__ import annotations

import os
from pathlib import Path

from autodevhub.documentation.sources import (
    FOLDER_SKIPPED,
    MAX_FILE_BYTES,
    Skip,
    SourceFile,
    SourceTree,
    refused_file,
    refused_name,
    skipped_folder,
    text_file,
)

__all__ = ["MAX_FILE_BYTES", "read_directory"]


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
            if skipped_folder(name):
                skipped.append(Skip(relative + "/", FOLDER_SKIPPED))
            elif (here / name).is_symlink():
                skipped.append(Skip(relative + "/", "symlink"))
            else:
                kept.append(name)
        dirs[:] = kept
        for name in sorted(names):
            relative = (here / name).relative_to(base).as_posix()
            found = _read_file(here / name, relative, len(files))
            (files if isinstance(found, SourceFile) else skipped).append(found)
    files.sort(key=lambda file: file.path)
    skipped.sort(key=lambda skip: skip.path)
    return SourceTree(tuple(files), tuple(skipped), base.name)


def _read_file(path: Path, relative: str, files_read: int) -> SourceFile | Skip:
    """One file, or the reason it is skipped."""
    reason = refused_name(relative)
    if reason:
        return Skip(relative, reason)
    if path.is_symlink():
        return Skip(relative, "symlink")
    if not path.is_file():
        return Skip(relative, "not a regular file")
    reason = refused_file(relative, path.stat().st_size, files_read)
    return Skip(relative, reason) if reason else text_file(relative, path.read_bytes())
