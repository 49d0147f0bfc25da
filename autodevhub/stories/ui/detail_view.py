"""What the story pages read in one transaction: the caller's projects for the picker, one story in full."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlmodel import Session, col, select

from autodevhub.auth.guard import project_role
from autodevhub.auth.permissions import Permission, can
from autodevhub.core.identity import Identity
from autodevhub.models import Project, ProjectMember, UserStory
from autodevhub.projects.service import visible_projects
from autodevhub.stories import github_push, queries, service
from autodevhub.stories.ui.lifecycle import HistoryRow, history_rows
from autodevhub.stories.ui.rows import StorySummary, summary
from autodevhub.ui.metric_text import format_duration
from autodevhub.ui.rows import ProjectOption

PICKER_LIMIT = 200


def story_projects(session: Session, identity: Identity | None) -> list[ProjectOption]:
    """The projects the caller can read, by name, each saying whether the caller may write stories there."""
    projects, _ = visible_projects(session, identity, limit=PICKER_LIMIT)
    assert identity is not None  # visible_projects refused anonymous callers
    query = select(ProjectMember.project_id, ProjectMember.role).where(ProjectMember.user_id == identity.id)
    roles = dict(session.exec(query).all())
    return [
        ProjectOption(str(p.id), p.name, can(identity.role, Permission.STORY_WRITE, roles.get(p.id)))
        for p in projects
    ]


def project_names(session: Session, stories: list[UserStory]) -> dict[Any, str]:
    ids = {story.project_id for story in stories}
    if not ids:
        return {}
    return dict(session.exec(select(Project.id, Project.name).where(col(Project.id).in_(ids))).all())


def summarize(session: Session, story: UserStory) -> StorySummary:
    return summary(story, project_names(session, [story]).get(story.project_id, ""))


@dataclasses.dataclass(frozen=True)
class StoryDetail:
    """A readable story explained, its history and what the caller may do with it."""

    summary: StorySummary
    history: list[HistoryRow]
    can_write: bool
    can_delete: bool
    can_push: bool = False  # maintainers and up, when the project has a repository
    issue: IssueLink | None = None
    pull: IssueLink | None = None
    lead_time: str = ""  # "Lead time 3.2 h: approved ... deployed ..." once a deploy carried it
    shipped_run_url: str = ""


@dataclasses.dataclass(frozen=True)
class IssueLink:
    """The story's GitHub issue or pull request: its number, state and (https URLs only) its address."""

    number: int = 0
    url: str = ""
    state: str = ""

    @classmethod
    def of(cls, link: dict) -> IssueLink:
        url = link["url"] if str(link["url"]).startswith("https://") else ""
        return cls(int(link["number"]), url, link["state"])


def lead_time_text(story: UserStory) -> str:
    """How long from approval to the deploy that carried the story; empty until it shipped."""
    seconds = service.lead_time(story)
    if seconds is None or story.approved_at is None or story.shipped_at is None:
        return ""
    return (
        f"Lead time {format_duration(seconds)}: approved {story.approved_at:%Y-%m-%d %H:%M} UTC, "
        f"deployed {story.shipped_at:%Y-%m-%d %H:%M} UTC"
    )


def story_detail(session: Session, identity: Identity | None, story_id: object) -> StoryDetail:
    """NotAuthenticated, NotFound or Forbidden unless the caller may read the story."""
    story = queries.get_story(session, identity, story_id)
    assert identity is not None  # get_story refused anonymous callers
    role = project_role(session, identity.id, story.project_id)
    project = session.get(Project, story.project_id)
    links = {link["target"]: IssueLink.of(link) for link in github_push.links_of(session, story.id)}
    return StoryDetail(
        summary=summarize(session, story),
        history=history_rows(queries.story_history(session, identity, story.id)),
        can_write=can(identity.role, Permission.STORY_WRITE, role),
        can_delete=can(identity.role, Permission.STORY_DELETE, role),
        can_push=bool(project and project.repo) and can(identity.role, Permission.STORY_PUSH, role),
        issue=links.get("issue"),
        pull=links.get("pull_request"),
        lead_time=lead_time_text(story),
        shipped_run_url=story.shipped_run_url,
    )
