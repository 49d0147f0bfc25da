"""What the Workflows page shows, read in one transaction through the services (each checks WORKFLOW_READ).

No reflex here: the state runs `collect` in a worker thread, so a large history never blocks the event loop.
The metrics and charts of a window and filter set are the same for every reader of the project: they are
computed once and shared through the cache (Redis across instances) until the project's runs change
(webhooks and syncs move `changed_at`) or VIEW_TTL_SECONDS pass, so "the last 7 days" keeps moving.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import plotly.io
from sqlmodel import Session

from autodevhub.auth.guard import project_role
from autodevhub.auth.permissions import Permission, can
from autodevhub.core.cache import memoized
from autodevhub.core.identity import Identity
from autodevhub.projects import service as projects
from autodevhub.ui.rows import ProjectOption
from autodevhub.workflows import service
from autodevhub.workflows.ui.rows import (
    DoraTile,
    InputField,
    Kpi,
    Option,
    Ranked,
    RunRow,
    dora_tiles,
    figures,
    input_fields,
    kpis,
    ranked,
    run_row,
    unreadable_workflows,
)

MAX_PROJECTS = 100
MAX_OPTIONS = 50
VIEW_TTL_SECONDS = 30.0
VIEW_KEY = "workflows-view:"


@dataclasses.dataclass(frozen=True)
class Query:
    """What the page asks for: project ("" for the first one), window, filters and the table page."""

    project_id: str = ""
    days: int = 30
    workflow_id: str = ""
    branch: str = ""
    event: str = ""
    conclusion: str = ""  # the runs table only: "failure", "success", ...
    page: int = 0
    page_size: int = 20


@dataclasses.dataclass
class Snapshot:
    """Everything one load of the page shows; `project` is None when the caller has no project."""

    projects: list[ProjectOption]
    query: Query
    project: ProjectOption | None = None
    repo: str = ""
    runs: list[RunRow] = dataclasses.field(default_factory=list)
    total: int = 0
    has_history: bool = False
    has_runs: bool = False
    kpis: list[Kpi] = dataclasses.field(default_factory=list)
    dora: list[DoraTile] = dataclasses.field(default_factory=list)
    charts: tuple[dict[str, Any], ...] = ()  # plotly JSON, as Reflex would send a figure
    ranked: tuple[list[Ranked], ...] = ([], [], [])
    workflows: list[Option] = dataclasses.field(default_factory=list)
    dispatch_inputs: dict[str, list[InputField]] = dataclasses.field(default_factory=dict)
    branches: list[str] = dataclasses.field(default_factory=list)
    events: list[str] = dataclasses.field(default_factory=list)
    sync: dict[str, Any] = dataclasses.field(default_factory=dict)
    unreadable: list[str] = dataclasses.field(default_factory=list)
    can_run: bool = False


def collect(session: Session, identity: Identity | None, query: Query) -> Snapshot:
    """The project list and, for the chosen project (the first by default), everything on the page."""
    found, _ = projects.visible_projects(session, identity, limit=MAX_PROJECTS)
    options = [ProjectOption(str(p.id), p.name) for p in found]
    if not (query.project_id or options):
        return Snapshot(projects=options, query=query)
    project = projects.get_project(session, identity, query.project_id or options[0].id)
    chosen = ProjectOption(str(project.id), project.name)
    if chosen not in options:
        options.append(chosen)
    query = dataclasses.replace(query, project_id=chosen.id)
    sync = service.sync_status(session, identity, project.id)  # checks WORKFLOW_READ before the shared view
    bundle, charts = shared_view(session, identity, query, sync["changed_at"] or "")
    page = max(0, query.page)
    rows, total = runs_page(session, identity, query, page)
    if not rows and page:  # fewer runs than before: back to the first page
        page = 0
        rows, total = runs_page(session, identity, query, page)
    history = total > 0 or service.list_executions(session, identity, project.id, limit=1)[1] > 0
    seen = service.filter_options(session, identity, project.id)
    workflows = service.list_workflows(session, identity, project.id)
    return Snapshot(
        projects=options,
        query=dataclasses.replace(query, page=page),
        project=chosen,
        repo=project.repo or "",
        runs=rows,
        total=total,
        has_history=history,
        has_runs=bundle["summary"]["runs"] > 0,
        kpis=kpis(bundle["summary"]),
        dora=dora_tiles(bundle),
        charts=charts,
        ranked=ranked(bundle),
        workflows=[Option(w["id"], w["name"]) for w in workflows],
        dispatch_inputs={w["id"]: input_fields(w["inputs"]) for w in workflows if w["dispatch"]},
        branches=seen["branches"][:MAX_OPTIONS],
        events=seen["events"][:MAX_OPTIONS],
        sync=sync,
        unreadable=unreadable_workflows(workflows),
        can_run=can(identity.role, Permission.WORKFLOW_RUN, project_role(session, identity.id, project.id)),
    )


def shared_view(
    session: Session, identity: Identity | None, query: Query, changed_at: str
) -> tuple[dict[str, Any], tuple[dict[str, Any], ...]]:
    """The metrics bundle and its three charts for the query's project, window and filters (not its page or
    outcome, which only the runs table reads), from the cache while the runs are unchanged. The caller has
    checked that `identity` may read the project's workflows."""
    scope = [query.project_id, query.days, query.workflow_id, query.branch, query.event, changed_at]

    def compute() -> dict[str, Any]:
        bundle = service.project_metrics(
            session,
            identity,
            query.project_id,
            days=query.days,
            workflow_id=query.workflow_id or None,
            branch=query.branch or None,
            event=query.event or None,
        )
        charts = [json.loads(plotly.io.to_json(figure)) for figure in figures(bundle)]
        return {"bundle": bundle, "charts": charts}

    view = memoized(VIEW_KEY, scope, VIEW_TTL_SECONDS, compute)
    return view["bundle"], tuple(view["charts"])


def runs_page(
    session: Session, identity: Identity | None, query: Query, page: int
) -> tuple[list[RunRow], int]:
    """One page of the runs table for the query's project, window and filters."""
    rows, total = service.list_executions(
        session,
        identity,
        query.project_id,
        workflow_id=query.workflow_id,
        branch=query.branch,
        event=query.event,
        conclusion=query.conclusion,
        days=query.days,
        limit=query.page_size,
        offset=max(0, page) * query.page_size,
    )
    return [run_row(r) for r in rows], total
