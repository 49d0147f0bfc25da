"""The notification jobs: tell of a completed run, a held-back sync or a story's new status (listeners of
the workflows' and the stories' topics) and send each delivery."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from autodevhub.core import jobs
from autodevhub.core.db import session_scope
from autodevhub.documentation.publish import DOCS_PUBLISHED
from autodevhub.models import UserStory, WorkflowExecution
from autodevhub.notifications import deliveries, events, inbox
from autodevhub.stories.status import STATUS_CHANGED
from autodevhub.workflows.github.sync import SYNC_HELD_BACK
from autodevhub.workflows.github.webhooks import RUN_COMPLETED


@jobs.job("notifications.run_completed", max_tries=3, listens=RUN_COMPLETED)
def run_completed(execution_id: str) -> int:
    """Publish the run's events to channels and inboxes; how many deliveries were queued."""
    with _publishing() as session:
        run = session.get(WorkflowExecution, uuid.UUID(execution_id))
        return _publish(session, events.run_events(session, run) if run else [])


@jobs.job("notifications.story_status", max_tries=3, listens=STATUS_CHANGED)
def story_status(story_id: str, old: str, new: str, by: str) -> int:
    """Publish a story's status change; how many deliveries were queued."""
    with _publishing() as session:
        story = session.get(UserStory, uuid.UUID(story_id))
        return _publish(session, [events.story_event(session, story, old, new, by)] if story else [])


@jobs.job("notifications.sync_delayed", max_tries=3, listens=SYNC_HELD_BACK)
def sync_delayed(project_id: str, message: str, key: str) -> int:
    """Publish a held-back sync (the sync's key allows one an hour per project); deliveries queued."""
    with _publishing() as session:
        return _publish(session, [events.sync_event(session, uuid.UUID(project_id), message, key)])


@jobs.job("notifications.docs_pr", max_tries=3, listens=DOCS_PUBLISHED)
def docs_pr(project_id: str, number: int, url: str, action: str, pages: int) -> int:
    """Publish that the docs pull request was opened or updated; deliveries queued."""
    with _publishing() as session:
        told = events.docs_event(session, uuid.UUID(project_id), number, url, action, pages)
        return _publish(session, [told])


@contextlib.contextmanager
def _publishing() -> Iterator[Session]:
    try:
        with session_scope() as session:
            yield session
    except (IntegrityError, OperationalError) as error:  # a concurrent job told the same event first
        raise jobs.RetryLater("event recorded concurrently", defer=1) from error


def _publish(session: Session, told: list[events.Event]) -> int:
    queued = 0
    for event in told:
        queued += len(deliveries.publish(session, event))
        inbox.deliver(session, event)
    return queued


@jobs.job(deliveries.SEND, max_tries=deliveries.MAX_TRIES)
def send(delivery_id: str) -> str:
    return deliveries.send(delivery_id)
