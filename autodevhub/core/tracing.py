"""OpenTelemetry traces, on when OTEL_EXPORTER_OTLP_ENDPOINT is set: a span for every SQL statement
(SQLAlchemy) and every outgoing HTTP call (httpx2: Claude and GitHub sign-in; httpx; requests: PyGithub),
batched to the collector over OTLP/HTTP (the API's request spans are added by the web layer). The exporter
reads the standard OTEL_EXPORTER_OTLP_* variables (endpoint, headers, timeout); OTEL_RESOURCE_ATTRIBUTES adds
resource attributes. Callers import this module only when the variable is set, so with it unset nothing of the
SDK is loaded and no request or query pays for it.
"""

from __future__ import annotations

import functools
import os
import socket

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.httpx import HTTPX2ClientInstrumentor, HTTPXClientInstrumentor
from opentelemetry.instrumentation.requests import RequestsInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from autodevhub import __version__
from autodevhub.core.db import get_engine
from autodevhub.core.settings import get_settings

SERVICE_NAME = "autodevhub"


def resource() -> Resource:
    """Who sends the spans: the service, its version, this process and the environment it runs in."""
    return Resource.create(
        {
            "service.name": SERVICE_NAME,
            "service.version": __version__,
            "service.instance.id": f"{socket.gethostname()}:{os.getpid()}",
            "deployment.environment.name": get_settings().env.value,
        }
    )


@functools.cache
def start_tracing() -> TracerProvider:
    """The process's tracer provider, made global once, with its clients instrumented: the configured
    engine now and every engine made later (the instrumentation wraps SQLAlchemy's create_engine), every
    httpx2, httpx and requests client. The batch processor flushes at exit."""
    provider = TracerProvider(resource=resource())
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    # SQLAlchemy 2.1 works with it, but its metadata still says < 2.1 (tests/integration/test_tracing.py)
    SQLAlchemyInstrumentor().instrument(engine=get_engine(), tracer_provider=provider, skip_dep_check=True)
    for instrumentor in (HTTPX2ClientInstrumentor(), HTTPXClientInstrumentor(), RequestsInstrumentor()):
        instrumentor.instrument(tracer_provider=provider)
    return provider
