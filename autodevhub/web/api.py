"""The HTTP API (FastAPI): mounted in front of the Reflex app through api_transformer."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware

from autodevhub import __version__, features
from autodevhub.auth import api as auth_api
from autodevhub.auth import github_api
from autodevhub.auth.github_api import OAUTH_COOKIE, OAUTH_COOKIE_MAX_AGE
from autodevhub.core.keys import OAUTH_SESSION, derive_key
from autodevhub.core.logs import RequestLogMiddleware, configure_logging
from autodevhub.core.observability import MetricsMiddleware
from autodevhub.core.settings import LogFormat, get_settings
from autodevhub.dashboard import api as dashboard_api
from autodevhub.documentation import api as docs_api
from autodevhub.documentation import publish_api as docs_publish_api
from autodevhub.notifications import api as notifications_api
from autodevhub.projects import api as projects_api
from autodevhub.stories import api as stories_api
from autodevhub.web import health, metrics
from autodevhub.web.body_limit import BodyLimit
from autodevhub.web.deps import ERROR_RESPONSES, install_error_handlers
from autodevhub.web.scoped import OnlyUnder
from autodevhub.workflows import api as workflows_api


def create_api() -> FastAPI:
    """Build the FastAPI app with every router, /metrics, request metrics and the OAuth handshake session;
    JSON request logs and traces when configured."""
    features.register()  # jobs and gauges, before the first request
    api = FastAPI(
        title="AutoDevHub API",
        version=__version__,
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    install_error_handlers(api)
    for router in (
        health.router,
        auth_api.router,
        github_api.router,
        projects_api.router,
        workflows_api.router,
        stories_api.router,
        dashboard_api.router,
        docs_api.router,
        docs_publish_api.router,
        notifications_api.router,
    ):
        api.include_router(router, responses=ERROR_RESPONSES)
    api.include_router(metrics.router)
    api.add_middleware(MetricsMiddleware)
    api.add_middleware(BodyLimit, exempt=frozenset({"/api/webhooks/github"}))  # the webhook caps its own
    settings = get_settings()
    api.add_middleware(
        OnlyUnder,  # only the sign-in routes read its cookie: every other request skips it
        middleware=SessionMiddleware,  # the OAuth state, PKCE verifier, `next` and a pending GitHub link
        prefix="/auth/",
        secret_key=derive_key(OAUTH_SESSION).hex(),  # its own key, not the raw secret
        session_cookie=OAUTH_COOKIE,
        max_age=OAUTH_COOKIE_MAX_AGE,
        same_site="lax",
        https_only=settings.base_url.startswith("https://"),
    )
    configure_logging(settings)
    if settings.log_format is LogFormat.json:
        api.add_middleware(RequestLogMiddleware)  # outermost: one line for every request, whoever answers
    if settings.otel_endpoint:  # unset: the SDK is never imported
        from autodevhub.web.tracing import trace_api

        trace_api(api)
    return api
