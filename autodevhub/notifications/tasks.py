"""The notification jobs: tell of a completed run (a listener of the workflows' run topic) and send."""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError, OperationalError

from autodevhub.core import jobs
from autodevhub.core.db import session_scope
from autodevhub.models import WorkflowExecution
from autodevhub.notifications import deliveries, events, inbox
from autodevhub.workflows.github.webhooks import RUN_COMPLETED


@jobs.job("notifications.run_completed", max_tries=3, listens=RUN_COMPLETED)
def run_completed(execution_id: str) -> int:
    """Publish the run's events to channels and inboxes; how many deliveries were queued."""
    try:
        with session_scope() as session:
            run = session.get(WorkflowExecution, uuid.UUID(execution_id))
            if run is None:
                return 0
            queued = 0
            for event in events.run_events(session, run):
                queued += len(deliveries.publish(session, event))
                inbox.deliver(session, event)
            return queued
    except (IntegrityError, OperationalError) as error:  # a concurrent job told the same event first
        raise jobs.RetryLater("event recorded concurrently", defer=1) from error


@jobs.job(deliveries.SEND, max_tries=deliveries.MAX_TRIES)
def send(delivery_id: str) -> str:
    return deliveries.send(delivery_id)
