"""REST routes for workflows, runs, metrics, syncs and GitHub's webhook: thin, over the workflow services."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from autodevhub.core import jobs
from autodevhub.core.db import session_scope
from autodevhub.core.settings import get_settings
from autodevhub.web.deps import CurrentActor, CurrentIdentity, DbSession, Limit, Offset, ReadSession
from autodevhub.workflows import actions, service
from autodevhub.workflows.actions import DispatchRequest
from autodevhub.workflows.github import webhooks

Days = Annotated[int, Query(ge=1, le=366, description="7, 30 or 90")]
Text = Annotated[str | None, Query(max_length=255)]


# Without Redis the app itself runs the periodic sync (when this API is served on its own; under Reflex,
# which does not pass lifespan events to mounted apps, autodevhub.py registers the same hook).
router = APIRouter(tags=["workflows"], lifespan=jobs.scheduler_lifespan)


class ItemList(BaseModel):
    items: list[dict[str, Any]]
    total: int


class SyncRequest(BaseModel):
    full: bool = False


@router.get("/api/projects/{project_id}/workflows", response_model=ItemList)
def list_workflows(project_id: uuid.UUID, identity: CurrentIdentity, session: DbSession) -> ItemList:
    items = service.list_workflows(session, identity, project_id)
    return ItemList(items=items, total=len(items))


@router.get("/api/projects/{project_id}/executions", response_model=ItemList)
def list_executions(
    project_id: uuid.UUID,
    identity: CurrentIdentity,
    session: ReadSession,
    workflow_id: uuid.UUID | None = None,
    branch: Text = None,
    event: Text = None,
    run_status: Annotated[str | None, Query(alias="status", max_length=255)] = None,
    conclusion: Text = None,
    days: Annotated[int | None, Query(ge=1, le=366, description="7, 30 or 90")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> ItemList:
    items, total = service.list_executions(
        session,
        identity,
        project_id,
        workflow_id=workflow_id,
        branch=branch,
        event=event,
        status=run_status,
        conclusion=conclusion,
        days=days,
        limit=limit,
        offset=offset,
    )
    return ItemList(items=items, total=total)


@router.get("/api/projects/{project_id}/metrics")
def project_metrics(
    project_id: uuid.UUID,
    identity: CurrentIdentity,
    session: ReadSession,
    days: Days = 30,
    workflow: uuid.UUID | None = None,
    branch: Text = None,
    event: Text = None,
) -> dict[str, Any]:
    return service.project_metrics(
        session, identity, project_id, days=days, workflow_id=workflow, branch=branch, event=event
    )


@router.get("/api/projects/{project_id}/sync")
def sync_status(project_id: uuid.UUID, identity: CurrentIdentity, session: DbSession) -> dict[str, Any]:
    return service.sync_status(session, identity, project_id)


@router.post("/api/projects/{project_id}/sync", status_code=status.HTTP_202_ACCEPTED)
def start_sync(
    project_id: uuid.UUID, actor: CurrentActor, session: DbSession, body: SyncRequest | None = None
) -> dict[str, Any]:
    return actions.request_sync(session, actor, project_id, full=bool(body and body.full))


@router.post("/api/workflows/{workflow_id}/dispatch", status_code=status.HTTP_202_ACCEPTED)
def dispatch(
    workflow_id: uuid.UUID, body: DispatchRequest, actor: CurrentActor, session: DbSession
) -> dict[str, Any]:
    actions.dispatch(session, actor, workflow_id, body)
    return {"dispatched": True}


@router.post("/api/executions/{execution_id}/rerun-failed", status_code=status.HTTP_202_ACCEPTED)
def rerun_failed(execution_id: uuid.UUID, actor: CurrentActor, session: DbSession) -> dict[str, Any]:
    actions.rerun_failed(session, actor, execution_id)
    return {"rerun": True}


@router.post("/api/executions/{execution_id}/cancel", status_code=status.HTTP_202_ACCEPTED)
def cancel(execution_id: uuid.UUID, actor: CurrentActor, session: DbSession) -> dict[str, Any]:
    actions.cancel(session, actor, execution_id)
    return {"cancelled": True}


def _refuse(code: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=code)


@router.post("/api/webhooks/github", status_code=status.HTTP_202_ACCEPTED)
async def github_webhook(request: Request) -> JSONResponse:
    """GitHub's deliveries: headers, then size, then signature, then payload; each delivery applied once.

    Nothing reads the body of a request that cannot be signed (no secret set) or is not signed.
    """
    secret, headers = get_settings().github_webhook_secret, request.headers
    if not secret:
        return _refuse(401, "Webhooks are off: GITHUB_WEBHOOK_SECRET is not set.")
    signature = headers.get("x-hub-signature-256", "").strip()
    if not webhooks.SIGNATURE.match(signature):
        return _refuse(401, "Missing or invalid X-Hub-Signature-256.")
    delivery = headers.get("x-github-delivery", "")
    if not webhooks.DELIVERY_ID.match(delivery):
        return _refuse(400, "Missing or invalid X-GitHub-Delivery.")
    length = headers.get("content-length", "")
    if length and (not length.isdigit() or int(length) > webhooks.MAX_BODY_BYTES):
        return _refuse(413, "The payload is larger than 25 MB.")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > webhooks.MAX_BODY_BYTES:
            return _refuse(413, "The payload is larger than 25 MB.")
    if not webhooks.signature_valid(secret, bytes(body), signature):
        return _refuse(401, "Missing or invalid X-Hub-Signature-256.")
    event, content_type = headers.get("x-github-event", ""), headers.get("content-type", "")
    return await run_in_threadpool(_receive, delivery, event, bytes(body), content_type)


def _receive(delivery: str, event: str, body: bytes, content_type: str) -> JSONResponse:
    try:
        payload = webhooks.decode(body, content_type)
    except webhooks.Undecodable as error:
        return _refuse(400, str(error))
    if event == "ping":
        return JSONResponse({"status": "pong"}, status_code=200)
    if event not in webhooks.EVENTS:
        return JSONResponse({"status": "ignored"}, status_code=202)
    with session_scope() as session:
        outcome = webhooks.accept(session, delivery, event, payload)
    if outcome == "duplicate":
        return JSONResponse({"status": "duplicate"}, status_code=200)
    if outcome == "queued":
        return JSONResponse({"status": "queued"}, status_code=202)
    return _refuse(400, outcome)
