"""Changing things on GitHub (dispatch, re-run failed jobs, cancel) and starting syncs; WORKFLOW_RUN, audited.

The GitHub calls block (run these from a worker thread) and are never retried: a POST that failed may
still have taken effect. The audit row is written only once GitHub accepted the request.
"""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import Session

from autodevhub.auth.guard import parse_id, require_project
from autodevhub.auth.permissions import Permission
from autodevhub.auth.sessions import Identity
from autodevhub.core import audit, jobs
from autodevhub.core.errors import InvalidInput, NotFound
from autodevhub.integrations import github
from autodevhub.models import Project, Workflow, WorkflowExecution
from autodevhub.workflows.github.tasks import SYNC, sync_job_id

REF = re.compile(r"^(?!/)(?!.*\.\.)(?!.*//)[A-Za-z0-9._/+-]{1,255}(?<!/)$")
MAX_INPUTS = 25
MAX_INPUT_LENGTH = 1000


def authorize_sync(
    session: Session, identity: Identity | None, project_id: object, *, ip_address: str | None = None
) -> Project:
    """Check WORKFLOW_RUN on a project with a repository and record who asked for a sync."""
    project = require_project(session, identity, Permission.WORKFLOW_RUN, project_id)
    if not project.repo:
        raise InvalidInput("Link a GitHub repository (owner/name) to the project first.")
    audit.record(session, "workflow.sync", "project", project.id, user_id=identity.id, ip_address=ip_address)
    return project


def request_sync(
    session: Session,
    identity: Identity | None,
    project_id: object,
    *,
    full: bool = False,
    ip_address: str | None = None,
) -> dict[str, Any]:
    """Queue a sync job (one per project at a time); `queued` is False when one is already waiting."""
    project = authorize_sync(session, identity, project_id, ip_address=ip_address)
    job_id = sync_job_id(project.id)
    queued = jobs.enqueue(SYNC, str(project.id), bool(full), job_id=job_id)
    return {"queued": queued, "job_id": job_id}


def _workflow(session: Session, identity: Identity | None, workflow_id: object) -> tuple[Workflow, Project]:
    workflow = session.get(Workflow, parse_id(workflow_id, "Workflow"))
    if workflow is None:
        raise NotFound("Workflow not found.")
    project = require_project(session, identity, Permission.WORKFLOW_RUN, workflow.project_id)
    if not project.repo or workflow.github_id is None:
        raise InvalidInput("This workflow is not linked to a GitHub repository.")
    return workflow, project


def _execution(
    session: Session, identity: Identity | None, execution_id: object
) -> tuple[WorkflowExecution, Project]:
    row = session.get(WorkflowExecution, parse_id(execution_id, "Run"))
    if row is None:
        raise NotFound("Run not found.")
    project = require_project(session, identity, Permission.WORKFLOW_RUN, row.project_id)
    if not project.repo or row.github_run_id is None:
        raise InvalidInput("This run is not linked to a GitHub repository.")
    return row, project


def clean_inputs(workflow: Workflow, inputs: object) -> dict[str, str]:
    """workflow_dispatch inputs as strings, checked against what the workflow file declares (when known)."""
    if inputs is None:
        inputs = {}
    if not isinstance(inputs, dict) or len(inputs) > MAX_INPUTS:
        raise InvalidInput(f"Inputs must be an object of at most {MAX_INPUTS} entries.")
    cleaned = {}
    for key, value in inputs.items():
        if not isinstance(key, str) or not isinstance(value, str | bool | int | float):
            raise InvalidInput("Each input is a name and a text, number or boolean value.")
        text = str(value).lower() if isinstance(value, bool) else str(value)
        if len(text) > MAX_INPUT_LENGTH:
            raise InvalidInput(f"Input {key!r} is longer than {MAX_INPUT_LENGTH} characters.")
        cleaned[key] = text
    config = workflow.configuration
    if "dispatch" in config:
        if not config["dispatch"]:
            raise InvalidInput("This workflow has no workflow_dispatch trigger.")
        declared = config.get("inputs") or {}
        unknown = sorted(set(cleaned) - set(declared))
        missing = sorted(k for k, spec in declared.items() if spec.get("required") and k not in cleaned)
        if unknown or missing:
            raise InvalidInput(
                f"Unknown inputs: {unknown or 'none'}; missing required inputs: {missing or 'none'}."
            )
    return cleaned


def dispatch(
    session: Session,
    identity: Identity | None,
    workflow_id: object,
    ref: object,
    inputs: object = None,
    *,
    ip_address: str | None = None,
) -> None:
    """Start a workflow_dispatch run of `workflow` on `ref` (a branch or tag)."""
    workflow, project = _workflow(session, identity, workflow_id)
    if not isinstance(ref, str) or not REF.match(ref):
        raise InvalidInput("Ref must be a branch or tag name.")
    cleaned = clean_inputs(workflow, inputs)
    repo = github.lazy_repository(project.repo)
    github.dispatch(repo, workflow.github_id, ref, cleaned)
    audit.record(
        session,
        "workflow.dispatch",
        "workflow",
        workflow.id,
        user_id=identity.id,
        ip_address=ip_address,
        ref=ref,
        inputs=sorted(cleaned),
    )


def rerun_failed(
    session: Session, identity: Identity | None, execution_id: object, *, ip_address: str | None = None
) -> None:
    row, project = _execution(session, identity, execution_id)
    github.rerun_failed_jobs(github.lazy_repository(project.repo), row.github_run_id)
    audit.record(
        session, "workflow.rerun_failed", "execution", row.id, user_id=identity.id, ip_address=ip_address
    )


def cancel(
    session: Session, identity: Identity | None, execution_id: object, *, ip_address: str | None = None
) -> None:
    row, project = _execution(session, identity, execution_id)
    github.cancel(github.lazy_repository(project.repo), row.github_run_id)
    audit.record(session, "workflow.cancel", "execution", row.id, user_id=identity.id, ip_address=ip_address)
