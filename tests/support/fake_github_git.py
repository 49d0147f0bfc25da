"""The fake GitHub's git data, in the shapes of GitHub's REST reference ("Git database": blobs, trees,
commits, references), with the awkward parts: 404 for a missing ref, 422 for a ref that exists or a
non-fast-forward update, blob content in base64 with line breaks. Pull requests: fake_github_pulls.

Trees are kept flat (path -> blob sha); a recursive read lists the folders as `tree` entries like GitHub.
Blob shas are git's own (sha1 of "blob <size>\\0<bytes>"), so a client can compare content without reading it.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.support import fake_github_pulls
from tests.support import github_history as history
from tests.support.fake_github_issues import stamp
from tests.support.fake_github_pulls import not_found


def blob_sha(content: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def _sha(*parts: str) -> str:
    return hashlib.sha1("\n".join(parts).encode()).hexdigest()


@dataclass
class GitStore:
    """One repository's objects, refs and pull requests. Starts with `main` holding the workflow files."""

    blobs: dict[str, bytes] = field(default_factory=dict)
    trees: dict[str, dict[str, str]] = field(default_factory=dict)
    commits: dict[str, dict[str, Any]] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)  # "heads/main" -> commit sha
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)
    writes: list[str] = field(default_factory=list)  # "blob", "tree", "commit", "ref", "pull" per write
    modes: dict[str, str] = field(default_factory=dict)  # path -> "120000" (symlink) or "160000" (submodule)
    truncated: bool = False  # recursive tree listings say GitHub cut them

    def __post_init__(self) -> None:
        if not self.refs:
            files = {path: text for _, path, _ in history.WORKFLOWS.values() for text in [_file_of(path)]}
            self.commit_files("main", {"README.md": "# shop\n\nThe shop.\n", **files}, "Initial commit")

    def commit_files(self, branch: str, files: dict[str, str | None], message: str) -> str:
        """A test's own push: `files` written over the branch's tree (created from main when missing); a
        None text deletes the file."""
        parent = self.refs.get(f"heads/{branch}") or self.refs.get("heads/main")
        entries = dict(self.trees[self.commits[parent]["tree"]["sha"]]) if parent else {}
        for path, text in files.items():
            if text is None:
                entries.pop(path, None)
            else:
                entries[path] = self._blob(text.encode())
        tree = self._tree(entries)
        sha = self._commit(message, tree, [parent] if parent else [])
        self.refs[f"heads/{branch}"] = sha
        return sha

    def files_at(self, branch: str) -> dict[str, str]:
        """The branch's files as text (for assertions)."""
        tree = self.trees[self.commits[self.refs[f"heads/{branch}"]]["tree"]["sha"]]
        return {path: self.blobs[sha].decode() for path, sha in tree.items()}

    def _blob(self, content: bytes) -> str:
        sha = blob_sha(content)
        self.blobs[sha] = content
        return sha

    def _tree(self, entries: dict[str, str]) -> str:
        sha = _sha(*(f"{path} {blob}" for path, blob in sorted(entries.items())))
        self.trees[sha] = entries
        return sha

    def _commit(self, message: str, tree: str, parents: list[str]) -> str:
        now = stamp(datetime.now(UTC))
        sha = _sha(message, tree, *parents, now, str(len(self.commits)))
        person = {"name": "Mona Octocat", "email": "octocat@github.com", "date": now}
        self.commits[sha] = {
            "sha": sha,
            "node_id": f"C_{sha[:10]}",
            "author": person,
            "committer": person,
            "message": message,
            "tree": {"sha": tree},
            "parents": [{"sha": parent} for parent in parents],
            "verification": {"verified": False, "reason": "unsigned", "signature": None, "payload": None},
        }
        return sha


def _file_of(path: str) -> str:
    return next(history.FILES[wid] for wid, (_, p, _) in history.WORKFLOWS.items() if p == path)


def answer(
    store: GitStore, issues: dict[int, dict], method: str, route: list[str], query: dict, body: dict, api: str
) -> tuple[int, Any]:
    """/git/... and /pulls/... of the repository: (status, JSON)."""
    repo_api = f"{api}/repos/{history.FULL_NAME}"
    if route[0] == "pulls":
        return fake_github_pulls.answer(store, issues, method, route, query, body, api)
    kind = route[1] if len(route) > 1 else ""
    if kind == "blobs":
        return _blobs(store, method, route, body, repo_api)
    if kind == "trees":
        return _trees(store, method, route, query, body, repo_api)
    if kind == "commits":
        if method == "POST":
            if body.get("tree") not in store.trees or any(p not in store.commits for p in body["parents"]):
                return 422, {"message": "Tree SHA does not exist"}
            store.writes.append("commit")
            sha = store._commit(body.get("message", ""), body["tree"], list(body.get("parents") or []))
            return 201, _commit_json(store, sha, repo_api)
        sha = route[2] if len(route) == 3 else ""
        return (200, _commit_json(store, sha, repo_api)) if sha in store.commits else not_found()
    if kind in ("ref", "refs"):
        return _refs(store, method, route, body, repo_api)
    return not_found()


def _blobs(store: GitStore, method: str, route: list[str], body: dict, repo_api: str) -> tuple[int, Any]:
    if method == "POST":
        raw = body.get("content", "")
        content = base64.b64decode(raw) if body.get("encoding") == "base64" else raw.encode()
        store.writes.append("blob")
        sha = store._blob(content)
        return 201, {"sha": sha, "url": f"{repo_api}/git/blobs/{sha}"}
    sha = route[2] if len(route) == 3 else ""
    if sha not in store.blobs:
        return not_found()
    encoded = base64.encodebytes(store.blobs[sha]).decode()  # with line breaks, as GitHub sends it
    size = len(store.blobs[sha])
    return 200, {
        "sha": sha,
        "node_id": f"B_{sha[:10]}",
        "size": size,
        "url": f"{repo_api}/git/blobs/{sha}",
        "content": encoded,
        "encoding": "base64",
    }


def _trees(
    store: GitStore, method: str, route: list[str], query: dict, body: dict, repo_api: str
) -> tuple[int, Any]:
    if method == "POST":
        base = body.get("base_tree")
        if base and base not in store.trees:
            return 422, {"message": "base_tree is not a valid tree oid"}
        entries = dict(store.trees[base]) if base else {}
        for item in body.get("tree") or []:
            if item.get("sha") is None and "content" not in item:  # sha null: the base tree's file deleted
                if entries.pop(item["path"], None) is None:
                    return 422, {"message": "GitRPC::BadObjectState"}  # GitHub: no such file to delete
            elif "content" in item:
                entries[item["path"]] = store._blob(item["content"].encode())
            elif item["sha"] in store.blobs:
                entries[item["path"]] = item["sha"]
            else:
                return 422, {"message": f"Invalid tree info: {item['sha']} is not a blob"}
        store.writes.append("tree")
        return 201, _tree_json(store, store._tree(entries), True, repo_api)
    sha = route[2] if len(route) == 3 else ""
    if sha in store.refs.values() or f"heads/{sha}" in store.refs:  # a commit sha or a branch name
        sha = store.commits[store.refs.get(f"heads/{sha}", sha)]["tree"]["sha"]
    if sha not in store.trees:
        return not_found()
    return 200, _tree_json(store, sha, query.get("recursive") not in (None, "", "0", "false"), repo_api)


def _tree_json(store: GitStore, sha: str, recursive: bool, repo_api: str) -> dict[str, Any]:
    entries = store.trees[sha]
    folders = sorted(
        {"/".join(path.split("/")[:depth]) for path in entries for depth in range(1, path.count("/") + 1)}
    )
    items = [
        {
            "path": folder,
            "mode": "040000",
            "type": "tree",
            "sha": _sha(sha, folder),
            "url": f"{repo_api}/git/trees/{_sha(sha, folder)}",
        }
        for folder in folders
    ]
    for path, blob in sorted(entries.items()):
        mode = store.modes.get(path, "100644")
        if mode == "160000":  # a submodule: the commit it pins, no size
            items.append({"path": path, "mode": mode, "type": "commit", "sha": blob})
            continue
        items.append(
            {
                "path": path,
                "mode": mode,
                "type": "blob",
                "sha": blob,
                "size": len(store.blobs[blob]),
                "url": f"{repo_api}/git/blobs/{blob}",
            }
        )
    if not recursive:
        items = [item for item in items if "/" not in item["path"]]
    items.sort(key=lambda item: item["path"])
    cut = recursive and store.truncated
    return {"sha": sha, "url": f"{repo_api}/git/trees/{sha}", "tree": items, "truncated": cut}


def _commit_json(store: GitStore, sha: str, repo_api: str) -> dict[str, Any]:
    commit = store.commits[sha]
    tree = commit["tree"]["sha"]
    parents = [{**p, "url": f"{repo_api}/git/commits/{p['sha']}"} for p in commit["parents"]]
    return {
        **commit,
        "url": f"{repo_api}/git/commits/{sha}",
        "tree": {"sha": tree, "url": f"{repo_api}/git/trees/{tree}"},
        "parents": parents,
    }


def _refs(store: GitStore, method: str, route: list[str], body: dict, repo_api: str) -> tuple[int, Any]:
    if method == "POST" and route[1] == "refs" and len(route) == 2:
        name = str(body.get("ref", "")).removeprefix("refs/")
        if not name.startswith("heads/") or body.get("sha") not in store.commits:
            return 422, {"message": "Reference update failed"}
        if name in store.refs:
            return 422, {"message": "Reference already exists"}
        store.writes.append("ref")
        store.refs[name] = body["sha"]
        return 201, _ref_json(name, body["sha"], repo_api)
    name = "/".join(route[2:])
    if name not in store.refs:
        return not_found()
    if method == "PATCH":
        new = body.get("sha")
        if new not in store.commits:
            return 422, {"message": "Object does not exist"}
        if not body.get("force") and not _descends(store, new, store.refs[name]):
            return 422, {"message": "Update is not a fast forward"}
        store.writes.append("ref")
        store.refs[name] = new
    return 200, _ref_json(name, store.refs[name], repo_api)


def _descends(store: GitStore, sha: str, ancestor: str) -> bool:
    seen, todo = set(), [sha]
    while todo:
        current = todo.pop()
        if current == ancestor:
            return True
        if current not in seen:
            seen.add(current)
            todo.extend(p["sha"] for p in store.commits[current]["parents"])
    return False


def _ref_json(name: str, sha: str, repo_api: str) -> dict[str, Any]:
    return {
        "ref": f"refs/{name}",
        "node_id": f"REF_{name}",
        "url": f"{repo_api}/git/refs/{name}",
        "object": {"sha": sha, "type": "commit", "url": f"{repo_api}/git/commits/{sha}"},
    }
