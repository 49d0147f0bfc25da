"""GET /health: can the app serve? 503 only when the database is unreachable; Redis down is `degraded`.

Without its database nothing can be read or saved, so the instance should leave the load balancer. Without
Redis the API, sign-in and sign-out keep working on fallbacks (see the reasons below): draining every
instance for it would turn a degraded service into an outage, so the answer stays 200.
"""

from __future__ import annotations

import anyio
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from autodevhub import __version__
from autodevhub.core import db
from autodevhub.core.cache import get_cache
from autodevhub.core.ratelimit import get_limiter
from autodevhub.core.settings import get_settings

DATABASE_DOWN = "database unavailable: nothing can be read or saved"
# Public text: says what still works, never where Redis is (the error itself goes to the log).
REDIS_DOWN = (
    "redis unavailable: cache reads go to the database, rate limits count per process, background jobs "
    "cannot be queued, and the web UI's page state (kept in Redis) cannot load until Redis is back"
)

router = APIRouter(tags=["health"])


def _redis_status() -> str:
    if not get_settings().redis_url:
        return "not configured"
    return "ok" if get_cache().ping() else "unavailable"


@router.get("/health")
async def health() -> JSONResponse:
    """Status of the database and Redis, and why the app is degraded or unavailable, if it is."""
    database_ok = await anyio.to_thread.run_sync(db.ping)
    redis_status = await anyio.to_thread.run_sync(_redis_status)
    reasons = [DATABASE_DOWN] if not database_ok else []
    reasons += [REDIS_DOWN] if redis_status == "unavailable" else []
    body = {
        "status": "unavailable" if not database_ok else "degraded" if reasons else "ok",
        "reasons": reasons,
        "database": "ok" if database_ok else "unavailable",
        "redis": redis_status,
        "rate_limits": get_limiter().status,
        "version": __version__,
    }
    headers = {"cache-control": "no-store"}
    return JSONResponse(body, status_code=200 if database_ok else 503, headers=headers)
