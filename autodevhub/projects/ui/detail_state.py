"""One project's settings page: edit, delete, and manage members; every change re-checked by the service.

The project's GitHub token is write-only here: the page only ever learns whether one is set, and when.
"""

from __future__ import annotations

import asyncio
import dataclasses

import reflex as rx

from autodevhub.auth.guard import require_project
from autodevhub.auth.permissions import Permission
from autodevhub.models import Project, ProjectMember, RepoTrust, User
from autodevhub.projects import github_access, members, service
from autodevhub.projects.detail import ProjectDetail, project_detail
from autodevhub.ui.forms import form_text
from autodevhub.ui.session_state import SessionState

PROJECT_ROLES = ("owner", "maintainer", "member", "viewer")
ADD_MEMBER_EMAIL_INPUT = "add-member-email"
LINK_NOTES = {
    RepoTrust.admin: "Linked by an administrator.",
    RepoTrust.credential: "Linked with a project GitHub token that can push to it.",
    None: "Linked before links were checked: the instance token serves it only if its owner is allowed.",
}


def link_note(project: Project) -> str:
    """How the repository was linked, in words ("" without one)."""
    return LINK_NOTES[project.repo_trust] if project.repo else ""


def token_note(project: Project) -> str:
    """Whether the project has its own GitHub token, and since when; never the token."""
    status = github_access.CredentialStatus.of(project)
    return f"Set on {status.set_at:%Y-%m-%d %H:%M} UTC." if status.set and status.set_at else "Not set."


@dataclasses.dataclass(frozen=True)
class MemberRow:
    """One member as the members table shows it."""

    user_id: str
    email: str
    name: str
    role: str

    @classmethod
    def of(cls, member: ProjectMember, user: User) -> MemberRow:
        name = f"{user.first_name} {user.last_name}".strip()
        return cls(user_id=str(member.user_id), email=user.email, name=name, role=member.role.value)


class ProjectDetailState(SessionState):
    """The project named by the URL's [project_id]; the id is checked by the service on every event."""

    found: bool = False
    problem: str = ""
    name: str = ""
    project_key: str = ""  # the project's id, for links to its other settings pages
    description: str = ""
    repo: str = ""
    link_note: str = ""
    token_set: bool = False
    token_note: str = ""
    saving: bool = False
    # Changes when the saved values change, so the edit form remounts with them as its defaults.
    form_key: str = ""
    can_update: bool = False
    can_delete: bool = False
    can_manage_members: bool = False
    members: list[MemberRow] = []
    error: str = ""
    notice: str = ""
    member_error: str = ""
    member_notice: str = ""

    def _project_ref(self) -> object:
        """The [project_id] route argument: untrusted text, validated by the service."""
        return getattr(self, "project_id", "")

    def _show(self, detail: ProjectDetail | None, problem: str = "") -> None:
        self.found, self.problem = detail is not None, problem
        self.members = [MemberRow.of(member, user) for member, user in detail.members] if detail else []
        project = detail.project if detail else None
        self.name = project.name if project else ""
        self.project_key = str(project.id) if project else ""
        self.description = project.description if project else ""
        self.repo = (project.repo or "") if project else ""
        self.link_note = link_note(project) if project else ""
        self.token_set = bool(project and github_access.CredentialStatus.of(project).set)
        self.token_note = token_note(project) if project else ""
        self.form_key = f"{project.id}:{project.updated_at.isoformat()}" if project else ""
        self.can_update = bool(detail and detail.can_update)
        self.can_delete = bool(detail and detail.can_delete)
        self.can_manage_members = bool(detail and detail.can_manage_members)

    def _reload(self) -> None:
        ref = self._project_ref()
        _, problem = self._service(
            lambda session, identity: self._show(project_detail(session, identity, ref))
        )
        if problem:
            self._show(None, problem)

    @rx.event
    def load_project(self):
        """on_load: the project, or why it cannot be shown (bad id, unknown, not a member, signed out)."""
        self.error = self.notice = self.member_error = self.member_notice = ""
        self._reload()

    def _save(self, fields: dict[str, str]) -> str:
        """`service.update_project` with `fields`, the role checked before the input: the refusal or ""."""
        ref = self._project_ref()

        def save(session, actor):
            require_project(session, actor.identity, Permission.PROJECT_UPDATE, ref)  # before the input
            return service.update_project(session, actor, ref, service.ProjectUpdate.parse(fields))

        return self._act(save)[1]

    def _saved(self, error: str, success: str) -> None:
        self.error, self.notice = error, "" if error else success
        if not error:
            self._reload()

    @rx.event(background=True)
    async def save_project(self, form_data: dict):
        """Maintainers and up: new name, description, repository and (when typed) GitHub token. The repository
        is sent only when it changed; a non-admin's new link is proved against GitHub, off the event loop."""
        fields = {key: form_text(form_data, key) for key in service.EDITABLE}
        token = form_text(form_data, "github_token").strip()
        if token:
            fields["github_token"] = token
        async with self:
            if self.saving:
                return
            self.saving = True
            if fields["repo"].strip() == self.repo:  # unchanged: no new link, no proof asked
                del fields["repo"]
        error = await asyncio.to_thread(self._save, fields)
        async with self:
            self.saving = False
            self._saved(error, "Project saved.")

    @rx.event
    def remove_github_token(self):
        """Maintainers and up: forget the project's own GitHub token."""
        self._saved(self._save({"github_token": ""}), "GitHub token removed.")

    @rx.event
    def delete_project(self):
        """Owners: delete the project (confirmed in a dialog), then back to the list."""
        ref = self._project_ref()
        _, error = self._act(lambda session, actor: service.delete_project(session, actor, ref))
        if error:
            self.error, self.notice = error, ""
            return None
        self._show(None, "This project was deleted.")
        return rx.redirect("/settings")

    def _change_members(self, action, success: str):
        _, error = self._act(action)
        self.member_error, self.member_notice = error, "" if error else success
        if not error:
            self._reload()
        return error

    @rx.event
    def add_member(self, form_data: dict):
        """Owners: add an existing account to the project with a role."""
        email, role = form_text(form_data, "email"), form_text(form_data, "role")
        ref = self._project_ref()
        error = self._change_members(
            lambda session, actor: members.add_member(session, actor, ref, email, role),
            f"{email.strip().lower()} added as {role}.",
        )
        return None if error else rx.set_value(ADD_MEMBER_EMAIL_INPUT, "")

    @rx.event
    def change_member_role(self, user_id: str, role: str):
        """Owners: give a member another role (a project always keeps one owner)."""
        ref = self._project_ref()
        self._change_members(
            lambda session, actor: members.change_member_role(session, actor, ref, user_id, role),
            "Role changed.",
        )

    @rx.event
    def remove_member(self, user_id: str):
        """Owners: take someone out of the project (not its last owner)."""
        ref = self._project_ref()
        self._change_members(
            lambda session, actor: members.remove_member(session, actor, ref, user_id),
            "Member removed.",
        )
