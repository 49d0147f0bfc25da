"""Runs the API app in a process of its own, as the tracing tests need (OpenTelemetry's tracer provider and
its instrumentation are process-wide: once on, they would stay on for every later test). The environment
comes from the test (AUTODEVHUB_DATA_DIR, OTEL_EXPORTER_OTLP_ENDPOINT, the fake Claude's ANTHROPIC_*).

    python -m tests.support.traced_app story    a story generated through the API; prints its spans (JSON)
    python -m tests.support.traced_app request  /health and a refused API request, exit (sends the batch)
    python -m tests.support.traced_app off      one API request; prints the tracing modules loaded
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

from autodevhub.core.settings import get_settings
from tests.conftest import migrate

# redis-py loads opentelemetry.sdk.metrics by itself whenever the SDK is installed; tracing is ours
TRACING_MODULES = ("opentelemetry.sdk.trace", "opentelemetry.instrumentation", "opentelemetry.exporter")

if TYPE_CHECKING:  # the "off" run must not load the SDK itself
    from opentelemetry.sdk.trace import ReadableSpan


def span_record(span: ReadableSpan) -> dict:
    parent = span.parent.span_id if span.parent else None
    return {
        "name": span.name,
        "kind": span.kind.name,
        "scope": span.instrumentation_scope.name if span.instrumentation_scope else "",
        "trace_id": format(span.context.trace_id, "032x"),
        "span_id": span.context.span_id,
        "parent_id": parent,
        "attributes": {k: v for k, v in (span.attributes or {}).items() if not isinstance(v, tuple)},
        "resource": dict(span.resource.attributes),
    }


def story() -> None:
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from autodevhub.core.tracing import start_tracing
    from tests.support.story_fixtures import make_world

    memory = InMemorySpanExporter()
    start_tracing().add_span_processor(SimpleSpanProcessor(memory))
    world = make_world()  # the API app, an admin and a project (their spans are cleared below)
    memory.clear()
    response = world.generate()
    assert response.status_code == 201, response.text
    print(json.dumps([span_record(span) for span in memory.get_finished_spans()]))


def request() -> None:
    from tests.support.helpers import api_client, bearer

    client = api_client()
    assert client.get("/health").status_code == 200
    response = client.get("/api/me?code=s3cr3t-code", headers=bearer("adh_pat_not-a-live-token"))
    assert response.status_code == 401, response.text


def off() -> None:
    request()
    print(json.dumps(sorted(name for name in sys.modules if name.startswith(TRACING_MODULES))))


if __name__ == "__main__":
    migrate(get_settings().sqlalchemy_url)
    {"story": story, "request": request, "off": off}[sys.argv[1]]()
