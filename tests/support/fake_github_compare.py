"""The fake GitHub's commit reads over the git store (fake_github_git), in the REST reference's shapes:
`GET /repos/{o}/{r}/commits/{ref}` (a branch, or a full or abbreviated sha; 422 "No commit found" otherwise)
and `GET /repos/{o}/{r}/compare/{base}...{head}` (status, ahead_by, behind_by, total_commits, commits oldest
first, files). As GitHub documents it: commits are paginated (per_page, default 250), the files are listed
on the first page only and at most 300 of them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from tests.support import github_history as history
from tests.support.fake_github_git import GitStore, _commit_json, _descends

FILES_CAP = 300


def answer(store: GitStore, route: list[str], query: dict[str, str], api: str) -> tuple[int, Any]:
    repo_api = f"{api}/repos/{history.FULL_NAME}"
    if route[0] == "commits" and len(route) >= 2:
        ref = unquote("/".join(route[1:]))
        sha = _resolve(store, ref)
        if sha is None:
            return 422, {"message": f"No commit found for SHA: {ref}"}
        return 200, _rest_commit(store, sha, repo_api)
    base_name, dots, head_name = unquote("/".join(route[1:])).partition("...")
    base, head = _resolve(store, base_name), _resolve(store, head_name)
    if not dots or base is None or head is None:
        return 404, {"message": "Not Found"}
    ahead = _only_in(store, head, base)
    behind = _only_in(store, base, head)
    status = (
        "identical" if base == head else "diverged" if ahead and behind else "ahead" if ahead else "behind"
    )
    per_page, page = min(int(query.get("per_page", 250)), 250), int(query.get("page", 1))
    listed = ahead[(page - 1) * per_page : page * per_page]
    return 200, {
        "url": f"{repo_api}/compare/{base_name}...{head_name}",
        "status": status,
        "ahead_by": len(ahead),
        "behind_by": len(behind),
        "total_commits": len(ahead),
        "base_commit": _rest_commit(store, base, repo_api),
        "merge_base_commit": _rest_commit(store, _merge_base(store, base, head), repo_api),
        "commits": [_rest_commit(store, sha, repo_api) for sha in listed],
        "files": _files(store, _merge_base(store, base, head), head)[:FILES_CAP] if page == 1 else [],
    }


def _resolve(store: GitStore, ref: str) -> str | None:
    if f"heads/{ref}" in store.refs:
        return store.refs[f"heads/{ref}"]
    found = [sha for sha in store.commits if len(ref) >= 7 and sha.startswith(ref.lower())]
    return found[0] if len(found) == 1 else None


def _only_in(store: GitStore, tip: str, other: str) -> list[str]:
    """Commits reachable from `tip` but not from `other`, oldest first."""
    seen, order, todo = set(), [], [tip]
    while todo:
        sha = todo.pop()
        if sha in seen or _descends(store, other, sha):
            continue
        seen.add(sha)
        order.append(sha)
        todo.extend(parent["sha"] for parent in store.commits[sha]["parents"])
    return order[::-1]


def _merge_base(store: GitStore, base: str, head: str) -> str:
    todo = [base]
    while todo:
        sha = todo.pop(0)
        if _descends(store, head, sha):
            return sha
        todo.extend(parent["sha"] for parent in store.commits[sha]["parents"])
    return base


def _files(store: GitStore, base: str, head: str) -> list[dict[str, Any]]:
    before = store.trees[store.commits[base]["tree"]["sha"]]
    after = store.trees[store.commits[head]["tree"]["sha"]]
    entries = []
    for path in sorted(set(before) | set(after)):
        if before.get(path) == after.get(path):
            continue
        status = "added" if path not in before else "removed" if path not in after else "modified"
        entries.append({"sha": after.get(path) or before[path], "filename": path, "status": status})
    return entries


def _rest_commit(store: GitStore, sha: str, repo_api: str) -> dict[str, Any]:
    git = _commit_json(store, sha, repo_api)
    parents = [{"sha": p["sha"], "url": f"{repo_api}/commits/{p['sha']}"} for p in git["parents"]]
    return {"sha": sha, "node_id": git["node_id"], "url": f"{repo_api}/commits/{sha}", "commit": git,
            "parents": parents}  # fmt: skip
