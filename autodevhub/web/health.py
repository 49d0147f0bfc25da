"""GET /health: is the app able to serve? 503 when the database is unreachable."""

from __future__ import annotations

import anyio
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from autodevhub import __version__
from autodevhub.core import db
from autodevhub.core.cache import get_cache
from autodevhub.core.ratelimit import get_limiter
from autodevhub.core.settings import get_settings

router = APIRouter(tags=["health"])


def _redis_status() -> str:
    if not get_settings().redis_url:
        return "not configured"
    return "ok" if get_cache().ping() else "unavailable"


@router.get("/health")
async def health() -> JSONResponse:
    """Status of the database and Redis; the app works without Redis, not without its database."""
    database_ok = await anyio.to_thread.run_sync(db.ping)
    redis_status = await anyio.to_thread.run_sync(_redis_status)
    body = {
        "status": "ok" if database_ok else "unavailable",
        "database": "ok" if database_ok else "unavailable",
        "redis": redis_status,
        "rate_limits": get_limiter().status,
        "version": __version__,
    }
    return JSONResponse(body, status_code=200 if database_ok else 503)
