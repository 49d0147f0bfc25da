"""Changing things on GitHub (dispatch, re-run failed jobs, cancel) and starting syncs; WORKFLOW_RUN, audited.

The GitHub calls block (run these from a worker thread) and are never retried: a POST that failed may
still have taken effect. Each is audited before it is made: the audit row is committed first (if that
commit fails, GitHub is never asked), then the outcome is recorded as `<action>.result`. The credential is
the project's own token, else the instance token where github_access allows it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BaseModel, Field, ValidationError
from sqlmodel import Session

from autodevhub.auth.guard import parse_id, require_project
from autodevhub.auth.permissions import Permission
from autodevhub.core import audit, jobs
from autodevhub.core.db import end_transaction
from autodevhub.core.errors import InvalidInput, NotFound
from autodevhub.core.identity import Actor, Identity
from autodevhub.integrations import github
from autodevhub.models import Project, Workflow, WorkflowExecution
from autodevhub.projects import github_access
from autodevhub.workflows.github import dispatch_inputs
from autodevhub.workflows.github.tasks import SYNC, sync_job_id

REF = re.compile(r"^(?!/)(?!.*\.\.)(?!.*//)[A-Za-z0-9._/+-]{1,255}(?<!/)$")
MAX_INPUTS = 25
BAD_REF = "Ref must be a branch or tag name."
BAD_INPUTS = f"Inputs must be an object of at most {MAX_INPUTS} entries."
BAD_INPUT = "Each input is a name and a text, number or boolean value."


InputName = Annotated[str, Field(min_length=1, max_length=100)]
InputText = Annotated[str, Field(max_length=10_000)]  # GitHub caps the whole dispatch payload at 65,535


class DispatchRequest(BaseModel):
    """What a workflow_dispatch asks for: the API's body, built from the dialog's form by the dashboard."""

    ref: str = Field(min_length=1, max_length=255)
    inputs: dict[InputName, InputText | bool | int | float] = Field(
        default_factory=dict, max_length=MAX_INPUTS
    )

    @classmethod
    def of(cls, ref: object, inputs: object = None) -> DispatchRequest:
        """The request from untrusted input (a browser form): InvalidInput if malformed."""
        try:
            return cls.model_validate({"ref": ref, "inputs": {} if inputs is None else inputs})
        except ValidationError as error:
            where = error.errors()[0]["loc"]
            raise InvalidInput(
                BAD_REF if where[0] == "ref" else BAD_INPUTS if len(where) == 1 else BAD_INPUT
            ) from None


def authorize_sync(session: Session, actor: Actor, project_id: uuid.UUID | str) -> Project:
    """Check WORKFLOW_RUN on a project with a repository and record who asked for a sync."""
    project = require_project(session, actor.identity, Permission.WORKFLOW_RUN, project_id)
    if not project.repo:
        raise InvalidInput("Link a GitHub repository (owner/name) to the project first.")
    github_access.token_for(project)  # refuse now what the sync would refuse
    audit.record(session, actor, "workflow.sync", "project", project.id)
    return project


def request_sync(
    session: Session, actor: Actor, project_id: uuid.UUID | str, *, full: bool = False
) -> dict[str, Any]:
    """Queue a sync job (one per project at a time); `queued` is False when one is already waiting."""
    project = authorize_sync(session, actor, project_id)
    job_id = sync_job_id(project.id)
    queued = jobs.enqueue(SYNC, str(project.id), bool(full), job_id=job_id)
    return {"queued": queued, "job_id": job_id}


def _workflow(
    session: Session, identity: Identity | None, workflow_id: uuid.UUID | str
) -> tuple[Workflow, Project]:
    workflow = session.get(Workflow, parse_id(workflow_id, "Workflow"))
    if workflow is None:
        raise NotFound("Workflow not found.")
    project = require_project(session, identity, Permission.WORKFLOW_RUN, workflow.project_id)
    if not project.repo or workflow.github_id is None:
        raise InvalidInput("This workflow is not linked to a GitHub repository.")
    return workflow, project


def _execution(
    session: Session, identity: Identity | None, execution_id: uuid.UUID | str
) -> tuple[WorkflowExecution, Project]:
    row = session.get(WorkflowExecution, parse_id(execution_id, "Run"))
    if row is None:
        raise NotFound("Run not found.")
    project = require_project(session, identity, Permission.WORKFLOW_RUN, row.project_id)
    if not project.repo or row.github_run_id is None:
        raise InvalidInput("This run is not linked to a GitHub repository.")
    return row, project


def clean_inputs(workflow: Workflow, inputs: dict[str, str | bool | int | float]) -> dict[str, str]:
    """workflow_dispatch inputs as text; once the sync has read the workflow file, checked as GitHub does
    (defaults filled, types and choices checked, see dispatch_inputs)."""
    if not isinstance(inputs, dict) or len(inputs) > MAX_INPUTS:
        raise InvalidInput(BAD_INPUTS)
    if not all(isinstance(k, str) and isinstance(v, str | bool | int | float) for k, v in inputs.items()):
        raise InvalidInput(BAD_INPUT)
    config = workflow.configuration
    if "dispatch" not in config:
        return {key: dispatch_inputs.as_text(key, value) for key, value in inputs.items()}
    if config.get("error"):
        raise InvalidInput(f"This workflow cannot be run from here: {config['error']}.")
    if not config["dispatch"]:
        raise InvalidInput("This workflow has no workflow_dispatch trigger.")
    return dispatch_inputs.resolve(config.get("inputs") or {}, inputs)


def _audited_call(
    session: Session,
    actor: Actor,
    project: Project,
    action: str,
    resource: tuple[str, uuid.UUID],
    call: Callable[[github.Repository], None],
    **details: Any,
) -> None:
    """Audit `action`, commit, then `call` GitHub with the project's credential and record the outcome
    (committed too when GitHub refused, before the error goes up)."""
    repo = github.lazy_repository(project.repo, github_access.token_for(project))
    audit.record(session, actor, action, *resource, repo=project.repo, **details)
    end_transaction(session)  # raises if the audit row cannot be committed: GitHub is not asked
    try:
        call(repo)
    except github.GitHubError as error:
        audit.record(session, actor, f"{action}.result", *resource, outcome=f"failed: {error.message}")
        end_transaction(session)
        raise
    audit.record(session, actor, f"{action}.result", *resource, outcome="accepted")


def dispatch(session: Session, actor: Actor, workflow_id: uuid.UUID | str, request: DispatchRequest) -> None:
    """Start a workflow_dispatch run of `workflow` on `request.ref` (a branch or tag)."""
    workflow, project = _workflow(session, actor.identity, workflow_id)
    ref = request.ref
    if not REF.match(ref):
        raise InvalidInput(BAD_REF)
    cleaned = clean_inputs(workflow, request.inputs)
    github_id = workflow.github_id
    _audited_call(
        session,
        actor,
        project,
        "workflow.dispatch",
        ("workflow", workflow.id),
        lambda repo: github.dispatch(repo, github_id, ref, cleaned),
        ref=ref,
        inputs=sorted(cleaned),
    )


def rerun_failed(session: Session, actor: Actor, execution_id: uuid.UUID | str) -> None:
    row, project = _execution(session, actor.identity, execution_id)
    run_id = row.github_run_id
    _audited_call(
        session,
        actor,
        project,
        "workflow.rerun_failed",
        ("execution", row.id),
        lambda repo: github.rerun_failed_jobs(repo, run_id),
    )


def cancel(session: Session, actor: Actor, execution_id: uuid.UUID | str) -> None:
    row, project = _execution(session, actor.identity, execution_id)
    run_id = row.github_run_id
    _audited_call(
        session,
        actor,
        project,
        "workflow.cancel",
        ("execution", row.id),
        lambda repo: github.cancel(repo, run_id),
    )
