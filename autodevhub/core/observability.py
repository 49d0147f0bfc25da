"""Prometheus metrics: request counts and latency by route, served at /metrics."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest
from prometheus_client.registry import Collector
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUESTS = Counter("autodevhub_http_requests_total", "HTTP requests served", ["method", "route", "status"])
LATENCY = Histogram("autodevhub_http_request_duration_seconds", "HTTP request latency", ["method", "route"])
UI_ROUTE = "ui"
COLLECTORS: list[Callable[[], Collector]] = []


def route_label(scope: Scope) -> str:
    """The matched route template (bounded cardinality); everything the Reflex UI serves is 'ui'."""
    return getattr(scope.get("route"), "path", "") or UI_ROUTE


class MetricsMiddleware:
    """Counts and times every HTTP request passing through the FastAPI app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = {"code": 500}
        start = time.perf_counter()

        async def record_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            method, route = scope["method"], route_label(scope)
            LATENCY.labels(method, route).observe(time.perf_counter() - start)
            REQUESTS.labels(method, route, str(status["code"])).inc()


def metrics_response() -> Response:
    """Prometheus text exposition of every registered metric (the caller has checked who asks)."""
    register_collectors()
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def add_collector(factory: Callable[[], Collector]) -> None:
    """A feature's scrape-time collector; registered with Prometheus on the first scrape."""
    if factory not in COLLECTORS:
        COLLECTORS.append(factory)


@functools.cache
def register_collectors() -> None:
    """Every added collector, registered once, when /metrics is first scraped."""
    for factory in COLLECTORS:
        REGISTRY.register(factory())
