"""Fan an event out to the channels that want it (one delivery row per channel and dedupe key) and send
each delivery as a job: every attempt counted, retried with back-off, the channel marked unhealthy after
UNHEALTHY_AFTER failures in a row (and healthy again on its next success).
"""

from __future__ import annotations

import uuid

from sqlmodel import Session, col, or_, select

from autodevhub.core import jobs
from autodevhub.core.crypto import SealedValueUnreadable
from autodevhub.core.db import session_scope
from autodevhub.models import DeliveryStatus, NotificationChannel, NotificationDelivery, utcnow
from autodevhub.notifications import channels
from autodevhub.notifications.events import Event

SEND = "notifications.send"
MAX_TRIES = 4
UNHEALTHY_AFTER = 3
RETRY_SECONDS = 5.0  # before the second attempt; doubled for each later one


def wants(channel: NotificationChannel, event: Event) -> bool:
    """The channel listens to this event and its filters (workflow, branch) let it through."""
    if event.name not in channel.events:
        return False
    workflow, branch = channel.filters.get("workflow"), channel.filters.get("branch")
    if workflow and event.workflow and workflow.casefold() != event.workflow.casefold():
        return False
    return not (branch and event.branch) or branch == event.branch  # filters narrow run events only


def publish(session: Session, event: Event) -> list[uuid.UUID]:
    """A delivery for each channel (the project's and the instance-wide ones) that wants the event, sent
    after the commit; an event already delivered to a channel (same dedupe key) is not queued again."""
    query = select(NotificationChannel).where(
        or_(
            NotificationChannel.project_id == event.project_id,
            col(NotificationChannel.project_id).is_(None),
        )
    )
    queued = []
    for channel in session.exec(query):
        if wants(channel, event):
            delivery = _record(session, channel, event)
            if delivery is not None:
                queue(session, delivery.id)
                queued.append(delivery.id)
    return queued


def queue(session: Session, delivery_id: uuid.UUID) -> None:
    """Send the delivery once the transaction commits."""
    jobs.enqueue_after_commit(session, SEND, str(delivery_id), job_id=f"{SEND}:{delivery_id}")


def attempt(delivery_id: str, *, last: bool = False) -> NotificationDelivery | None:
    """One attempt at sending a pending delivery (`last`: no retry follows), recorded before and after the
    call, which runs outside any transaction; the delivery as it stands after, None if unknown."""
    with session_scope() as session:
        delivery = session.get(NotificationDelivery, uuid.UUID(delivery_id))
        if delivery is None or delivery.status is not DeliveryStatus.pending:
            return delivery
        channel = session.get(NotificationChannel, delivery.channel_id)
        if channel is None:
            return None
        delivery.attempts += 1
        title, body = delivery.title, delivery.body
        sealed, channel_id = channel.url_sealed, channel.id
    try:
        error_text = channels.send(channels.open_url(sealed, channel_id), title, body)
    except SealedValueUnreadable as error:
        error_text = f"the channel URL cannot be opened: {error}"
    with session_scope() as session:
        delivery = session.get(NotificationDelivery, uuid.UUID(delivery_id))
        channel = session.get(NotificationChannel, delivery.channel_id)
        _record_outcome(delivery, channel, error_text, last=last)
        session.add_all([delivery, channel])
        session.flush()
        session.expunge_all()
    return delivery


def send(delivery_id: str) -> str:
    """The job: one attempt; RetryLater (with back-off) while attempts remain."""
    delivery = attempt(delivery_id)
    if delivery is None:
        return "unknown delivery"
    if delivery.status is DeliveryStatus.pending:
        raise jobs.RetryLater(delivery.error, defer=RETRY_SECONDS * 2 ** (delivery.attempts - 1))
    return delivery.status.value


def _record(session: Session, channel: NotificationChannel, event: Event) -> NotificationDelivery | None:
    """A new delivery, or None when this channel already has the event (two jobs racing for it: the
    unique key refuses the second at commit, and its retry finds the first)."""
    key = event.dedupe_key[:200]
    known = select(NotificationDelivery.id).where(
        NotificationDelivery.channel_id == channel.id, NotificationDelivery.dedupe_key == key
    )
    if session.exec(known).first() is not None:
        return None
    delivery = NotificationDelivery(
        channel_id=channel.id,
        project_id=event.project_id,
        event=event.name,
        dedupe_key=key,
        title=event.title,
        body=event.body,
    )
    session.add(delivery)
    return delivery


def _record_outcome(
    delivery: NotificationDelivery, channel: NotificationChannel, error: str | None, *, last: bool
) -> None:
    if error is None:
        delivery.status, delivery.sent_at, delivery.error = DeliveryStatus.sent, utcnow(), ""
        channel.consecutive_failures, channel.healthy = 0, True
        return
    delivery.error = error[:500]
    channel.consecutive_failures += 1
    channel.healthy = channel.consecutive_failures < UNHEALTHY_AFTER
    if last or delivery.attempts >= MAX_TRIES:
        delivery.status = DeliveryStatus.failed
