"""The fake GitHub's issues: create, edit, list (labels, since, pagination) and read, in the shapes of
GitHub's REST reference ("Issues" - the issue object: nulls for a missing milestone, assignee, closed_at)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.support import github_history as history

USER = {"login": "octocat", "id": 1, "type": "User", "site_admin": False}


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def label(name: str, api: str) -> dict[str, Any]:
    return {
        "id": abs(hash(name)) % 10**9,
        "node_id": f"LA_{name}",
        "url": f"{api}/repos/{history.FULL_NAME}/labels/{name}",
        "name": name,
        "color": "ededed",
        "default": False,
        "description": None,
    }


def new_issue(number: int, body: dict[str, Any], api: str) -> dict[str, Any]:
    now = stamp(datetime.now(UTC))
    url = f"{api}/repos/{history.FULL_NAME}/issues/{number}"
    return {
        "id": 9000 + number,
        "node_id": f"I_{number}",
        "url": url,
        "repository_url": f"{api}/repos/{history.FULL_NAME}",
        "labels_url": f"{url}/labels{{/name}}",
        "comments_url": f"{url}/comments",
        "events_url": f"{url}/events",
        "html_url": f"https://github.example/{history.FULL_NAME}/issues/{number}",
        "number": number,
        "state": "open",
        "state_reason": None,
        "title": body.get("title", ""),
        "body": body.get("body"),
        "user": USER,
        "labels": [label(name, api) for name in body.get("labels") or []],
        "assignee": None,
        "assignees": [],
        "milestone": None,
        "locked": False,
        "active_lock_reason": None,
        "comments": 0,
        "closed_at": None,
        "created_at": now,
        "updated_at": now,
        "closed_by": None,
        "author_association": "OWNER",
    }


Issues = dict[int, dict[str, Any]]
MISSING_TITLE = {"message": "Validation Failed", "errors": [{"field": "title", "code": "missing_field"}]}


def answer(
    issues: Issues, method: str, route: list[str], query: dict[str, str], body: dict, api: str
) -> tuple[int, Any]:
    """GET|POST /issues, GET|PATCH /issues/{number}; (status, JSON). Numbers start at 1 per repository."""
    if len(route) == 1 and method == "POST":
        if not body.get("title"):
            return 422, MISSING_TITLE
        number = max(issues, default=0) + 1
        issues[number] = new_issue(number, body, api)
        return 201, issues[number]
    if len(route) == 1 and method == "GET":
        wanted = {name for name in query.get("labels", "").split(",") if name}
        since = query.get("since", "")
        found = [
            issue
            for issue in sorted(issues.values(), key=lambda item: item["number"], reverse=True)
            if (query.get("state", "open") == "all" or issue["state"] == query.get("state", "open"))
            and wanted <= {item["name"] for item in issue["labels"]}
            and (not since or issue["updated_at"] >= since.replace("+00:00", "Z"))
        ]
        return 200, found
    issue = issues.get(int(route[1])) if len(route) == 2 and route[1].isdigit() else None
    if issue is None:
        return 404, {"message": "Not Found"}
    if method == "PATCH":
        for field in ("title", "body", "state"):
            if field in body:
                issue[field] = body[field]
        if "labels" in body:
            issue["labels"] = [label(name, api) for name in body["labels"]]
        issue["updated_at"] = stamp(datetime.now(UTC))
    return 200, issue
