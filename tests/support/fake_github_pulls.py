"""The fake GitHub's pull requests, in the shapes of GitHub's REST reference ("Pulls"): 422 for a second
open pull request of one head or a missing branch, pull requests sharing the issues' numbers (a pull request
is an issue too, listed among the issues with a `pull_request` field); `merge` is the merge button."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tests.support import github_history as history
from tests.support.fake_github_issues import USER, new_issue, stamp

if TYPE_CHECKING:
    from tests.support.fake_github_git import GitStore


def not_found() -> tuple[int, Any]:
    return 404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}


def answer(
    store: GitStore, issues: dict, method: str, route: list[str], query: dict, body: dict, api: str
) -> tuple[int, Any]:
    repo_api = f"{api}/repos/{history.FULL_NAME}"
    owner = history.FULL_NAME.split("/")[0]
    if len(route) == 1 and method == "POST":
        head, base = str(body.get("head", "")), str(body.get("base", ""))
        branch = head.split(":", 1)[-1]
        if f"heads/{branch}" not in store.refs or f"heads/{base}" not in store.refs:
            return 422, _invalid("head" if f"heads/{branch}" not in store.refs else "base", "invalid")
        if any(p["head"]["ref"] == branch and p["state"] == "open" for p in store.pulls.values()):
            return 422, _invalid("", "custom", f"A pull request already exists for {owner}:{branch}.")
        number = max([*issues, *store.pulls], default=0) + 1
        store.writes.append("pull")
        store.pulls[number] = _pull_json(store, number, body, branch, base, repo_api)
        issue = new_issue(number, {"title": body.get("title", ""), "body": body.get("body")}, api)
        issues[number] = {**issue, "pull_request": {"url": f"{repo_api}/pulls/{number}", "merged_at": None}}
        return 201, _refreshed(store, number)
    if len(route) == 1:
        state, head = query.get("state", "open"), query.get("head", "")
        found = [
            _refreshed(store, number)
            for number, pull in sorted(store.pulls.items(), reverse=True)
            if (state == "all" or pull["state"] == state)
            and (not head or f"{owner}:{pull['head']['ref']}" == head)
        ]
        return 200, found
    number = int(route[1]) if route[1].isdigit() else 0
    if number not in store.pulls:
        return not_found()
    if method == "PATCH":
        pull = store.pulls[number]
        for name in ("title", "body", "state"):
            if name in body:
                pull[name] = body[name]
        pull["updated_at"] = stamp(datetime.now(UTC))
    return 200, _refreshed(store, number)


def merge(store: GitStore, issues: dict, number: int) -> dict[str, Any]:
    """The merge button, squashing: the head's files in one commit on the base; the pull request closed,
    merged, with that merge commit (as GitHub then serves it). The head branch stays."""
    pull = store.pulls[number]
    sha = store.commit_files(
        pull["base"]["ref"], store.files_at(pull["head"]["ref"]), f"{pull['title']} (#{number})"
    )
    now = stamp(datetime.now(UTC))
    pull.update(
        state="closed", merged=True, merged_at=now, closed_at=now, merge_commit_sha=sha, updated_at=now
    )
    issues[number].update(state="closed", closed_at=now)
    issues[number]["pull_request"]["merged_at"] = now
    return _refreshed(store, number)


def _pull_json(store: GitStore, number: int, body: dict, branch: str, base: str, repo_api: str) -> dict:
    now = stamp(datetime.now(UTC))
    html = f"https://github.example/{history.FULL_NAME}/pull/{number}"
    repo = {"id": 1296269, "name": history.NAME, "full_name": history.FULL_NAME, "url": repo_api}
    return {
        "id": 7000 + number,
        "node_id": f"PR_{number}",
        "url": f"{repo_api}/pulls/{number}",
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "issue_url": f"{repo_api}/issues/{number}",
        "number": number,
        "state": "open",
        "locked": False,
        "title": body.get("title", ""),
        "user": USER,
        "body": body.get("body"),
        "labels": [],
        "milestone": None,
        "active_lock_reason": None,
        "created_at": now,
        "updated_at": now,
        "closed_at": None,
        "merged_at": None,
        "merge_commit_sha": None,
        "assignee": None,
        "assignees": [],
        "requested_reviewers": [],
        "requested_teams": [],
        "draft": bool(body.get("draft")),
        "head": {
            "label": f"{history.FULL_NAME.split('/')[0]}:{branch}",
            "ref": branch,
            "sha": "",
            "user": USER,
            "repo": repo,
        },
        "base": {
            "label": f"{history.FULL_NAME.split('/')[0]}:{base}",
            "ref": base,
            "sha": "",
            "user": USER,
            "repo": repo,
        },
        "author_association": "OWNER",
        "auto_merge": None,
        "merged": False,
        "mergeable": None,
        "comments": 0,
        "commits": 1,
        "additions": 0,
        "deletions": 0,
        "changed_files": 0,
    }


def _refreshed(store: GitStore, number: int) -> dict[str, Any]:
    """The pull request with its head and base shas as the branches now stand."""
    pull = store.pulls[number]
    for end in ("head", "base"):
        pull[end]["sha"] = store.refs.get(f"heads/{pull[end]['ref']}", pull[end]["sha"])
    return pull


def _invalid(field_name: str, code: str, message: str = "") -> dict[str, Any]:
    error = {"resource": "PullRequest", "code": code, **({"field": field_name} if field_name else {})}
    return {
        "message": "Validation Failed",
        "errors": [{**error, **({"message": message} if message else {})}],
        "documentation_url": "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
    }
