"""GET /metrics for Prometheus: the scrape token (AUTODEVHUB_METRICS_TOKEN) or an admin's API token."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request
from fastapi.responses import Response

from autodevhub.core.errors import Forbidden
from autodevhub.core.observability import metrics_response
from autodevhub.core.settings import get_settings
from autodevhub.models import UserRole
from autodevhub.web.deps import DbSession, bearer_token, identity_from_token

router = APIRouter()
ADMINS_ONLY = "Only the scrape token (AUTODEVHUB_METRICS_TOKEN) or an admin's token may read /metrics."


def scrape_token_matches(request: Request) -> bool:
    expected = get_settings().metrics_token
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return bool(expected) and scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), expected)


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request, session: DbSession) -> Response:
    """Every metric, project names and ids included: never public."""
    if not scrape_token_matches(request):
        token = bearer_token(request)  # 401 with WWW-Authenticate when no token at all
        if identity_from_token(request, session, token).role is not UserRole.admin:
            raise Forbidden(ADMINS_ONLY)
    return metrics_response()
