"""The fake GitHub's commit statuses and a pull request's files, in the REST reference's shapes:
`POST /repos/{o}/{r}/statuses/{sha}` (422 for an unknown state or commit), `GET .../commits/{ref}/statuses`
(newest first) and `GET .../pulls/{n}/files` (the files the pull request changes from its merge base,
paginated by the caller)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.support import fake_github_compare as compare
from tests.support import github_history as history
from tests.support.fake_github_git import GitStore
from tests.support.fake_github_issues import USER, stamp
from tests.support.fake_github_pulls import not_found

STATES = ("error", "failure", "pending", "success")


def handles(method: str, route: list[str]) -> bool:
    if route[0] == "statuses":
        return method == "POST" and len(route) == 2
    if route[0] == "commits":
        return method == "GET" and len(route) >= 3 and route[-1] == "statuses"
    return route[0] == "pulls" and method == "GET" and len(route) == 3 and route[2] == "files"


def answer(
    store: GitStore,
    statuses: dict[str, list[dict[str, Any]]],
    method: str,
    route: list[str],
    body: dict,
    api: str,
) -> tuple[int, Any]:
    repo_api = f"{api}/repos/{history.FULL_NAME}"
    if route[0] == "pulls":
        return _files(store, int(route[1]) if route[1].isdigit() else 0)
    if route[0] == "commits":
        return 200, list(reversed(statuses.get("/".join(route[1:-1]), [])))
    sha = route[1]
    if sha not in store.commits:
        return 422, {"message": f"No commit found for SHA: {sha}"}
    if body.get("state") not in STATES:
        return 422, {"message": "Validation Failed", "errors": [{"field": "state", "code": "invalid"}]}
    now = stamp(datetime.now(UTC))
    listed = statuses.setdefault(sha, [])
    status = {
        "url": f"{repo_api}/statuses/{sha}",
        "avatar_url": "https://github.com/images/error/hubot_happy.gif",
        "id": 1000 + sum(len(items) for items in statuses.values()),
        "node_id": f"SC_{sha[:8]}_{len(listed)}",
        "state": body["state"],
        "description": body.get("description"),
        "target_url": body.get("target_url"),
        "context": body.get("context") or "default",
        "created_at": now,
        "updated_at": now,
        "creator": USER,
    }
    listed.append(status)
    return 201, status


def _files(store: GitStore, number: int) -> tuple[int, Any]:
    pull = store.pulls.get(number)
    if pull is None:
        return not_found()
    head = store.refs.get(f"heads/{pull['head']['ref']}", pull["head"]["sha"])
    base = store.refs.get(f"heads/{pull['base']['ref']}", pull["base"]["sha"])
    listed = compare._files(store, compare._merge_base(store, base, head), head)
    return 200, [{**entry, "additions": 1, "deletions": 0, "changes": 1} for entry in listed]
