"""Which GitHub credential may act on a project's repository, and the proof asked of whoever links one.

The instance GITHUB_TOKEN serves a repository only when its owner is in AUTODEVHUB_GITHUB_ALLOWED_OWNERS or
an administrator linked it. A project may carry its own token (sealed at rest, never shown again); it then
serves that project instead. A non-admin links a repository only when its owner is allowed and their own
token (given with the link, or set by them earlier) can push to it, as GitHub itself answers.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from datetime import datetime

from autodevhub.core import crypto
from autodevhub.core.db import session_scope
from autodevhub.core.errors import Forbidden
from autodevhub.core.identity import Identity
from autodevhub.core.settings import get_settings
from autodevhub.integrations import github
from autodevhub.models import Project, RepoTrust, UserRole, utcnow

PURPOSE = "project-github-token"  # its key: core.keys.derive_key(PURPOSE)
TOKEN_PATTERN = r"^[A-Za-z0-9_]{20,255}$"  # noqa: S105 (a pattern, not a secret): classic (40 hex, ghp_...) and fine-grained (github_pat_...)
TOKEN = re.compile(TOKEN_PATTERN)


class GitHubNotAllowed(github.GitHubError):
    """No credential may act on this repository for this project; the message says what would."""

    status = 403


@dataclasses.dataclass(frozen=True)
class CredentialStatus:
    """All that is ever said about a project's token: whether one is set, and when."""

    set: bool
    set_at: datetime | None

    @classmethod
    def of(cls, project: Project) -> CredentialStatus:
        present = project.github_credential is not None
        return cls(set=present, set_at=project.github_credential_set_at if present else None)


def owner_allowed(repo: str) -> bool:
    """True when the instance token may serve `repo` (owner/name) without an administrator's link."""
    return repo.partition("/")[0].lower() in get_settings().allowed_github_owners


def _stored_token(project: Project) -> str:
    try:
        return crypto.unseal(project.github_credential or "", purpose=PURPOSE, context=str(project.id))
    except crypto.SealedValueUnreadable:
        raise GitHubNotAllowed(
            "The project's GitHub token cannot be read (the instance secret key changed?): set it again."
        ) from None


def token_for(project: Project) -> str | None:
    """The token for acting on the project's repository: its own, else None (the instance token) when the
    owner is allowed or an administrator linked it; GitHubNotAllowed otherwise."""
    if not project.repo:
        raise GitHubNotAllowed("The project has no GitHub repository.")
    if project.github_credential is not None:
        return _stored_token(project)
    if owner_allowed(project.repo) or project.repo_trust is RepoTrust.admin:
        return None
    raise GitHubNotAllowed(
        f"The instance GitHub token may not act on {project.repo}: its owner is not in "
        "AUTODEVHUB_GITHUB_ALLOWED_OWNERS and no administrator linked it. Give the project a GitHub token "
        "of its own, or ask an administrator to link the repository."
    )


def project_token(project_id: uuid.UUID) -> str | None:
    """`token_for` the project, read in a short transaction of its own (for jobs)."""
    with session_scope() as session:
        project = session.get(Project, project_id)
        if project is None:
            raise GitHubNotAllowed("The project no longer exists.")
        return token_for(project)


def set_credential(project: Project, identity: Identity, token: str | None) -> None:
    """Seal and keep `token` as the project's credential (None removes it)."""
    project.github_credential = (
        None if token is None else crypto.seal(token, purpose=PURPOSE, context=str(project.id))
    )
    project.github_credential_set_by = None if token is None else identity.id
    project.github_credential_set_at = None if token is None else utcnow()


def own_token(project: Project, identity: Identity) -> str | None:
    """The project's stored token when `identity` set it (their own, so it may prove their links)."""
    if project.github_credential is None or project.github_credential_set_by != identity.id:
        return None
    return _stored_token(project)


def needs_proof(identity: Identity, project: Project | None, repo: str | None) -> bool:
    """Whether linking `repo` (None: unlinking) asks GitHub for proof: a non-admin's new repository."""
    return bool(repo) and identity.role is not UserRole.admin and (project is None or project.repo != repo)


def prove_link(identity: Identity, repo: str, token: str | None) -> RepoTrust:
    """How `identity` may link `repo`: as an administrator, or (blocking: asks GitHub) with a token of their
    own that can push to it, under an allowed owner. Forbidden with the reason otherwise."""
    if identity.role is UserRole.admin:
        return RepoTrust.admin
    if not owner_allowed(repo):
        raise Forbidden(
            f"Only an administrator can link {repo}: its owner is not in AUTODEVHUB_GITHUB_ALLOWED_OWNERS."
        )
    if token is None:
        raise Forbidden(
            f"To link {repo}, give the project a GitHub token of yours that can push to it "
            "(fine-grained: Actions read and write, Contents read), or ask an administrator."
        )
    try:
        found = github.repository(github.client(token), repo)
    except (github.GitHubDown, github.GitHubRateLimited):
        raise
    except github.GitHubError as error:
        raise Forbidden(f"That GitHub token cannot open {repo} ({error.message}).") from None
    if (found.full_name or "").lower() != repo.lower():
        raise Forbidden(f"{repo} is now {found.full_name} on GitHub: link that name.")
    if not (found.permissions and found.permissions.push):
        raise Forbidden(f"That GitHub token cannot push to {repo}: GitHub grants it read access only.")
    return RepoTrust.credential


def record_link(project: Project, identity: Identity, trust: RepoTrust | None) -> None:
    """Who linked the project's current repository, how and when (all None once it is unlinked)."""
    linked = project.repo is not None
    project.repo_trust = trust if linked else None
    project.repo_linked_by = identity.id if linked else None
    project.repo_linked_at = utcnow() if linked else None
