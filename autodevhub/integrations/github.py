"""A thin adapter over PyGithub for Actions: configured from settings, bounded waits, plain data out.

Calls block: run them in a worker thread or a job. Reads retry (bounded) on 5xx and secondary rate limits;
POSTs are never retried. A primary rate limit whose reset is further away than GITHUB_MAX_WAIT raises
GitHubRateLimited at once instead of sleeping.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

import requests
from github import Auth, Github, GithubException, GithubRetry, RateLimitExceededException
from github.ContentFile import ContentFile
from github.PaginatedList import PaginatedList
from github.Repository import Repository
from github.Requester import Requester
from github.WorkflowRun import WorkflowRun

from autodevhub.core.errors import ServiceError
from autodevhub.core.settings import get_settings
from autodevhub.integrations import github_workflow_file as workflow_file
from autodevhub.integrations.github_data import JobData, RunData, WorkflowData, run_data

PER_PAGE = 100
TIMEOUT_SECONDS = 15
READ_METHODS = frozenset({"GET", "HEAD"})

T = TypeVar("T")
__all__ = ["GitHubDown", "GitHubError", "GitHubRateLimited", "JobData", "RunData", "WorkflowData"]


class GitHubError(ServiceError):
    """GitHub refused or failed a request; the message says what it answered."""

    status = 502


class GitHubDown(GitHubError):
    """GitHub could not be reached or kept failing (5xx): worth retrying later."""


class GitHubRateLimited(GitHubError):
    """The API quota is spent; `reset` says when it comes back."""

    status = 503

    def __init__(self, reset: datetime) -> None:
        super().__init__(f"GitHub rate limit reached; try again after {reset:%H:%M} UTC.")
        self.reset = reset


def client(token: str | None = None, *, lazy: bool = False) -> Github:
    """A PyGithub client for GITHUB_API_URL with bounded retries and waits, authenticated by `token` (a
    project's own credential) or else the instance GITHUB_TOKEN: the caller decides which may be used.

    A lazy client makes objects from ids alone, without reading them first (one request per write).
    """
    settings = get_settings()
    token = token or settings.github_token
    retry = GithubRetry(
        total=3,
        backoff_factor=0.5,
        backoff_max=10,
        allowed_methods=READ_METHODS,
        max_rate_limit_wait=settings.github_max_wait,
        secondary_rate_wait=min(60, settings.github_max_wait),
        retry_after_max=settings.github_max_wait,
    )
    return Github(
        base_url=settings.github_api_url,
        auth=Auth.Token(token) if token else None,
        timeout=TIMEOUT_SECONDS,
        per_page=PER_PAGE,
        retry=retry,
        seconds_between_requests=settings.github_request_interval or None,
        seconds_between_writes=settings.github_request_interval or None,
        lazy=lazy,
    )


@contextlib.contextmanager
def translated_errors() -> Iterator[None]:
    """PyGithub and transport exceptions as GitHubError, GitHubDown or GitHubRateLimited."""
    try:
        yield
    except RateLimitExceededException as error:
        raise GitHubRateLimited(_reset_time(error.headers or {})) from error
    except GithubException as error:
        message = (error.data or {}).get("message") if isinstance(error.data, dict) else None
        text = f"GitHub answered {error.status}: {message or 'no message'}"
        raise (GitHubDown(text) if error.status >= 500 else GitHubError(text)) from error
    except requests.RequestException as error:
        raise GitHubDown(f"GitHub is unreachable ({type(error).__name__}).") from error


def _reset_time(headers: dict[str, Any]) -> datetime:
    lowered = {str(key).lower(): str(value) for key, value in headers.items()}
    now = datetime.now(UTC)
    if lowered.get("x-ratelimit-reset", "").isdigit():
        return max(now, datetime.fromtimestamp(int(lowered["x-ratelimit-reset"]), UTC))
    if lowered.get("retry-after", "").isdigit():
        return now + timedelta(seconds=int(lowered["retry-after"]))
    return now + timedelta(minutes=1)


@dataclass(frozen=True)
class Quota:
    """The token's requests left of `limit`, and when the quota resets."""

    remaining: int
    limit: int
    reset: datetime


def quota(requester: Requester) -> Quota:
    """The quota as the last response's headers told it (no request); -1 before any response."""
    remaining, limit = requester.rate_limiting
    reset = requester.rate_limiting_resettime
    return Quota(remaining, limit, datetime.fromtimestamp(reset, UTC) if reset else datetime.now(UTC))


@dataclass(frozen=True)
class Fresh(Generic[T]):
    """A conditional read: `value` unless GitHub answered 304 Not Modified (`modified` False, value empty);
    `etag` to send next time. A 304 does not count against the quota."""

    value: T
    etag: str
    modified: bool


class _Raw:
    """A list item kept as GitHub's JSON: PyGithub objects complete a missing attribute with a request
    (or fail with IncompletableObject), so objects are read as data instead."""

    def __init__(self, requester: Requester, headers: dict[str, Any], attributes: dict[str, Any]) -> None:
        self.data = attributes


def _get(requester: Requester, url: str, params: dict[str, Any], etag: str) -> tuple[dict[str, Any], Any]:
    """GET with If-None-Match when an ETag is known: (headers, JSON), the JSON None for a 304."""
    return requester.requestJsonAndCheck(
        "GET", url, parameters=params, headers={"If-None-Match": etag} if etag else None
    )


def _listing(
    requester: Requester, url: str, params: dict[str, Any], item: str, etag: str = ""
) -> Fresh[Iterator[dict[str, Any]]]:
    """A paginated list as raw objects; the first page is read now (conditionally), later ones as iterated."""
    params = {**params, "per_page": PER_PAGE}
    with translated_errors():
        headers, first = _get(requester, url, params, etag)
    if first is None:
        return Fresh(iter(()), headers.get("etag") or etag, False)
    pages = PaginatedList(_Raw, requester, url, params, list_item=item, firstData=first, firstHeaders=headers)
    return Fresh(_translated(item.data for item in pages), headers.get("etag", ""), True)


def _translated(items: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    with translated_errors():
        yield from items


def repository(gh: Github, full_name: str) -> Repository:
    """The repository, read (one request): its default branch is needed."""
    with translated_errors():
        return gh.get_repo(full_name)


def repository_if_changed(gh: Github, full_name: str, etag: str) -> Fresh[Repository]:
    """The repository read conditionally; after a 304 a handle that knows its URL only."""
    url = f"{gh.requester.base_url}/repos/{full_name}"
    with translated_errors():
        headers, data = _get(gh.requester, url, {}, etag)
    if data is None:
        handle = Repository(gh.requester, {}, {"url": url, "full_name": full_name}, completed=False)
        return Fresh(handle, headers.get("etag") or etag, False)
    return Fresh(Repository(gh.requester, headers, data, completed=True), headers.get("etag", ""), True)


def lazy_repository(full_name: str, token: str | None = None) -> Repository:
    """The repository as a handle only (no request), for writes; `token` as for `client`."""
    return client(token, lazy=True).get_repo(full_name)


def workflows(repo: Repository, etag: str = "") -> Fresh[Iterator[dict[str, Any]]]:
    """The repository's workflows as GitHub's JSON objects, read conditionally."""
    return _listing(repo.requester, f"{repo.url}/actions/workflows", {}, "workflows", etag)


def dispatch_inputs(repo: Repository, path: str) -> dict[str, Any]:
    """Whether a workflow file accepts workflow_dispatch, and its declared inputs. A file that is missing,
    too large or hostile YAML accepts no dispatch and says why under "error"; the caller goes on."""
    try:
        with translated_errors():
            content = repo.get_contents(path)
        return workflow_file.dispatch_trigger(_file_bytes(content))
    except (GitHubRateLimited, GitHubDown):
        raise
    except (GitHubError, workflow_file.UnreadableWorkflow) as error:
        return {"dispatch": False, "inputs": {}, "error": f"workflow file not readable: {error.args[0]}"}


def _file_bytes(content: ContentFile | list[ContentFile]) -> bytes:
    """A file's bytes, refused before decoding when larger than the parser reads (GitHub sends no content,
    encoding "none", for files over 1 MB)."""
    if isinstance(content, list) or content.encoding != "base64":
        raise workflow_file.UnreadableWorkflow("a directory, or a file over 1 MB")
    if len(content.content or "") > 4 * workflow_file.MAX_FILE_BYTES // 3 + 4096:  # base64, line breaks
        raise workflow_file.UnreadableWorkflow(f"larger than {workflow_file.MAX_FILE_BYTES // 1024} KiB")
    return content.decoded_content


def runs(repo: Repository, since: datetime, etag: str = "") -> Fresh[Iterator[dict[str, Any]]]:
    """Runs created since `since`, newest first, as GitHub's JSON objects; the first page is read
    conditionally, the others only as the caller iterates."""
    params = {"created": f">={since:%Y-%m-%dT%H:%M:%SZ}"}
    return _listing(repo.requester, f"{repo.url}/actions/runs", params, "workflow_runs", etag)


def run(repo: Repository, run_id: int) -> dict[str, Any]:
    """One run as GitHub's JSON object."""
    with translated_errors():
        return repo.requester.requestJsonAndCheck("GET", f"{repo.url}/actions/runs/{run_id}")[1]


def jobs(repo: Repository, run_id: int) -> list[dict[str, Any]]:
    """Jobs of every attempt of a run (re-runs included), with their steps, as GitHub's JSON objects."""
    url = f"{repo.url}/actions/runs/{run_id}/jobs"
    return list(_listing(repo.requester, url, {"filter": "all"}, "jobs").value)


def _run_handle(repo: Repository, run_id: int) -> WorkflowRun:
    """A run object that knows its URLs without fetching the run itself."""
    url = f"{repo.url}/actions/runs/{run_id}"
    attributes = {
        "id": run_id,
        "url": url,
        "jobs_url": f"{url}/jobs",
        "artifacts_url": f"{url}/artifacts",
        "cancel_url": f"{url}/cancel",
        "rerun_url": f"{url}/rerun",
    }
    return WorkflowRun(repo.requester, {}, attributes, completed=False)


def dispatch(repo: Repository, workflow_id: int, ref: str, inputs: dict[str, Any]) -> None:
    """POST a workflow_dispatch event (never retried)."""
    with translated_errors():
        repo.get_workflow(workflow_id).create_dispatch(ref, inputs, throw=True)


def rerun_failed_jobs(repo: Repository, run_id: int) -> None:
    """POST .../rerun-failed-jobs through PyGithub's requester, so GitHub's refusal keeps its message."""
    with translated_errors():
        repo.requester.requestJsonAndCheck("POST", f"{_run_handle(repo, run_id).url}/rerun-failed-jobs")


def cancel(repo: Repository, run_id: int) -> None:
    with translated_errors():
        repo.requester.requestJsonAndCheck("POST", _run_handle(repo, run_id).cancel_url)


def parse_run(gh: Github, payload: dict[str, Any]) -> RunData:
    """A webhook's workflow_run object (same shape as the REST API's) as RunData, without requests."""
    return run_data(gh.create_from_raw_data(WorkflowRun, payload))
