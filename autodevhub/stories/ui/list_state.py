"""/stories: one page of the stories the caller can read, filtered by project, status, failing CI scenarios
and text, sorted."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import reflex as rx

from autodevhub.stories import queries
from autodevhub.stories.ui.detail_view import project_names, story_projects
from autodevhub.stories.ui.rows import SORTS, STATUS_LABELS, StoryRow, story_row
from autodevhub.ui.forms import form_text
from autodevhub.ui.pagination import PagedState
from autodevhub.ui.rows import ProjectOption
from autodevhub.ui.session_state import SessionState

ALL = "all"
FAILING = "failing"


@dataclasses.dataclass(frozen=True)
class Filters:
    """The list's filters as the service takes them ("" means any)."""

    project_id: str = ""
    status: str = ""
    q: str = ""
    sort: str = "newest"
    failing: bool = False  # only stories with a scenario failing on the default branch


class StoriesState(PagedState, SessionState):
    """The filters live on the server (`_filters`); the selects show their values."""

    PAGE_SIZE: ClassVar[int] = 20

    stories: list[StoryRow] = []
    projects: list[ProjectOption] = []
    project_filter: str = ALL
    status_filter: str = ALL
    results_filter: str = ALL  # "failing" or ALL
    sort: str = "newest"
    query: str = ""
    filtered: bool = False
    loaded: bool = False
    error: str = ""
    _filters: Filters = Filters()

    def _load_page(self, page: int) -> bool:
        filters, size, offset = self._filters, self.PAGE_SIZE, self._offset(page)

        def rows(session, identity):
            found, total = queries.list_stories(
                session,
                identity,
                project_id=filters.project_id or None,
                status=filters.status or None,
                q=filters.q,
                failing=True if filters.failing else None,
                sort=SORTS[filters.sort],
                limit=size,
                offset=offset,
            )
            names = project_names(session, found)
            return [story_row(story, names.get(story.project_id, "")) for story in found], total

        result, error = self._service(rows)
        self.error = error
        if result is None:
            self.stories, self.total, self.page = [], 0, 0
            return False
        self.stories, self.total = result
        self.page, self.loaded = max(page, 0), True
        return True

    def _apply(self, filters: Filters) -> None:
        """Show page one under `filters`; a refused filter leaves the previous ones in force."""
        previous, self._filters = self._filters, filters
        if not self._load_page(0):
            refusal, self._filters = self.error, previous
            if previous != filters:
                self._load_page(0)
                self.error = refusal
        current = self._filters
        self.project_filter = current.project_id or ALL
        self.status_filter = current.status or ALL
        self.results_filter = FAILING if current.failing else ALL
        self.sort, self.query = current.sort, current.q
        self.filtered = current != Filters(sort=current.sort)

    @rx.event
    def load_stories(self):
        """on_load: the caller's projects for the filter, then page one (?project= and ?status= links
        preselect them)."""
        projects, error = self._service(story_projects)
        self.projects = projects or []
        wanted = self.router.url.query_parameters.get("project", "")
        status = self.router.url.query_parameters.get("status", "")
        known = {project.id for project in self.projects}
        self._filters = Filters(
            project_id=wanted if wanted in known else "",
            status=status if isinstance(status, str) and status in STATUS_LABELS else "",
        )
        self._apply(self._filters)
        self.error = self.error or error

    @rx.event
    def filter_project(self, project_id: str):
        """Only one project's stories (the service checks the caller may read it)."""
        value = "" if project_id == ALL else project_id
        if isinstance(value, str):
            self._apply(dataclasses.replace(self._filters, project_id=value))

    @rx.event
    def filter_status(self, status: str):
        value = "" if status == ALL else status
        if value in ("", *STATUS_LABELS):
            self._apply(dataclasses.replace(self._filters, status=value))

    @rx.event
    def filter_results(self, results: str):
        """Only the stories with a scenario failing in CI on the default branch ("failing"), or all."""
        if results in (ALL, FAILING):
            self._apply(dataclasses.replace(self._filters, failing=results == FAILING))

    @rx.event
    def sort_by(self, sort: str):
        if isinstance(sort, str) and sort in SORTS:  # any JSON may arrive: a dict is unhashable
            self._apply(dataclasses.replace(self._filters, sort=sort))

    @rx.event
    def search(self, form_data: dict):
        """The text search form: words in the description or the Gherkin."""
        text = form_text(form_data, "q").strip()[: queries.MAX_QUERY]
        self._apply(dataclasses.replace(self._filters, q=text))

    @rx.event
    def clear_filters(self):
        self._apply(Filters(sort=self._filters.sort))
        return rx.set_value("story-search", "")
