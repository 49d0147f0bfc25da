"""Files committed to a branch through GitHub's git data API (blobs, a tree, a commit, a ref update; never a
clone), and the branch's one open pull request created or updated. Plain data out.

Writes are never retried by the client (integrations.github): every step here is safe to repeat instead.
A file whose blob is already on the branch is not written again, so a repeated push with nothing new makes
no commit; a branch created meanwhile by a retried push is updated; a second open pull request for one
branch is refused by GitHub and the first is found and updated.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from github import GithubException, UnknownObjectException
from github.Repository import Repository

from autodevhub.integrations.github import GitHubError, translated_errors

FILE_MODE = "100644"
COMPARE_FILES_CAP = 300  # GitHub lists at most this many changed files in a comparison


@dataclass(frozen=True)
class PullData:
    number: int
    url: str
    state: str  # open | closed | merged
    head_sha: str

    @classmethod
    def of(cls, raw: dict[str, Any]) -> PullData:
        state = "merged" if raw.get("merged_at") else str(raw.get("state") or "open")
        head = raw.get("head") or {}
        return cls(int(raw["number"]), str(raw.get("html_url") or ""), state, str(head.get("sha") or ""))


@dataclass(frozen=True)
class Comparison:
    """base...head: commits head has that base lacks (ahead_by) and the reverse (behind_by), and the paths
    changed (a renamed file's old path too); `complete` False when GitHub's 300-file cap may have cut them."""

    status: str
    ahead_by: int
    behind_by: int
    files: frozenset[str]
    complete: bool


def blob_sha(text: str) -> str:
    """Git's id of a file's content, to compare with a tree's entries without reading the blob."""
    content = text.encode()
    return hashlib.sha1(b"blob %d\0" % len(content) + content, usedforsecurity=False).hexdigest()


def default_branch(repo: Repository) -> str:
    with translated_errors():
        return str(_call(repo, "GET", repo.url).get("default_branch") or "main")


def branch_head(repo: Repository, branch: str) -> str | None:
    """The commit the branch points at; None when there is no such branch."""
    with translated_errors():
        try:
            return str(_call(repo, "GET", f"{repo.url}/git/ref/heads/{quote(branch)}")["object"]["sha"])
        except UnknownObjectException:
            return None


def tree_of(repo: Repository, commit: str) -> tuple[str, dict[str, str]]:
    """The commit's tree: its sha and its files as path -> blob sha (one recursive read)."""
    with translated_errors():
        tree = _call(repo, "GET", f"{repo.url}/git/commits/{commit}")["tree"]["sha"]
    items, _ = tree_listing(repo, tree)
    return tree, {item["path"]: item["sha"] for item in items if item.get("type") == "blob"}


def tree_listing(repo: Repository, tree: str) -> tuple[list[dict[str, Any]], bool]:
    """A tree's entries, recursively (GitHub's JSON: path, mode, type, sha, size), and whether GitHub
    truncated the listing (over its limits: the entries past the cut are missing)."""
    with translated_errors():
        listing = _call(repo, "GET", f"{repo.url}/git/trees/{tree}", parameters={"recursive": "1"})
    return list(listing.get("tree") or []), bool(listing.get("truncated"))


def resolve(repo: Repository, ref: str) -> tuple[str, str]:
    """The commit a ref (branch, tag or sha) names, and its tree's sha (one read)."""
    with translated_errors():
        found = _call(repo, "GET", f"{repo.url}/commits/{quote(ref, safe='')}")
    return str(found["sha"]), str(found["commit"]["tree"]["sha"])


def blob_bytes(repo: Repository, sha: str) -> bytes:
    """A blob's content (GitHub sends it in base64 with line breaks)."""
    with translated_errors():
        found = _call(repo, "GET", f"{repo.url}/git/blobs/{sha}")
    if found.get("encoding") == "base64":
        return base64.b64decode(found.get("content") or "")
    return str(found.get("content") or "").encode()


def compare(repo: Repository, base: str, head: str) -> Comparison:
    """Compare two commits (or branches) in one read: the first page holds every changed file GitHub
    lists, the counts cover all commits, so one commit per page is asked for."""
    url = f"{repo.url}/compare/{quote(base, safe='')}...{quote(head, safe='')}"
    with translated_errors():
        found = _call(repo, "GET", url, parameters={"per_page": 1})
    entries = found.get("files") or []
    paths = {entry["filename"] for entry in entries} | {
        entry["previous_filename"] for entry in entries if entry.get("previous_filename")
    }
    return Comparison(
        str(found.get("status") or ""),
        int(found.get("ahead_by") or 0),
        int(found.get("behind_by") or 0),
        frozenset(paths),
        len(entries) < COMPARE_FILES_CAP,
    )


def commit_files(
    repo: Repository,
    branch: str,
    base: str,
    files: dict[str, str],
    message: str,
    *,
    from_base: bool = False,
    deleted: Collection[str] = (),
) -> str | None:
    """Write `files` (path -> text) on `branch` (made from `base` when missing) in one commit, deleting the
    `deleted` paths it holds; None when there is nothing to change. `from_base`: the branch's work was
    merged, so the commit goes on `base`'s head instead and the branch is moved there."""
    head = branch_head(repo, branch)
    start = branch_head(repo, base) if from_base or head is None else head
    if start is None:
        raise GitHubError(f"The branch {base} does not exist in the repository.")
    tree, present = tree_of(repo, start)
    changed = {path: text for path, text in files.items() if present.get(path) != blob_sha(text)}
    gone = sorted(path for path in set(deleted) - set(files) if path in present)  # absent ones: a 422
    if not changed and not gone:
        return None
    with translated_errors():
        entries: list[dict[str, Any]] = [
            {"path": path, "mode": FILE_MODE, "type": "blob", "sha": _blob(repo, text)}
            for path, text in sorted(changed.items())
        ]
        entries += [{"path": path, "mode": FILE_MODE, "type": "blob", "sha": None} for path in gone]
        made = _call(repo, "POST", f"{repo.url}/git/trees", input={"base_tree": tree, "tree": entries})
        fields = {"message": message, "tree": made["sha"], "parents": [start]}
        commit = _call(repo, "POST", f"{repo.url}/git/commits", input=fields)["sha"]
    _move_branch(repo, branch, commit, exists=head is not None, force=from_base)
    return str(commit)


def open_pull(repo: Repository, owner: str, branch: str, base: str, title: str, body: str) -> PullData:
    """The branch's open pull request into `base`, created, or updated when its title or body differ."""
    with translated_errors():
        found = _open_pull(repo, owner, branch)
        if found is None:
            try:
                fields = {"title": title, "head": branch, "base": base, "body": body}
                return PullData.of(_call(repo, "POST", f"{repo.url}/pulls", input=fields))
            except GithubException as error:
                found = _open_pull(repo, owner, branch) if error.status == 422 else None
                if found is None:
                    raise
        if found.get("title") != title or (found.get("body") or "") != body:
            url = f"{repo.url}/pulls/{found['number']}"
            found = _call(repo, "PATCH", url, input={"title": title, "body": body})
        return PullData.of(found)


def pull(repo: Repository, number: int) -> PullData:
    with translated_errors():
        return PullData.of(_call(repo, "GET", f"{repo.url}/pulls/{number}"))


def _open_pull(repo: Repository, owner: str, branch: str) -> dict[str, Any] | None:
    query = {"head": f"{owner}:{branch}", "state": "open"}
    listing = _call(repo, "GET", f"{repo.url}/pulls", parameters=query)
    return listing[0] if isinstance(listing, list) and listing else None


def _blob(repo: Repository, text: str) -> str:
    return str(
        _call(repo, "POST", f"{repo.url}/git/blobs", input={"content": text, "encoding": "utf-8"})["sha"]
    )


def _move_branch(repo: Repository, branch: str, commit: str, *, exists: bool, force: bool = False) -> None:
    """Point the branch at the commit: update it (`force`: even when that drops commits), or create it
    (and update it when a concurrent push created it first)."""
    ref = {"sha": commit, "force": force}
    with translated_errors():
        if not exists:
            try:
                fields = {"ref": f"refs/heads/{branch}", "sha": commit}
                _call(repo, "POST", f"{repo.url}/git/refs", input=fields)
                return
            except GithubException as error:
                if error.status != 422:
                    raise
        _call(repo, "PATCH", f"{repo.url}/git/refs/heads/{quote(branch)}", input=ref)


def _call(repo: Repository, method: str, url: str, **arguments: Any) -> Any:
    return repo.requester.requestJsonAndCheck(method, url, **arguments)[1]
