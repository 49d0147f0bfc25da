"""Projects: create, list, read, update, delete; each write audited in the same transaction.

Linking a repository and setting the project's GitHub token follow the trust rules of github_access: a
non-admin's new link is proved against GitHub first, outside any transaction.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Annotated, Self

from pydantic import BaseModel, BeforeValidator, Field, ValidationError
from pydantic_core import PydanticCustomError
from sqlmodel import Session, col, func, select

from autodevhub.auth.guard import require, require_project
from autodevhub.auth.permissions import Permission
from autodevhub.core import audit
from autodevhub.core.db import end_transaction
from autodevhub.core.errors import Conflict, InvalidInput, NotAuthenticated
from autodevhub.core.identity import Actor, Identity
from autodevhub.models import Project, ProjectMember, ProjectRole, RepoTrust, UserRole, utcnow
from autodevhub.models.projects import name_key
from autodevhub.models.workflows import WorkflowSync
from autodevhub.projects import github_access, report_settings

REPO_PATTERN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
MAX_NAME = 100
MAX_DESCRIPTION = 5000
MAX_REPO = 140  # what REPO_PATTERN allows: a 39-character owner, "/", a 100-character name
EDITABLE = ("name", "description", "repo")
RULE = "project_input"  # the pydantic error type of the rules below: their message is the whole sentence


def _refuse(message: str) -> PydanticCustomError:
    return PydanticCustomError(RULE, message)


def _name(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > MAX_NAME:
        raise _refuse(f"Project name is required, at most {MAX_NAME} characters.")
    return value.strip()


def _description(value: object) -> str:
    description = "" if value is None else value
    if not isinstance(description, str) or len(description) > MAX_DESCRIPTION:
        raise _refuse(f"Description must be text of at most {MAX_DESCRIPTION} characters.")
    return description.strip()


def _repo(value: object) -> str | None:
    repo = (value or "").strip() if isinstance(value, str | None) else None
    if repo is None or (repo and not REPO_PATTERN.match(repo)):
        raise _refuse("Repository must look like owner/name.")
    return repo or None


def _token(value: object) -> str | None:
    token = (value or "").strip() if isinstance(value, str | None) else None
    if token is None or (token and not github_access.TOKEN.match(token)):
        raise _refuse("A GitHub token is 20 to 255 letters, digits or underscores (github_pat_..., ghp_...).")
    return token or None


# The rules run before pydantic's own checks (which then always pass, and document the API's schema).
Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME, pattern=r"\S")]  # not only spaces
Description = Annotated[str, Field(max_length=MAX_DESCRIPTION)]
Repo = Annotated[str, Field(max_length=MAX_REPO, pattern=rf"^$|{REPO_PATTERN.pattern}")]  # "": no repository
# Write-only: never echoed, never in a repr; "" or null removes the project's token.
Token = Annotated[
    str,
    Field(
        max_length=255,
        pattern=rf"^$|{github_access.TOKEN_PATTERN}",
        json_schema_extra={"format": "password", "writeOnly": True},
    ),
]


def readable(error: ValidationError) -> str:
    """The first problem as one sentence: a rule's own message, else "field: pydantic's message"."""
    first = error.errors()[0]
    if first["type"] == RULE:
        return first["msg"]
    where = ".".join(str(part) for part in first["loc"])
    if first["type"] == "missing" and where:
        return f"{where.capitalize()} is required."
    return f"{where}: {first['msg']}" if where else first["msg"]


class ProjectInput(BaseModel):
    """Name, description and repository, trimmed and checked: the API body, built by the UI and the CLI."""

    @classmethod
    def parse(cls, data: Mapping[str, object]) -> Self:
        """The model from untrusted browser or CLI input; InvalidInput (one sentence) if a rule is broken."""
        try:
            return cls.model_validate(data)
        except ValidationError as error:
            raise InvalidInput(readable(error)) from None


class ProjectCreate(ProjectInput):
    name: Annotated[Name, BeforeValidator(_name)]
    description: Annotated[Description, BeforeValidator(_description)] = ""
    repo: Annotated[Repo | None, BeforeValidator(_repo)] = None  # "" means no repository
    github_token: Annotated[Token | None, BeforeValidator(_token)] = Field(None, repr=False)


class ProjectUpdate(ProjectInput):
    """Only the fields that were given change: a name of None is refused, a repo of "" or None unlinks."""

    name: Annotated[Name, BeforeValidator(_name)] = None  # optional, but never null
    description: Annotated[Description | None, BeforeValidator(_description)] = None
    repo: Annotated[Repo | None, BeforeValidator(_repo)] = None
    github_token: Annotated[Token | None, BeforeValidator(_token)] = Field(None, repr=False)  # "": remove
    results: report_settings.ReportSettings | None = None  # the CI test reports read, and what they move


def _name_taken(session: Session, name: str, exclude: Project | None = None) -> bool:
    query = select(Project.id).where(Project.name_key == name_key(name))
    if exclude is not None:
        query = query.where(Project.id != exclude.id)
    return session.exec(query).first() is not None


def create_project(session: Session, actor: Actor, data: ProjectCreate) -> Project:
    """A new project owned by its creator; a repository linked as github_access allows (proved first)."""
    owner = require(actor.identity, Permission.PROJECT_CREATE)
    if _name_taken(session, data.name):  # before asking GitHub; the unique index catches a later taker
        raise Conflict("A project with this name already exists.")
    trust = _prove(session, owner, None, data.repo, data.github_token)
    project = Project(owner_id=owner.id, name=data.name, description=data.description, repo=data.repo)
    github_access.record_link(project, owner, trust)
    session.add(project)
    session.flush()
    if data.github_token:
        github_access.set_credential(project, owner, data.github_token)
    session.add(ProjectMember(project_id=project.id, user_id=owner.id, role=ProjectRole.owner))
    audit.record(
        session,
        actor,
        "project.create",
        "project",
        project.id,
        name=project.name,
        repo=project.repo,
        repo_trust=project.repo_trust,
        github_token_set=bool(data.github_token) or None,
    )
    return project


def _prove(
    session: Session, identity: Identity, project: Project | None, repo: str | None, token: str | None
) -> RepoTrust | None:
    """The trust of linking `repo` (None: no link): a non-admin's new link is proved against GitHub with
    `token` after ending the transaction (reload what you loaded); Forbidden when it cannot be."""
    if not repo:
        return None
    if github_access.needs_proof(identity, project, repo):
        end_transaction(session)
    return github_access.prove_link(identity, repo, token)


def visible_projects(
    session: Session,
    identity: Identity | None,
    *,
    limit: int = 50,
    offset: int = 0,
    recent_first: bool = False,
) -> tuple[list[Project], int]:
    """Projects the caller can read (admins: all), by name; `recent_first`: the projects whose runs changed
    last come first (never-synced ones after them), then by name."""
    if identity is None:
        raise NotAuthenticated("Sign in to continue.")
    query = select(Project)
    if identity.role is not UserRole.admin:
        query = query.join(ProjectMember, col(ProjectMember.project_id) == Project.id).where(
            ProjectMember.user_id == identity.id
        )
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    order = [Project.name_key]
    if recent_first:
        query = query.outerjoin(WorkflowSync, col(WorkflowSync.project_id) == Project.id)
        order = [col(WorkflowSync.changed_at).desc().nulls_last(), *order]
    rows = session.exec(query.order_by(*order).limit(limit).offset(offset)).all()
    return list(rows), total


def get_project(session: Session, identity: Identity | None, project_id: uuid.UUID | str) -> Project:
    return require_project(session, identity, Permission.PROJECT_READ, project_id)


def update_project(
    session: Session, actor: Actor, project_id: uuid.UUID | str, data: ProjectUpdate
) -> Project:
    """The fields `data` was given (others stay); audited only when something changed.

    A repository that changes is linked anew (a non-admin's proved with their own token); an admin giving
    the current repository again links it as theirs. The same repository from a non-admin changes nothing.
    """
    project = require_project(session, actor.identity, Permission.PROJECT_UPDATE, project_id)
    identity = actor.identity
    assert identity is not None  # require_project refused anonymous callers
    values = data.model_dump(include=set(EDITABLE), exclude_unset=True)
    token_given = "github_token" in data.model_fields_set
    repo = values.get("repo")
    relink = repo is not None and (repo != project.repo or _admin_confirms(identity, project))
    trust = None
    if relink:
        proof = data.github_token if token_given else github_access.own_token(project, identity)
        trust = _prove(session, identity, project, repo, proof)
        project = require_project(session, identity, Permission.PROJECT_UPDATE, project_id)  # again, after
    if "name" in values and _name_taken(session, values["name"], exclude=project):
        raise Conflict("A project with this name already exists.")
    changed = {key: value for key, value in values.items() if getattr(project, key) != value}
    for key, value in changed.items():
        setattr(project, key, value)
    if data.results is not None and project.settings.get(report_settings.KEY) != data.results.model_dump():
        project.settings = {**project.settings, report_settings.KEY: data.results.model_dump()}
        changed["results"] = True
    if relink or "repo" in changed:
        github_access.record_link(project, identity, trust)
        changed["repo_trust"] = project.repo_trust
    if token_given and (data.github_token or project.github_credential is not None):
        github_access.set_credential(project, identity, data.github_token)
        changed["github_token"] = "set" if data.github_token else "removed"
    if changed:
        project.updated_at = utcnow()
        session.add(project)
        audit.record(
            session,
            actor,
            "project.update",
            "project",
            project.id,
            fields=sorted(changed),
            repo=project.repo if "repo_trust" in changed else None,
            repo_trust=project.repo_trust if "repo_trust" in changed else None,
            github_token=changed.get("github_token"),
        )
    return project


def _admin_confirms(identity: Identity, project: Project) -> bool:
    """An administrator gave the linked repository again: it becomes theirs (the instance token serves it)."""
    return (
        identity.role is UserRole.admin
        and project.repo is not None
        and project.repo_trust is not RepoTrust.admin
    )


def delete_project(session: Session, actor: Actor, project_id: uuid.UUID | str) -> None:
    project = require_project(session, actor.identity, Permission.PROJECT_DELETE, project_id)
    audit.record(session, actor, "project.delete", "project", project.id, name=project.name)
    session.delete(project)
