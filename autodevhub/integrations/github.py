"""A thin adapter over PyGithub for Actions: configured from settings, bounded waits, plain data out.

Calls block: run them in a worker thread or a job. Reads retry (bounded) on 5xx and secondary rate limits;
POSTs are never retried. A primary rate limit whose reset is further away than GITHUB_MAX_WAIT raises
GitHubRateLimited at once instead of sleeping.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from github import Auth, Github, GithubException, GithubRetry, RateLimitExceededException
from github.ContentFile import ContentFile
from github.Repository import Repository
from github.WorkflowJob import WorkflowJob
from github.WorkflowRun import WorkflowRun

from autodevhub.core.errors import ServiceError
from autodevhub.core.settings import get_settings
from autodevhub.integrations import github_workflow_file as workflow_file
from autodevhub.integrations.github_data import JobData, RunData, WorkflowData, job_data, run_data

PER_PAGE = 100
TIMEOUT_SECONDS = 15
READ_METHODS = frozenset({"GET", "HEAD"})

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


def client(*, lazy: bool = False) -> Github:
    """A PyGithub client for GITHUB_API_URL and GITHUB_TOKEN with bounded retries and waits.

    A lazy client makes objects from ids alone, without reading them first (one request per write).
    """
    settings = get_settings()
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
        auth=Auth.Token(settings.github_token) if settings.github_token else None,
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


def quota(gh: Github) -> tuple[int, datetime]:
    """Requests left and when the quota resets, from the last response's headers (no request)."""
    remaining, _ = gh.requester.rate_limiting
    reset = gh.requester.rate_limiting_resettime
    return remaining, datetime.fromtimestamp(reset, UTC) if reset else datetime.now(UTC)


def repository(gh: Github, full_name: str) -> Repository:
    """The repository, read (one request): its default branch is needed."""
    with translated_errors():
        return gh.get_repo(full_name)


def lazy_repository(full_name: str) -> Repository:
    """The repository as a handle only (no request), for writes."""
    return client(lazy=True).get_repo(full_name)


def workflows(repo: Repository) -> list[WorkflowData]:
    with translated_errors():
        return [
            WorkflowData(w.id, w.name, w.path, w.state, w.html_url or "", w.updated_at)
            for w in repo.get_workflows()
        ]


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


def runs(repo: Repository, since: datetime) -> Iterator[RunData]:
    """Runs created since `since`, newest first; pages are requested only as the caller iterates."""
    with translated_errors():
        for run in repo.get_workflow_runs(created=f">={since:%Y-%m-%dT%H:%M:%SZ}"):
            yield run_data(run)


def run(repo: Repository, run_id: int) -> RunData:
    with translated_errors():
        return run_data(repo.get_workflow_run(run_id))


def jobs(repo: Repository, run_id: int) -> list[JobData]:
    """Jobs of every attempt of a run (re-runs included), with their steps."""
    with translated_errors():
        return [job_data(job) for job in _run_handle(repo, run_id).jobs("all")]


def artifacts(repo: Repository, run_id: int) -> list[dict[str, Any]]:
    with translated_errors():
        handle = _run_handle(repo, run_id)
        return [
            {"id": a.id, "name": a.name, "size": a.size_in_bytes, "expired": a.expired}
            for a in handle.get_artifacts()
        ]


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


def parse_job(gh: Github, payload: dict[str, Any]) -> JobData:
    return job_data(gh.create_from_raw_data(WorkflowJob, payload))
