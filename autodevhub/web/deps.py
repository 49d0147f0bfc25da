"""FastAPI dependencies shared by every router: database session, caller identity, client address."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from autodevhub.auth.api_tokens import identity_for_api_token
from autodevhub.auth.sessions import identity_for_access_token
from autodevhub.core.db import end_transaction, get_engine, replica_engine
from autodevhub.core.errors import CONFLICT, NotAuthenticated, RateLimited, ServiceError
from autodevhub.core.identity import Actor, Identity
from autodevhub.core.ratelimit import get_limiter
from autodevhub.core.settings import get_settings

T = TypeVar("T")
MAX_LIMIT = 200
MAX_OFFSET = 10_000_000  # far past any list, far below the 64-bit integers the databases take
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="page size")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="items to skip")]


async def db_session() -> AsyncIterator[Session]:
    """One transaction per request: committed when the route returns (before the response is sent, so a
    client reads its own writes and a late conflict is a 409), rolled back on error.

    A session touches the database only once used, so it is opened here on the event loop; the commit or
    rollback (database I/O) runs in a worker thread, and only when a transaction was begun. Each thread
    hop costs as much as a small query under load.
    """
    session = Session(get_engine())
    try:
        yield session
        if session.in_transaction():
            await run_in_threadpool(session.commit)
    except BaseException:
        if session.in_transaction():
            await run_in_threadpool(session.rollback)
        raise
    finally:
        session.close()  # the commit or rollback gave the connection back: no I/O left here


DbSession = Annotated[Session, Depends(db_session, scope="function")]


async def read_session() -> AsyncIterator[Session]:
    """A read-only session on the replica (DATABASE_REPLICA_URL; else the primary) for lists, metrics and
    dashboards: never committed, its transaction rolled back in a worker thread. The caller's identity is
    still checked on the primary (DbSession)."""
    session = Session(replica_engine())
    try:
        yield session
    finally:
        if session.in_transaction():
            await run_in_threadpool(session.rollback)
        session.close()


ReadSession = Annotated[Session, Depends(read_session, scope="function")]


async def in_worker(session: Session, work: Callable[[], T]) -> T:
    """`work()` (a route's service call, its answer built) and the commit in one worker thread. A sync
    route costs three hops (the route, the check of its answer, the commit); an async one calling this,
    one. `work` returns plain data: loaded rows expire at the commit."""

    def run() -> T:
        result = work()
        end_transaction(session)
        return result

    return await run_in_threadpool(run)


def client_ip(request: Request) -> str:
    """The caller's address; behind N trusted proxies, the Nth entry from the right of X-Forwarded-For.

    The same rule as Reflex's own (rxconfig passes the same setting), so the UI and the API agree.
    """
    hops = get_settings().trusted_proxy_hops
    forwarded = [ip.strip() for ip in request.headers.get("x-forwarded-for", "").split(",") if ip.strip()]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.client.host if request.client else "unknown"


def bearer_token(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("Missing bearer token: send 'Authorization: Bearer <token>'.")
    return token.strip()


@dataclass(frozen=True)
class Caller:
    """A request's bearer token, checked when `identity()` runs: in the worker thread of the route's own
    work (`in_worker`), the check and the work cost one thread hop instead of two."""

    request: Request
    session: Session
    token: str

    def identity(self) -> Identity:
        return identity_from_token(self.request, self.session, self.token)

    def actor(self) -> Actor:
        return request_actor(self.request).acting_for(self.identity())


async def bearer_caller(request: Request, session: DbSession) -> Caller:
    """The caller, not checked yet: no token is a 401 here, a bad one a 401 once `identity()` runs."""
    return Caller(request, session, bearer_token(request))


BearerCaller = Annotated[Caller, Depends(bearer_caller)]


async def current_identity(caller: BearerCaller) -> Identity:
    """The caller of an API route: a personal API token or a JWT access token, rate limited per token
    (looked up in one worker thread: a sync dependency would cost a hop of its own)."""
    return await run_in_threadpool(caller.identity)


def identity_from_token(request: Request, session: Session, token: str) -> Identity:
    """The caller the bearer token names (401 when none), counted against the API rate limit."""
    found = identity_for_api_token(session, token)
    identity = found[0] if found else identity_for_access_token(session, token)
    if identity is None:
        raise NotAuthenticated("Invalid, expired or revoked token.")
    request.state.user_id = str(identity.id)  # for the request log line (core.logs.USER_ID)
    limit_key = str(found[1]) if found else str(identity.session_id)
    decision = get_limiter().hit(get_settings().rate_limit_api, "api", limit_key)
    if not decision.allowed:
        raise RateLimited(decision.retry_after)
    return identity


CurrentIdentity = Annotated[Identity, Depends(current_identity)]


def request_actor(request: Request) -> Actor:
    """Who calls, before they are known (login, sign-up): an address and a user agent."""
    return Actor.of(None, client_ip(request), request.headers.get("user-agent"))


async def current_actor(request: Request, identity: CurrentIdentity) -> Actor:
    """The signed-in caller with the address and user agent of this request, for the audit log."""
    return request_actor(request).acting_for(identity)


async def anonymous_actor(request: Request) -> Actor:
    """`request_actor` as a dependency (async: no thread hop for a few header reads)."""
    return request_actor(request)


RequestActor = Annotated[Actor, Depends(anonymous_actor)]
CurrentActor = Annotated[Actor, Depends(current_actor)]


class ErrorDetail(BaseModel):
    """Every refusal: one sentence fit to show the user."""

    detail: str


# The refusals any route may answer: documented once for every router, for clients and schema checks.
ERROR_RESPONSES: dict[int | str, dict] = {
    status: {"model": ErrorDetail, "description": description}
    for status, description in {
        400: "Bad request",
        401: "Not signed in, or the token is invalid, expired or revoked",
        403: "The caller's role does not allow this",
        404: "Not found (or not visible to the caller)",
        409: "Conflicts with the current state or an existing record",
        422: "Invalid input",
        429: "Rate limited (see Retry-After)",
        503: "A service this needs (database, Redis, GitHub) is unavailable",
    }.items()
}


def service_error_response(_request: Request, error: Exception) -> JSONResponse:
    """Every ServiceError becomes {"detail": message} with its status (and Retry-After for 429)."""
    assert isinstance(error, ServiceError)
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, RateLimited) else None
    if isinstance(error, NotAuthenticated):
        headers = {"WWW-Authenticate": "Bearer"}
    return JSONResponse({"detail": error.message}, status_code=error.status, headers=headers)


def integrity_error_response(_request: Request, _error: Exception) -> JSONResponse:
    """A constraint the database enforced (the transaction is rolled back): 409, never a 500."""
    return JSONResponse({"detail": CONFLICT}, status_code=409)


def validation_error_response(_request: Request, error: Exception) -> JSONResponse:
    """Request validation failures as one readable sentence, like every other error."""
    assert isinstance(error, RequestValidationError)
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"] if part != "body")
    return JSONResponse({"detail": f"{where}: {first['msg']}" if where else first["msg"]}, status_code=422)


def install_error_handlers(api: FastAPI) -> None:
    api.add_exception_handler(ServiceError, service_error_response)
    api.add_exception_handler(IntegrityError, integrity_error_response)
    api.add_exception_handler(RequestValidationError, validation_error_response)
