"""GitHub OAuth (authorization code + PKCE S256) through authlib's Starlette client, and the profile reads.

The client is built from the current settings, so GitHub Enterprise and test servers work through
GITHUB_URL / GITHUB_API_URL. authlib keeps the state and PKCE verifier in `request.session`
(SessionMiddleware) and checks the state when the callback arrives.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx2
from authlib.integrations.base_client import MismatchingStateError
from authlib.integrations.starlette_client import OAuth, OAuthError, StarletteOAuth2App
from pydantic import BaseModel, TypeAdapter
from starlette.requests import Request
from starlette.responses import Response

from autodevhub.core.settings import get_settings

SCOPE = "read:user user:email read:org"
TIMEOUT_SECONDS = 10.0
API_HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
PAGE = {"per_page": 100}
logger = logging.getLogger(__name__)

__all__ = [
    "GitHubProfile",
    "GitHubUnavailable",
    "MismatchingStateError",
    "OAuthError",
    "authorize_redirect",
    "fetch_profile",
    "is_configured",
]


class GitHubUnavailable(Exception):
    """GitHub could not be reached or answered with something other than what its API promises."""


@dataclass(frozen=True)
class GitHubProfile:
    """What a sign-in needs to know about the GitHub user."""

    id: int
    login: str
    name: str
    verified_email: str | None
    orgs: list[str]


class _User(BaseModel):
    id: int
    login: str
    name: str | None = None


class _Email(BaseModel):
    email: str
    primary: bool = False
    verified: bool = False


class _Org(BaseModel):
    login: str


def is_configured() -> bool:
    settings = get_settings()
    return bool(settings.github_client_id and settings.github_client_secret)


def oauth_client() -> StarletteOAuth2App:
    """The authlib client for the current settings."""
    s = get_settings()
    return _client_for(s.github_url, s.github_api_url, s.github_client_id, s.github_client_secret)


@functools.cache
def _client_for(web_url: str, api_url: str, client_id: str, client_secret: str) -> StarletteOAuth2App:
    return OAuth().register(
        "github",
        client_id=client_id,
        client_secret=client_secret,
        authorize_url=f"{web_url}/login/oauth/authorize",
        access_token_url=f"{web_url}/login/oauth/access_token",
        api_base_url=f"{api_url}/",  # urljoin keeps the /api/v3 prefix only with a trailing slash
        client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "timeout": TIMEOUT_SECONDS},
    )


async def authorize_redirect(request: Request, redirect_uri: str) -> Response:
    """A redirect to GitHub's consent page; state and PKCE verifier are kept in the request's session."""
    return await oauth_client().authorize_redirect(request, redirect_uri)


async def fetch_profile(request: Request) -> GitHubProfile:
    """Finish the callback: exchange the code (state checked, PKCE verifier sent), then read the profile.

    Raises OAuthError for a refused or forged callback, GitHubUnavailable when GitHub is down.
    """
    client = oauth_client()
    with _unavailable_on_failure():
        token = await client.authorize_access_token(request)
        user = await _get(client, token, "user", _User)
        emails = await _get(client, token, "user/emails", list[_Email], PAGE)
        orgs = await _get(client, token, "user/orgs", list[_Org], PAGE)
    verified = next((e.email for e in emails if e.primary and e.verified), None)
    return GitHubProfile(user.id, user.login, user.name or "", verified, [o.login.lower() for o in orgs])


async def _get(
    client: StarletteOAuth2App, token: dict, path: str, shape: Any, params: dict | None = None
) -> Any:
    """GET an API path with the user's token; the JSON body validated against `shape`."""
    response = await client.get(path, token=token, headers=API_HEADERS, params=params)
    response.raise_for_status()
    return TypeAdapter(shape).validate_python(response.json())


@contextmanager
def _unavailable_on_failure() -> Iterator[None]:
    try:
        yield
    except (httpx2.HTTPError, ValueError) as error:  # ValueError: not the JSON GitHub's API documents
        logger.warning("GitHub sign-in: %s: %s", type(error).__name__, error)
        raise GitHubUnavailable("GitHub could not be reached or gave an unexpected answer.") from error
