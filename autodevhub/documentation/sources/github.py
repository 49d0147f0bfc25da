"""A GitHub repository at a ref as a documentation source: one recursive tree read, then the blobs of the
files worth reading, within the bounds of a local directory (sources.local); never a clone.

Symlinks (mode 120000) and submodules are skipped like vendored folders, binaries, minified files and files
over 1 MB (known from the tree's sizes, so never downloaded). A listing GitHub truncated is reported in the
skipped paths (TRUNCATED), never taken for the whole repository.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator

from github import GithubException
from github.Repository import Repository

from autodevhub.core.errors import Forbidden, InvalidInput
from autodevhub.documentation.sources import (
    FOLDER_SKIPPED,
    Skip,
    SourceFile,
    SourceTree,
    refused_file,
    skipped_folder,
    text_file,
)
from autodevhub.integrations import github, github_git

MAX_REF = 255
TRUNCATED = "GitHub truncated the tree listing: files past its limit were not read"
SYMLINK_MODE = "120000"
TELL_EVERY = 100
_REF_FORBIDDEN = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{|//")


def checked_ref(ref: str | None) -> str | None:
    """A git ref name (branch, tag or commit sha) as `git check-ref-format` allows it, or None when empty;
    InvalidInput saying why otherwise."""
    if ref is None or ref == "":
        return None
    if not isinstance(ref, str) or len(ref) > MAX_REF:
        raise InvalidInput(f"ref must be a git ref name of at most {MAX_REF} characters.")
    bad_ends = ref.startswith(("-", "/", ".")) or ref.endswith(("/", ".", ".lock"))
    if _REF_FORBIDDEN.search(ref) or bad_ends or ref == "@" or "/." in ref:
        raise InvalidInput(f"ref {ref!r} is not a valid git ref name.")
    return ref


def read_repository(
    repo: Repository, ref: str | None, told: Callable[[int], None] | None = None
) -> tuple[SourceTree, str]:
    """The repository's text files at `ref` (None: the default branch), what was skipped and why, and the
    commit sha the ref resolved to; `told(files read)` every TELL_EVERY files. Blocking: GitHub is asked
    once for the tree and once per file read."""
    commit, tree_sha = github_git.resolve(repo, ref or github_git.default_branch(repo))
    items, truncated = github_git.tree_listing(repo, tree_sha)
    files: list[SourceFile] = []
    skipped: list[Skip] = [Skip("(tree listing)", TRUNCATED)] if truncated else []
    pruned: set[str] = set()
    for item in sorted(items, key=lambda entry: str(entry.get("path") or "")):
        path = str(item.get("path") or "")
        parts = path.split("/")
        if any("/".join(parts[:depth]) + "/" in pruned for depth in range(1, len(parts))):
            continue  # inside a folder already skipped
        kind = item.get("type")
        if kind == "tree":
            if skipped_folder(parts[-1]):
                pruned.add(path + "/")
                skipped.append(Skip(path + "/", FOLDER_SKIPPED))
        elif kind == "commit":
            skipped.append(Skip(path, "submodule"))
        elif item.get("mode") == SYMLINK_MODE:
            skipped.append(Skip(path, "symlink"))
        elif reason := refused_file(path, int(item.get("size") or 0), len(files)):
            skipped.append(Skip(path, reason))
        else:
            found = text_file(path, github_git.blob_bytes(repo, str(item["sha"])))
            (files if isinstance(found, SourceFile) else skipped).append(found)
            if told and isinstance(found, SourceFile) and len(files) % TELL_EVERY == 0:
                told(len(files))
    skipped.sort(key=lambda skip: skip.path)
    return SourceTree(tuple(files), tuple(skipped), repo.url.rstrip("/").rpartition("/")[2]), commit


@contextlib.contextmanager
def refusals(repository: str, ref: str | None) -> Iterator[None]:
    """GitHub's refusals while reading `repository` as the user's error: an unknown repository or ref
    (404, 422) is InvalidInput, no access (401, 403) Forbidden; rate limits and outages pass as they are."""
    try:
        yield
    except (github.GitHubRateLimited, github.GitHubDown):
        raise
    except github.GitHubError as error:
        status = error.__cause__.status if isinstance(error.__cause__, GithubException) else 0
        if status in (404, 422):
            what = f"the ref {ref!r} in {repository}" if ref else repository
            raise InvalidInput(
                f"GitHub cannot find {what} ({error.message}): check the name, and that the project's "
                "GitHub token can read the repository."
            ) from error
        if status in (401, 403):
            raise Forbidden(
                f"GitHub refused to read {repository} ({error.message}): the project's GitHub token needs "
                "read access to its contents."
            ) from error
        raise
