"""A server span for every HTTP request the API app (and the Reflex app mounted in it) answers, parent of
the request's SQL and outgoing HTTP spans. Imported only when OTEL_EXPORTER_OTLP_ENDPOINT is set."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.trace import Span

from autodevhub.core.tracing import start_tracing

# Probes and scrapes (every few seconds) and the Reflex websocket (open for the whole visit) get no span.
UNTRACED_URLS = "/health$,/metrics$,/_event"
# Attributes that carry the query string (the OAuth callback's code): set to the path alone, as in the logs.
URL_ATTRIBUTES = ("http.target", "url.path", "http.url", "url.full")


def path_only(span: Span, scope: dict[str, Any]) -> None:
    """Drop the query string from the server span's URL attributes."""
    if not scope.get("query_string") or not span.is_recording():
        return
    attributes = getattr(span, "attributes", None) or {}
    for key in URL_ATTRIBUTES:
        if key in attributes:
            span.set_attribute(key, str(attributes[key]).split("?", 1)[0])
    if "url.query" in attributes:
        span.set_attribute("url.query", "")


def trace_api(api: FastAPI) -> None:
    """Start tracing in this process and give `api` its server spans (one per request, no send/receive
    child spans)."""
    FastAPIInstrumentor.instrument_app(
        api,
        tracer_provider=start_tracing(),
        excluded_urls=UNTRACED_URLS,
        exclude_spans=["receive", "send"],
        server_request_hook=path_only,
    )
