"""Sync a project's GitHub Actions history: repository -> workflows -> runs, then the jobs features need.

Blocking (PyGithub): run it in a job or a worker thread. GitHub is read outside any transaction; what it
answers is written in short ones (a page of runs, one run's jobs), so logins and webhooks never wait for
GitHub behind a write lock. Incremental: runs are listed newest first (per_page=100, created since midnight
UTC GITHUB_SYNC_DAYS ago, so the URL holds for a day) and the walk stops at the first run that is already
stored, unchanged and completed. Until one walk has reached the end of the window (`history_complete`)
every sync walks the whole window, and a `full` sync always does. Re-runs of older runs arrive through
webhooks (or a full sync).

Quota: the repository, its workflows and the first page of runs are asked for with the ETags of the last
successful sync (If-None-Match); GitHub answers 304 without counting it, so a sync with nothing new costs
nothing, and one with new runs a request per hundred. Jobs are read only for the runs a feature needs, a
few per sync (job_reads). An object GitHub sends without what we need is skipped and counted (reading).
When the quota runs low the sync stops and records "delayed until HH:MM" instead of sleeping; what it
stored so far stays. The summary (WorkflowSync.stats) says what the sync spent and what is left.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, time, timedelta
from itertools import islice
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from autodevhub.core import jobs
from autodevhub.core.db import session_scope
from autodevhub.core.settings import get_settings
from autodevhub.integrations import github
from autodevhub.integrations.github_data import RunData
from autodevhub.models import Project, RunStatus, Workflow, WorkflowExecution, utcnow
from autodevhub.models.workflows import SyncState
from autodevhub.projects import github_access
from autodevhub.workflows.github import job_reads, reading, store
from autodevhub.workflows.github import sync_summary as summary
from autodevhub.workflows.github.sync_summary import SyncResult

QUOTA_RESERVE = 25  # requests left for dispatch, re-run and cancel when a sync runs the quota down
MAX_PENDING_CHECKS = 50
STALE_RUNNING = timedelta(minutes=15)
SYNC_HELD_BACK = "workflows.sync_held_back"  # topic: project id, what held the sync back, a dedupe key


def sync_project(project_id: uuid.UUID | str, *, full: bool = False) -> SyncResult:
    """Bring one project's workflows and runs up to date with GitHub; commits page by page."""
    project_id = uuid.UUID(str(project_id))
    with session_scope() as session:
        refusal = _start(session, project_id)
        if refusal is not None:
            return refusal
        repo_name = session.get(Project, project_id).repo
        state = store.sync_state(session, project_id)
        walk_all = full or not state.history_complete
        etags = dict(state.stats.get("etags") or {})
        default_branch = state.default_branch
    run = _Sync(project_id, walk_all, etags, default_branch)
    try:
        run.sync(repo_name)
    except github.GitHubRateLimited as error:
        run.result.state = SyncState.delayed.value
        run.result.message = f"Sync delayed until {error.reset:%H:%M} UTC (GitHub rate limit)."
        run.delayed_until, run.held_back = error.reset, True
    except github.GitHubError as error:
        run.result.state, run.result.message = SyncState.failed.value, error.message
        run.result.retryable = run.held_back = isinstance(error, github.GitHubDown)
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


def window_start() -> datetime:
    """Midnight UTC GITHUB_SYNC_DAYS ago: the runs listing's URL, and so its ETag, holds for a day."""
    day = (utcnow() - timedelta(days=get_settings().github_sync_days)).date()
    return datetime.combine(day, time(), tzinfo=UTC)


class _Sync:
    """One sync's client, repository, ETags and tallies."""

    def __init__(self, project_id: uuid.UUID, walk_all: bool, etags: dict[str, str], branch: str) -> None:
        self.project_id, self.walk_all = project_id, walk_all
        self.result = SyncResult()
        self.skipped = reading.Skipped()
        self.seen: set[int] = set()
        self.etags, self.new_etags = etags, dict(etags)
        self.default_branch = branch
        self.walk_complete = self.walk_ended = False
        self.delayed_until = None
        self.held_back = False  # a rate limit or an outage, not a fault of ours
        self.quota_before: int | None = None

    def fresh(self, answer: github.Fresh[Any], name: str) -> bool:
        """Note a conditional answer's ETag (kept if the sync succeeds); True when it was not a 304."""
        self.new_etags[name] = answer.etag
        self.result.not_modified += not answer.modified
        return answer.modified

    def sync(self, repo_name: str) -> None:
        self.gh = github.client(github_access.project_token(self.project_id))  # GitHubNotAllowed: refused
        found = github.repository_if_changed(self.gh, repo_name, self.etags.get("repo", ""))
        self.repo = found.value
        if self.fresh(found, "repo"):
            self.default_branch = self.repo.default_branch or ""
        self.quota_before = github.quota(self.gh.requester).remaining + found.modified
        self.result.workflows = self.sync_workflows()
        since = window_start()
        self.walk(since)
        self.refresh_pending(since)
        self.read_jobs(since)
        self.result.message = f"{self.result.new_runs} new and {self.result.updated_runs} updated runs."

    def finish(self) -> None:
        result = self.result
        if self.quota_before is not None:  # GitHub answered
            summary.count_quota(result, github.quota(self.gh.requester), self.quota_before)
        with session_scope() as session:
            state = store.sync_state(session, self.project_id)
            state.state, state.message = SyncState(result.state), result.message
            state.finished_at, state.delayed_until = utcnow(), self.delayed_until
            ok = result.state == SyncState.ok.value
            summary.record(state, result, self.skipped, self.new_etags if ok else None)
            if ok:
                state.last_success_at = state.finished_at
                state.default_branch = self.default_branch or state.default_branch
                state.history_complete = state.history_complete or self.walk_complete
            elif self.seen and not self.walk_ended:  # stored newer runs, not yet the older ones: walk all
                state.history_complete = False
            if self.held_back:  # its listeners (notifications) run after the commit; one an hour at most
                key = f"{self.project_id}:{state.finished_at:%Y%m%d%H}"
                jobs.emit_after_commit(
                    session, SYNC_HELD_BACK, str(self.project_id), result.message, key, key=key
                )

    def guard_quota(self) -> None:
        quota = github.quota(self.gh.requester)
        if 0 <= quota.remaining < QUOTA_RESERVE:
            raise github.GitHubRateLimited(quota.reset)

    def sync_workflows(self) -> int:
        """Workflows from GitHub (nothing to do after a 304); the dispatch inputs of new or changed files,
        each read outside any transaction and stored in a short one. Returns how many the project has."""
        answer = github.workflows(self.repo, self.etags.get("workflows", ""))
        found = reading.workflows(answer.value, self.skipped) if self.fresh(answer, "workflows") else []
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
        with session_scope() as session:
            configurations = session.exec(
                select(Workflow.configuration).where(Workflow.project_id == self.project_id)
            ).all()
        self.result.unreadable_workflows = sum(1 for config in configurations if config.get("error"))
        return len(found) if answer.modified else len(configurations)

    def walk(self, since: datetime) -> None:
        """Runs newest first, page by page, until one proves that older ones are stored. A 304 for the
        first page says the newest hundred runs are as stored."""
        answer = github.runs(self.repo, since, "" if self.walk_all else self.etags.get("runs", ""))
        if not self.fresh(answer, "runs"):
            self.seen |= self.newest_stored(since)
        else:
            for page in _pages(reading.runs(answer.value, self.skipped), github.PER_PAGE):
                with session_scope() as session:
                    stop = self.store_page(session, page)
                    message = f"Syncing: {len(self.seen)} runs read..."
                    store.sync_state(session, self.project_id).message = message
                if stop:
                    break
            else:
                self.walk_complete = True
        self.walk_ended = True

    def newest_stored(self, since: datetime) -> set[int]:
        with session_scope() as session:
            return set(
                session.exec(
                    select(WorkflowExecution.github_run_id)
                    .where(
                        WorkflowExecution.project_id == self.project_id, WorkflowExecution.created_at >= since
                    )
                    .order_by(col(WorkflowExecution.created_at).desc())
                    .limit(github.PER_PAGE)
                )
            )

    def store_page(self, session: Session, page: list[RunData]) -> bool:
        """Store one page's runs, newest first; True at the first run proving that older ones are stored."""
        workflows = {run.workflow_id: store.workflow_for_run(session, self.project_id, run) for run in page}
        known: dict[int, WorkflowExecution] = {}
        for github_id, workflow in workflows.items():
            known |= store.known_runs(
                session, workflow.id, [r.id for r in page if r.workflow_id == github_id]
            )
        for run in page:
            self.seen.add(run.id)
            row = known.get(run.id)
            if store.unchanged(row, run):
                if not self.walk_all and row.status is RunStatus.completed:
                    self.walk_complete = True
                    return True
                continue
            self.apply(session, workflows[run.workflow_id], run, row)
        return False

    def apply(
        self, session: Session, workflow: Workflow, run: RunData, row: WorkflowExecution | None
    ) -> None:
        if row is None:
            self.result.new_runs += 1
        elif not store.unchanged(row, run):
            self.result.updated_runs += 1
        store.apply_run(session, workflow, run, row)
        store.touch(session, self.project_id)

    def refresh_pending(self, since: datetime) -> None:
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
            found = list(reading.runs([github.run(self.repo, run_id)], self.skipped))
            with session_scope() as session:
                row = session.get(WorkflowExecution, execution_id)
                if row is not None and found and not store.unchanged(row, found[0]):
                    self.apply(session, row.workflow, found[0], row)

    def read_jobs(self, since: datetime) -> None:
        """Jobs of the runs a feature needs, newest first, at most READS_PER_SYNC: read from GitHub outside
        any transaction, each run's stored in a short one (a run deleted meanwhile is skipped)."""
        with session_scope() as session:
            wanted = job_reads.wanted(session, self.project_id, since)
        self.result.jobs_pending = len(wanted)  # also what is left when the quota stops the reads
        for execution_id, run_id in wanted[: job_reads.READS_PER_SYNC]:
            self.guard_quota()
            jobs = reading.jobs(github.jobs(self.repo, run_id), self.skipped)
            self.result.jobs_pending -= 1
            with session_scope() as session:
                row = session.get(WorkflowExecution, execution_id)
                if row is None:
                    continue
                store.store_jobs(session, row, jobs)
                store.touch(session, self.project_id)
            self.result.jobs_fetched += 1
