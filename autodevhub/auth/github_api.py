"""GitHub sign-in routes: redirect to GitHub, then the callback that starts the browser session."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from autodevhub.auth import login_errors
from autodevhub.auth.github_login import LinkNeedsPassword, link_github, login_with_github
from autodevhub.auth.sessions import identity_of
from autodevhub.auth.web_session import safe_next, signed_in_redirect, start_browser_session
from autodevhub.core.errors import ServiceError
from autodevhub.core.identity import Actor
from autodevhub.core.settings import get_settings
from autodevhub.integrations import github_oauth
from autodevhub.models import User
from autodevhub.web.deps import DbSession, request_actor

router = APIRouter(tags=["auth"])

OAUTH_COOKIE = "autodevhub_oauth"
OAUTH_COOKIE_MAX_AGE = 600
NEXT_KEY = "github_next"
LINK_KEY = "github_link"  # a GitHub identity waiting for its account holder's password (10 minutes at most)
NOT_CONFIGURED = {"error": "github_not_configured"}
MOVED = "moved"  # query flag: the browser was already sent to the public URL once (no redirect loop)
BAD_STATE = (
    "GitHub sign-in failed: the state parameter is missing or does not match this browser's sign-in. "
    "Open AutoDevHub at {url} and start again from the sign-in page."
)


def _to_login(error: dict[str, str], **keep: str) -> RedirectResponse:
    """Back to the sign-in page with the refusal's code (see login_errors), never its text."""
    query = urlencode({**error, **keep})
    return RedirectResponse(f"/login?{query}", status_code=status.HTTP_303_SEE_OTHER)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


@router.get("/auth/github/login", include_in_schema=False)
async def github_login(
    request: Request,
    next: Annotated[str, Query(max_length=500)] = "/",
    moved: Annotated[bool, Query(alias=MOVED)] = False,
) -> Response:
    """Send the browser to GitHub's consent page (state and PKCE S256 challenge included). Opened on
    another host than the public URL (127.0.0.1 for localhost), the browser first goes to the public URL:
    the state cookie must be set on the host GitHub sends it back to."""
    if not github_oauth.is_configured():
        return _to_login(NOT_CONFIGURED)
    base_url = get_settings().base_url
    if _origin(str(request.base_url)) != _origin(base_url) and not moved:
        query = urlencode({"next": safe_next(next), MOVED: "true"})
        return RedirectResponse(f"{base_url}/auth/github/login?{query}", status_code=307)
    request.session[NEXT_KEY] = safe_next(next)
    callback = f"{base_url}/auth/github/callback"
    return await github_oauth.authorize_redirect(request, callback)


@router.get("/auth/github/callback", include_in_schema=False)
async def github_callback(request: Request, session: DbSession) -> Response:
    """Check state and exchange the code, then sign in (or refuse) and set the HttpOnly session cookie.

    A forged, replayed or refused callback is a 400 and changes nothing; GitHub being down or the
    instance's policy refusing the account sends the browser back to /login with the reason.
    """
    if not github_oauth.is_configured():
        return _to_login(NOT_CONFIGURED)
    try:
        profile = await github_oauth.fetch_profile(request)
    except github_oauth.MismatchingStateError:
        detail = BAD_STATE.format(url=get_settings().base_url)
        return JSONResponse({"detail": detail}, status_code=status.HTTP_400_BAD_REQUEST)
    except github_oauth.OAuthError as error:
        if error.error == "access_denied":
            return _to_login({"error": "github_cancelled"})
        reason = (error.description or error.error or "refused")[:200]
        detail = f"GitHub sign-in failed: {reason}"
        return JSONResponse({"detail": detail}, status_code=status.HTTP_400_BAD_REQUEST)
    except github_oauth.GitHubUnavailable:
        return _to_login({"error": "github_unavailable"})
    target = safe_next(str(request.session.pop(NEXT_KEY, "/")))
    try:
        raw = await run_in_threadpool(_sign_in, session, profile, request)
    except LinkNeedsPassword as pending:
        request.session[LINK_KEY] = {"id": pending.github_id, "login": pending.login, "email": pending.email}
        return _to_login(login_errors.code_for(pending), next=target)
    except ServiceError as error:
        return _to_login(login_errors.code_for(error))
    return signed_in_redirect(target, raw)


def confirm_pending_link(request: Request, session: Session, actor: Actor, user: User) -> None:
    """After a password sign-in in this browser: link the GitHub identity that asked for this account
    within the last ten minutes (the password proved the account is theirs)."""
    pending = request.session.pop(LINK_KEY, None)
    if isinstance(pending, dict) and pending.get("email") == user.email:
        holder = actor.acting_for(identity_of(user))
        link_github(session, holder, user, int(pending["id"]), str(pending["login"]))


def _sign_in(session: Session, profile: github_oauth.GitHubProfile, request: Request) -> str:
    """The account for the profile and a new web session; returns the raw cookie token."""
    actor = request_actor(request)
    user = login_with_github(
        session, actor, profile.id, profile.login, profile.name, profile.verified_email, profile.orgs
    )
    return start_browser_session(session, actor, user)
