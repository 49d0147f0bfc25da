"""FastAPI dependencies shared by every router: database session, caller identity, client address."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlmodel import Session

from autodevhub.auth.api_tokens import identity_for_api_token
from autodevhub.auth.sessions import identity_for_access_token
from autodevhub.core.db import session_scope
from autodevhub.core.errors import NotAuthenticated, RateLimited, ServiceError
from autodevhub.core.identity import Actor, Identity
from autodevhub.core.ratelimit import get_limiter
from autodevhub.core.settings import get_settings


def db_session() -> Iterator[Session]:
    """One transaction per request: committed when the route returns, rolled back on error."""
    with session_scope() as session:
        yield session


DbSession = Annotated[Session, Depends(db_session)]


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


def current_identity(request: Request, session: DbSession) -> Identity:
    """The caller of an API route: a personal API token or a JWT access token, rate limited per token."""
    token = bearer_token(request)
    found = identity_for_api_token(session, token)
    identity = found[0] if found else identity_for_access_token(session, token)
    if identity is None:
        raise NotAuthenticated("Invalid, expired or revoked token.")
    limit_key = str(found[1].id) if found else str(identity.session_id)
    decision = get_limiter().hit(get_settings().rate_limit_api, "api", limit_key)
    if not decision.allowed:
        raise RateLimited(decision.retry_after)
    return identity


CurrentIdentity = Annotated[Identity, Depends(current_identity)]


def request_actor(request: Request) -> Actor:
    """Who calls, before they are known (login, sign-up): an address and a user agent."""
    return Actor.of(None, client_ip(request), request.headers.get("user-agent"))


def current_actor(request: Request, identity: CurrentIdentity) -> Actor:
    """The signed-in caller with the address and user agent of this request, for the audit log."""
    return request_actor(request).acting_for(identity)


RequestActor = Annotated[Actor, Depends(request_actor)]
CurrentActor = Annotated[Actor, Depends(current_actor)]


def service_error_response(_request: Request, error: Exception) -> JSONResponse:
    """Every ServiceError becomes {"detail": message} with its status (and Retry-After for 429)."""
    assert isinstance(error, ServiceError)
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, RateLimited) else None
    if isinstance(error, NotAuthenticated):
        headers = {"WWW-Authenticate": "Bearer"}
    return JSONResponse({"detail": error.message}, status_code=error.status, headers=headers)


def validation_error_response(_request: Request, error: Exception) -> JSONResponse:
    """Request validation failures as one readable sentence, like every other error."""
    assert isinstance(error, RequestValidationError)
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"] if part != "body")
    return JSONResponse({"detail": f"{where}: {first['msg']}" if where else first["msg"]}, status_code=422)


def install_error_handlers(api: FastAPI) -> None:
    api.add_exception_handler(ServiceError, service_error_response)
    api.add_exception_handler(RequestValidationError, validation_error_response)
