"""Issues through PyGithub: create, edit, and find one by a marker in its body (plain data out).

Writes are never retried (integrations.github's client retries reads only): a POST that failed may still
have created the issue, which `find_issue` then finds by the marker the body carries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from github.Repository import Repository

from autodevhub.integrations.github import translated_errors

MAX_SCANNED = 300  # issues looked at when searching for a marker


@dataclass(frozen=True)
class IssueData:
    number: int
    url: str
    state: str  # open | closed

    @classmethod
    def of(cls, raw: dict[str, Any]) -> IssueData:
        return cls(int(raw["number"]), str(raw.get("html_url") or ""), str(raw.get("state") or "open"))


def create_issue(repo: Repository, title: str, body: str, labels: list[str]) -> IssueData:
    """POST /repos/{owner}/{repo}/issues."""
    fields = {"title": title, "body": body, "labels": labels}
    with translated_errors():
        return IssueData.of(repo.requester.requestJsonAndCheck("POST", f"{repo.url}/issues", input=fields)[1])


def update_issue(repo: Repository, number: int, title: str, body: str, labels: list[str]) -> IssueData:
    """PATCH /repos/{owner}/{repo}/issues/{number}: its title, body and labels (its state is left alone)."""
    fields = {"title": title, "body": body, "labels": labels}
    url = f"{repo.url}/issues/{number}"
    with translated_errors():
        return IssueData.of(repo.requester.requestJsonAndCheck("PATCH", url, input=fields)[1])


def find_issue(repo: Repository, marker: str, label: str, since: datetime) -> IssueData | None:
    """The issue (not pull request) labelled `label`, updated since `since`, whose body holds `marker`."""
    with translated_errors():
        for scanned, issue in enumerate(repo.get_issues(state="all", labels=[label], since=since)):
            if scanned >= MAX_SCANNED:
                return None
            if issue.pull_request is None and marker in (issue.body or ""):
                return IssueData(issue.number, issue.html_url or "", issue.state or "open")
    return None
