"""Lead time per story: from its approval to the first successful deploy that carried it.

A story lands when its pull request is merged or its issue is closed; the deploy that carries it is the
first successful run of one of DORA's deploy workflows (workflows.metrics.dora) on the default branch
that ran the merge commit or was created after the story landed. Deliveries come in any order: a deploy
stored before the merge is found when the merge arrives, and a merge known before the deploy is found
when the deploy completes.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from autodevhub.core import audit, jobs
from autodevhub.core.db import session_scope
from autodevhub.core.identity import Actor
from autodevhub.models import Project, StoryLink, UserStory, WorkflowExecution
from autodevhub.stories.service import lead_time
from autodevhub.workflows.github.store import SUCCESS
from autodevhub.workflows.github.webhooks import RUN_COMPLETED
from autodevhub.workflows.metrics import dora

DEPLOYS = Actor(None, None, "deploy runs")


def landed(session: Session, link: StoryLink, when: datetime | None, sha: str = "") -> None:
    """The link's pull request merged (`sha`: its merge commit) or its issue closed at `when` (None: it
    was reopened); a deploy already stored that carries the story ships it at once."""
    link.landed_at, link.landed_sha = when, sha[:64]
    session.add(link)
    story = session.get(UserStory, link.story_id)
    if when is None or story is None or story.approved_at is None or story.shipped_at is not None:
        return
    ids, branch = dora.deploys(session, [session.get(Project, link.project_id)])[link.project_id]
    carried = col(WorkflowExecution.created_at) >= when
    if sha:
        carried = sa.or_(carried, WorkflowExecution.head_sha == sha[:40])
    first = session.exec(
        _successful_deploys(link.project_id, ids, branch)
        .where(carried)
        .order_by(col(WorkflowExecution.completed_at))
        .limit(1)
    ).first()
    if first is not None:
        _ship(session, story, first)


@jobs.job("stories.shipped", max_tries=3, listens=RUN_COMPLETED)
def shipped(run_id: str) -> str:
    """A completed run was stored: if it is a successful deploy of the default branch, it ships every
    approved story of its project that landed before it (or whose merge commit it ran)."""
    with session_scope() as session:
        run = session.get(WorkflowExecution, uuid.UUID(run_id))
        project = session.get(Project, run.project_id) if run is not None else None
        if run is None or project is None or run.conclusion != SUCCESS:
            return "not a successful run"
        ids, branch = dora.deploys(session, [project])[project.id]
        if run.workflow_id not in ids or run.branch != branch:
            return "not a deploy of the default branch"
        carried = sa.or_(
            col(StoryLink.landed_at) <= run.created_at,
            sa.and_(StoryLink.landed_sha != "", StoryLink.landed_sha == run.head_sha),
        )
        stories = session.exec(
            select(UserStory)
            .join(StoryLink, col(StoryLink.story_id) == UserStory.id)
            .where(
                UserStory.project_id == project.id,
                col(UserStory.approved_at).is_not(None),
                col(UserStory.shipped_at).is_(None),
                col(StoryLink.landed_at).is_not(None),
                carried,
            )
            .distinct()
        ).all()
        for story in stories:
            _ship(session, story, run)
        return f"{len(stories)} stories shipped by run {run.github_run_id}"


def _successful_deploys(project_id: uuid.UUID, workflow_ids: list[uuid.UUID], branch: str) -> sa.Select:
    return select(WorkflowExecution).where(
        WorkflowExecution.project_id == project_id,
        col(WorkflowExecution.workflow_id).in_(workflow_ids),
        WorkflowExecution.branch == branch,
        WorkflowExecution.conclusion == SUCCESS,
    )


def _ship(session: Session, story: UserStory, run: WorkflowExecution) -> None:
    story.shipped_at = run.completed_at or run.github_updated_at or run.created_at
    story.shipped_run_url = run.html_url if run.html_url.startswith("https://") else ""
    session.add(story)
    lead = lead_time(story)
    audit.record(
        session, DEPLOYS, "story.shipped", "story", story.id, run=run.github_run_id, lead_time_seconds=lead
    )
