"""Auth routes: API login/refresh/logout, browser form login/sign-up/logout, /api/me, API tokens."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from autodevhub.auth import accounts, api_tokens, github_api, login_errors, sessions
from autodevhub.auth.web_session import (
    WEB_COOKIE,
    clear_session_cookie,
    same_origin,
    signed_in_redirect,
    start_browser_session,
)
from autodevhub.core.errors import NotAuthenticated, ServiceError
from autodevhub.models import SessionKind, UserRole
from autodevhub.web.deps import CurrentActor, CurrentIdentity, DbSession, RequestActor, request_actor

router = APIRouter(tags=["auth"])


class LoginBody(BaseModel):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)


class RefreshBody(BaseModel):
    refresh_token: str = Field(max_length=200)


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"  # noqa: S105 (the OAuth token type)
    expires_in: int


class Me(BaseModel):
    id: uuid.UUID
    email: str
    name: str
    role: UserRole


class NewApiToken(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    expires_in_days: int | None = Field(default=None, ge=1, le=3650)


class ApiTokenPublic(BaseModel):
    id: uuid.UUID
    name: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class CreatedApiToken(ApiTokenPublic):
    token: str


class ApiTokenList(BaseModel):
    items: list[ApiTokenPublic]
    total: int


@router.post("/auth/login", response_model=TokenPair)
def api_login(body: LoginBody, actor: RequestActor, session: DbSession) -> TokenPair:
    """Password login for API clients: a 15-minute JWT and a rotating refresh token."""
    user = accounts.login_with_password(session, actor, body.email, body.password)
    login = sessions.api_login(session, actor, user)
    return TokenPair(
        access_token=login.access_token, refresh_token=login.refresh_token, expires_in=login.expires_in
    )


@router.post("/auth/refresh", response_model=TokenPair)
def api_refresh(body: RefreshBody, actor: RequestActor, session: DbSession) -> TokenPair:
    login = sessions.refresh_api_login(session, actor, body.refresh_token)
    return TokenPair(
        access_token=login.access_token, refresh_token=login.refresh_token, expires_in=login.expires_in
    )


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
def api_logout(actor: CurrentActor, session: DbSession) -> None:
    """Revoke the login session of the access token used (its refresh token dies with it)."""
    session_id = actor.identity.session_id if actor.identity else None
    row = session.get(sessions.UserSession, session_id) if session_id else None
    if row is None:
        raise NotAuthenticated("Log out with an access token from /auth/login, not an API token.")
    sessions.end_session(session, actor, row)


@router.get("/api/me", response_model=Me, tags=["account"])
def me(identity: CurrentIdentity) -> Me:
    return Me(id=identity.id, email=identity.email, name=identity.name, role=identity.role)


@router.get("/api/tokens", response_model=ApiTokenList, tags=["account"])
def list_api_tokens(identity: CurrentIdentity, session: DbSession) -> ApiTokenList:
    items = [
        ApiTokenPublic.model_validate(t, from_attributes=True)
        for t in api_tokens.list_tokens(session, identity.id)
    ]
    return ApiTokenList(items=items, total=len(items))


@router.post("/api/tokens", response_model=CreatedApiToken, status_code=201, tags=["account"])
def create_api_token(body: NewApiToken, actor: CurrentActor, session: DbSession) -> CreatedApiToken:
    token, raw = api_tokens.create_token(session, actor, body.name, expires_in_days=body.expires_in_days)
    return CreatedApiToken(
        **ApiTokenPublic.model_validate(token, from_attributes=True).model_dump(), token=raw
    )


@router.delete("/api/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["account"])
def revoke_api_token(token_id: uuid.UUID, actor: CurrentActor, session: DbSession) -> None:
    api_tokens.revoke_token(session, actor, token_id)


def _back_to(page: str, error: dict[str, str], **keep: str) -> RedirectResponse:
    """Back to the form with the refusal's code (see login_errors) and the typed values (never a password)."""
    query = urlencode({**error, **{k: v for k, v in keep.items() if v}})
    return RedirectResponse(f"{page}?{query}", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/auth/web/login", include_in_schema=False)
def web_login(
    request: Request,
    session: DbSession,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> RedirectResponse:
    """The login page's form: sets the HttpOnly session cookie and reloads the app signed in."""
    if not same_origin(request):
        return _back_to("/login", {"error": "cross_site_login"})
    try:
        actor = request_actor(request)
        user = accounts.login_with_password(session, actor, email, password)
        github_api.confirm_pending_link(request, session, actor, user)
        raw = start_browser_session(session, actor, user)
    except ServiceError as error:
        # The form keeps what was typed as the e-mail only when it is one (never a password typed there).
        typed = email if accounts.EMAIL_PATTERN.match(email.strip()) else ""
        return _back_to("/login", login_errors.code_for(error), email=typed, next=next)
    return signed_in_redirect(next, raw)


@router.post("/auth/web/signup", include_in_schema=False)
def web_signup(
    request: Request,
    session: DbSession,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    first_name: Annotated[str, Form(max_length=200)] = "",
    last_name: Annotated[str, Form(max_length=200)] = "",
) -> RedirectResponse:
    """The sign-up page's form: creates the account and signs it in."""
    keep = {"email": email, "first_name": first_name, "last_name": last_name}
    if not same_origin(request):
        return _back_to("/signup", {"error": "cross_site_signup"}, **keep)
    try:
        actor = request_actor(request)
        account = accounts.NewAccount(
            email=email, password=password, first_name=first_name, last_name=last_name
        )
        user = accounts.sign_up(session, actor, account)
        raw = start_browser_session(session, actor, user)
    except ServiceError as error:
        return _back_to("/signup", login_errors.code_for(error), **keep)
    return signed_in_redirect("/", raw)


@router.post("/auth/web/logout", include_in_schema=False)
def web_logout(request: Request, session: DbSession) -> RedirectResponse:
    """Ends the browser session (if any) and reloads the app signed out. A form posted from another site
    (or without Origin and Referer) changes nothing: a page elsewhere cannot sign the user out."""
    if not same_origin(request):
        return RedirectResponse("/", status_code=status.HTTP_303_SEE_OTHER)
    response = RedirectResponse("/login", status_code=status.HTTP_303_SEE_OTHER)
    raw = request.cookies.get(WEB_COOKIE)
    if raw:
        try:
            row = sessions.session_for_token(session, raw, SessionKind.web)
            sessions.end_session(session, request_actor(request), row)
        except NotAuthenticated:
            pass
    clear_session_cookie(response)
    return response
