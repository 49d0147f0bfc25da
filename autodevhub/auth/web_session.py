"""The browser session cookie: set by HTTP routes, read by Reflex handlers from the websocket's headers."""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from autodevhub.auth.sessions import WEB_SESSION_TTL, start_session
from autodevhub.core.identity import Actor
from autodevhub.core.settings import get_settings
from autodevhub.models import SessionKind, User

WEB_COOKIE = "autodevhub_session"


def set_session_cookie(response: Response, raw_token: str) -> None:
    response.set_cookie(
        WEB_COOKIE,
        raw_token,
        max_age=int(WEB_SESSION_TTL.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=get_settings().base_url.startswith("https://"),
        path="/",
    )


def start_browser_session(session: Session, actor: Actor, user: User) -> str:
    """A new web login session for the actor's browser; returns the raw cookie token."""
    _, raw = start_session(session, actor, user, SessionKind.web)
    return raw


def signed_in_redirect(target: str, raw_token: str) -> RedirectResponse:
    """A full page load to `target` with the new cookie, so the websocket reconnects as the user."""
    response = RedirectResponse(safe_next(target), status_code=303)
    set_session_cookie(response, raw_token)
    return response


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(WEB_COOKIE, path="/", httponly=True, samesite="lax")


def session_token_from_cookie_header(cookie_header: str) -> str | None:
    """The session token in a raw Cookie header (as Reflex hands it to every event), if any."""
    try:
        jar = SimpleCookie(cookie_header or "")
    except CookieError:
        return None
    morsel = jar.get(WEB_COOKIE)
    return morsel.value if morsel else None


def same_origin(request: Request) -> bool:
    """A form POST counts only when its Origin (or Referer) is one of the app's own origins."""
    source = request.headers.get("origin") or request.headers.get("referer") or ""
    parts = urlsplit(source)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
    own = {f"{request.url.scheme}://{request.url.netloc}", *get_settings().cors_origins}
    return origin in own


def safe_next(target: str) -> str:
    """Only same-site paths are followed after login (no open redirects, no control characters)."""
    if target.startswith("/") and "\\" not in target and not target.startswith("//") and target.isprintable():
        return target
    return "/"
