"""The HTTP API (FastAPI): mounted in front of the Reflex app through api_transformer."""

from __future__ import annotations

from fastapi import FastAPI

from autodevhub import __version__, health
from autodevhub.auth import api as auth_api
from autodevhub.deps import install_error_handlers
from autodevhub.observability import MetricsMiddleware, metrics_endpoint
from autodevhub.projects import api as projects_api


def create_api() -> FastAPI:
    """Build the FastAPI app with every router, /metrics and request metrics."""
    api = FastAPI(
        title="AutoDevHub API",
        version=__version__,
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    install_error_handlers(api)
    for router in (health.router, auth_api.router, projects_api.router):
        api.include_router(router)
    api.add_route("/metrics", metrics_endpoint, include_in_schema=False)
    api.add_middleware(MetricsMiddleware)
    return api
