"""Sync a project's GitHub Actions history: repository -> workflows -> runs -> jobs and artifacts.

Blocking (PyGithub): run it in a job or a worker thread. GitHub is read outside any transaction; what it
answers is written in short ones (a page of runs, one run's jobs), so logins and webhooks never wait for
GitHub behind a write lock. Incremental: runs are listed newest first
(per_page=100, created within GITHUB_SYNC_DAYS) and the walk stops at the first run that is already stored,
unchanged, completed and summarised, so a sync with nothing new costs three requests (repository, workflows,
first page of runs) plus one per stored run still in progress. Until one walk has reached the end of the
window (`history_complete`) every sync walks the whole window, and a `full` sync always does. Re-runs of
older runs arrive through webhooks (or a full sync). When the quota runs out the sync stops and records
"delayed until HH:MM" instead of sleeping; what it stored so far stays.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import timedelta
from itertools import islice

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, select

from autodevhub.core.db import session_scope
from autodevhub.core.settings import get_settings
from autodevhub.integrations import github
from autodevhub.integrations.github_data import RunData
from autodevhub.models import Project, RunStatus, WorkflowExecution, utcnow
from autodevhub.models.workflows import SyncState
from autodevhub.workflows.github import store

QUOTA_RESERVE = 25  # requests left for dispatch, re-run and cancel when a sync runs the quota down
MAX_PENDING_CHECKS = 50
STALE_RUNNING = timedelta(minutes=15)
Wanted = tuple[uuid.UUID, int]  # a stored run whose jobs are to be read: (its row id, its GitHub run id)


@dataclass
class SyncResult:
    """What one sync did; `retryable` when GitHub was down and a later attempt may succeed."""

    state: str = SyncState.ok.value
    message: str = ""
    workflows: int = 0
    new_runs: int = 0
    updated_runs: int = 0
    jobs_fetched: int = 0
    quota_used: int = 0
    retryable: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


def sync_project(project_id: uuid.UUID | str, *, full: bool = False) -> SyncResult:
    """Bring one project's workflows and runs up to date with GitHub; commits page by page."""
    project_id = uuid.UUID(str(project_id))
    with session_scope() as session:
        refusal = _start(session, project_id)
        if refusal is not None:
            return refusal
        repo_name = session.get(Project, project_id).repo
        walk_all = full or not store.sync_state(session, project_id).history_complete
    run = _Sync(project_id, walk_all)
    try:
        run.sync(repo_name)
    except github.GitHubRateLimited as error:
        run.result.state = SyncState.delayed.value
        run.result.message = f"Sync delayed until {error.reset:%H:%M} UTC (GitHub rate limit)."
        run.delayed_until = error.reset
    except github.GitHubError as error:
        run.result.state, run.result.message = SyncState.failed.value, error.message
        run.result.retryable = isinstance(error, github.GitHubDown)
    # A webhook stored the same run first, or (SQLite) wrote between our read and our write: the retry
    # finds the database as it now is.
    except (IntegrityError, OperationalError):
        run.result.state, run.result.retryable = SyncState.failed.value, True
        run.result.message = "Runs changed while syncing; the sync will run again."
    except Exception:
        run.result.state, run.result.message = (
            SyncState.failed.value,
            "The sync stopped on an unexpected error.",
        )
        run.finish()
        raise
    run.finish()
    return run.result


def _start(session: Session, project_id: uuid.UUID) -> SyncResult | None:
    """Mark the sync running, or say why it should not run now."""
    project = session.get(Project, project_id)
    if project is None or not project.repo:
        return SyncResult(state=SyncState.failed.value, message="The project has no GitHub repository.")
    state = store.sync_state(session, project_id)
    now = utcnow()
    if state.state is SyncState.running and state.started_at and now - state.started_at < STALE_RUNNING:
        return SyncResult(state=SyncState.running.value, message="A sync of this project is already running.")
    if state.delayed_until and state.delayed_until > now:
        message = f"Sync delayed until {state.delayed_until:%H:%M} UTC (GitHub rate limit)."
        return SyncResult(state=SyncState.delayed.value, message=message)
    state.state, state.started_at, state.message = SyncState.running, now, "Syncing..."
    return None


def _pages(items: Iterable[RunData], size: int) -> Iterator[list[RunData]]:
    iterator = iter(items)
    while page := list(islice(iterator, size)):
        yield page


class _Sync:
    """One sync's client, repository and tallies."""

    def __init__(self, project_id: uuid.UUID, walk_all: bool) -> None:
        self.project_id, self.walk_all = project_id, walk_all
        self.gh = github.client()
        self.result = SyncResult()
        self.seen: set[int] = set()
        self.default_branch = ""
        self.walk_complete = False
        self.delayed_until = None

    def sync(self, repo_name: str) -> None:
        self.repo = github.repository(self.gh, repo_name)
        self.default_branch = self.repo.default_branch or ""
        quota_before = github.quota(self.gh)[0] + 1
        self.result.workflows = self.sync_workflows()
        since = utcnow() - timedelta(days=get_settings().github_sync_days)
        for page in _pages(github.runs(self.repo, since), github.PER_PAGE):
            with session_scope() as session:
                stop, wanted = self.store_page(session, page)
                store.sync_state(session, self.project_id).message = f"Syncing: {len(self.seen)} runs read..."
            self.fetch_jobs(wanted)
            if stop:
                break
        else:
            self.walk_complete = True
        self.refresh_pending(since)
        self.result.quota_used = max(0, quota_before - github.quota(self.gh)[0])
        self.result.message = f"{self.result.new_runs} new and {self.result.updated_runs} updated runs."

    def finish(self) -> None:
        result = self.result
        with session_scope() as session:
            state = store.sync_state(session, self.project_id)
            state.state, state.message = SyncState(result.state), result.message
            state.finished_at, state.quota_used = utcnow(), result.quota_used
            state.delayed_until = self.delayed_until
            counts = ("workflows", "new_runs", "updated_runs", "jobs_fetched")
            state.stats = {name: getattr(result, name) for name in counts}
            if result.state == SyncState.ok.value:
                state.last_success_at = state.finished_at
                state.default_branch = self.default_branch or state.default_branch
                state.history_complete = state.history_complete or self.walk_complete

    def guard_quota(self) -> None:
        remaining, reset = github.quota(self.gh)
        if 0 <= remaining < QUOTA_RESERVE:
            raise github.GitHubRateLimited(reset)

    def sync_workflows(self) -> int:
        """Workflows from GitHub; the dispatch inputs of new or changed files, each read outside any
        transaction and stored in a short one."""
        found = github.workflows(self.repo)
        with session_scope() as session:
            changed = [
                data
                for data in found
                if store.upsert_workflow(session, self.project_id, data)[1]
                and data.path.startswith(".github/workflows/")  # not GitHub's dynamic workflows
            ]
        for data in changed:
            self.guard_quota()
            declared = github.dispatch_inputs(self.repo, data.path)
            with session_scope() as session:
                workflow, _ = store.upsert_workflow(session, self.project_id, data)
                store.remember_inputs(workflow, data.updated_at, declared)
        return len(found)

    def store_page(self, session: Session, page: list[RunData]) -> tuple[bool, list[Wanted]]:
        """Store one page's runs, newest first: (True at the first run proving that older ones are stored,
        the completed runs whose jobs are still to be read)."""
        workflows = {run.workflow_id: store.workflow_for_run(session, self.project_id, run) for run in page}
        known: dict[int, WorkflowExecution] = {}
        for github_id, workflow in workflows.items():
            known |= store.known_runs(
                session, workflow.id, [r.id for r in page if r.workflow_id == github_id]
            )
        wanted: list[Wanted] = []
        for run in page:
            self.seen.add(run.id)
            row = known.get(run.id)
            if store.unchanged(row, run) and not store.needs_jobs(row):
                if not self.walk_all and row.status is RunStatus.completed:
                    self.walk_complete = True
                    return True, wanted
                continue
            wanted += self.apply(session, workflows[run.workflow_id], run, row)
        return False, wanted

    def apply(self, session: Session, workflow, run: RunData, row: WorkflowExecution | None) -> list[Wanted]:
        """Store the run; [(its row id, its GitHub id)] when its jobs are to be read."""
        if row is None:
            self.result.new_runs += 1
        elif not store.unchanged(row, run):
            self.result.updated_runs += 1
        row = store.apply_run(session, workflow, run, row)
        store.touch(session, self.project_id)
        return [(row.id, run.id)] if store.needs_jobs(row) else []

    def fetch_jobs(self, wanted: list[Wanted]) -> None:
        """Jobs and artifacts of completed runs: read from GitHub outside any transaction, each run's stored
        in a short one (a run deleted meanwhile is skipped)."""
        for execution_id, run_id in wanted:
            self.guard_quota()
            jobs, artifacts = github.jobs(self.repo, run_id), github.artifacts(self.repo, run_id)
            with session_scope() as session:
                row = session.get(WorkflowExecution, execution_id)
                if row is None:
                    continue
                store.store_jobs(session, row, jobs)
                row.artifacts = {"items": artifacts}
                store.touch(session, self.project_id)
            self.result.jobs_fetched += 1

    def refresh_pending(self, since) -> None:
        """Stored runs still queued or in progress that the walk did not reach: ask for each (bounded),
        outside any transaction."""
        with session_scope() as session:
            rows = session.exec(
                select(WorkflowExecution).where(
                    WorkflowExecution.project_id == self.project_id,
                    WorkflowExecution.created_at >= since,
                    WorkflowExecution.status != RunStatus.completed,
                )
            ).all()
            unseen = [
                (r.id, r.github_run_id)
                for r in rows
                if r.github_run_id is not None and r.github_run_id not in self.seen
            ]
        for execution_id, run_id in unseen[:MAX_PENDING_CHECKS]:
            self.guard_quota()
            run = github.run(self.repo, run_id)
            with session_scope() as session:
                row = session.get(WorkflowExecution, execution_id)
                wanted = []
                if row is not None and (not store.unchanged(row, run) or store.needs_jobs(row)):
                    wanted = self.apply(session, row.workflow, run, row)
            self.fetch_jobs(wanted)
