"""The projects list on /settings: one page of the projects the caller can see, and a new-project form."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import ClassVar

import reflex as rx

from autodevhub.auth.guard import require
from autodevhub.auth.permissions import Permission
from autodevhub.models import Project
from autodevhub.projects import service
from autodevhub.ui.forms import form_text
from autodevhub.ui.pagination import PagedState
from autodevhub.ui.session_state import SessionState

NEW_PROJECT_FIELDS = ("name", "description", "repo", "github_token")  # the token: write-only
# Ids of the new-project form's inputs, cleared after a project is created.
NEW_PROJECT_INPUTS = tuple(f"new-project-{field}" for field in NEW_PROJECT_FIELDS)


@dataclasses.dataclass(frozen=True)
class ProjectRow:
    """What the list shows of one project."""

    id: str
    name: str
    description: str
    repo: str
    href: str

    @classmethod
    def of(cls, project: Project) -> ProjectRow:
        return cls(
            id=str(project.id),
            name=project.name,
            description=project.description,
            repo=project.repo or "",
            href=f"/settings/projects/{project.id}",
        )


class ProjectsState(PagedState, SessionState):
    """The caller's projects, 20 a page, by name."""

    PAGE_SIZE: ClassVar[int] = 20

    projects: list[ProjectRow] = []
    error: str = ""
    notice: str = ""

    def _load_page(self, page: int) -> bool:
        def rows(session, identity):
            found, total = service.visible_projects(
                session, identity, limit=self.PAGE_SIZE, offset=self._offset(page)
            )
            return [ProjectRow.of(project) for project in found], total

        result, error = self._service(rows)
        if result is None:
            self.projects, self.total, self.page, self.error = [], 0, 0, error
            return False
        self.projects, self.total = result
        self.page = max(page, 0)
        return True

    @rx.event
    def load_projects(self):
        """on_load: the first page."""
        self.error = self.notice = ""
        self._load_page(0)

    @rx.event(background=True)
    async def create_project(self, form_data: dict):
        """The new-project form: the service refuses viewers; the typed input stays on refusal. A member's
        repository is proved against GitHub with the token typed beside it, off the event loop."""
        fields = {field: form_text(form_data, field) for field in NEW_PROJECT_FIELDS}

        def create(session, actor):
            require(actor.identity, Permission.PROJECT_CREATE)  # who may, before what they typed
            return service.create_project(session, actor, service.ProjectCreate.parse(fields)).name

        result, error = await asyncio.to_thread(self._act, create)
        async with self:
            if result is None:
                self.error, self.notice = error, ""
                return None
            self.error, self.notice = "", f"Project {result} created."
            self._load_page(self.page)
        return [rx.set_value(input_id, "") for input_id in NEW_PROJECT_INPUTS]
