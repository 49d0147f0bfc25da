"""OpenTelemetry traces (OTEL_EXPORTER_OTLP_ENDPOINT): a story generated through the API is one trace (the
request, its SQL, the Claude call and its HTTP request), spans reach an OTLP/HTTP collector, and with the
variable unset no tracing module is loaded. Each run is a process of its own (tests/support/traced_app.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import fresh_postgres
from tests.support.fake_anthropic import fake_anthropic_fixture  # noqa: F401 (fixture)
from tests.support.fake_otlp import FakeCollector, collector_fixture  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parents[2]
SERVER, CLIENT = 2, 3  # OTLP Span.SpanKind


def run_app(mode: str, tmp_path: Path, **env: str) -> list:
    """tests/support/traced_app.py MODE with only the test's variables set; its JSON output."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("AUTODEVHUB_", "DATABASE_", "OTEL_"))}
    keep = {k: v for k, v in keep.items() if not k.startswith(("ANTHROPIC_", "GITHUB_", "REDIS_"))}
    variables = {**keep, "AUTODEVHUB_DATA_DIR": str(tmp_path / "data"), **env}
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.traced_app", mode],
        cwd=ROOT,
        env=variables,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout or "[]")


def test_a_story_generated_through_the_api_is_one_trace(tmp_path, fake_anthropic, collector):
    spans = run_app(
        "story",
        tmp_path,
        OTEL_EXPORTER_OTLP_ENDPOINT=collector.url,
        **fake_anthropic.environment(),
    )
    assert len({span["trace_id"] for span in spans}) == 1, "every span of the request shares its trace"
    (root,) = [span for span in spans if span["parent_id"] is None]
    assert (root["kind"], root["name"]) == ("SERVER", "POST /api/stories/generate")
    assert root["attributes"]["http.route"] == "/api/stories/generate"
    assert root["attributes"]["http.status_code"] == 201
    assert root["resource"]["service.name"] == "autodevhub"
    assert root["resource"]["service.version"] and root["resource"]["service.instance.id"]
    by_id = {span["span_id"]: span for span in spans}
    sql = [span for span in spans if span["scope"] == "opentelemetry.instrumentation.sqlalchemy"]
    statements = [span["attributes"].get("db.statement", "") for span in sql]
    assert any(s.startswith("INSERT INTO user_stories") for s in statements)
    assert any(s.startswith("INSERT INTO audit_logs") for s in statements)
    assert all(by_id[span["parent_id"]] is root for span in sql)
    (call,) = [span for span in spans if span["name"] == "anthropic.messages.create"]
    (http,) = [span for span in spans if span["scope"] == "opentelemetry.instrumentation.httpx"]
    assert http["kind"] == "CLIENT" and http["attributes"]["http.url"] == f"{fake_anthropic.url}/v1/messages"
    assert http["attributes"]["http.status_code"] == 200
    assert by_id[http["parent_id"]] is call and by_id[call["parent_id"]] is root
    # the trace went on to Claude: the request carried it (W3C traceparent: 00-trace-span-flags)
    traceparent = fake_anthropic.requests[0]["headers"]["traceparent"]
    assert traceparent.split("-")[1] == root["trace_id"]


def test_spans_reach_an_otlp_collector_over_http(tmp_path, collector: FakeCollector):
    with fresh_postgres() as url:
        run_app("request", tmp_path, OTEL_EXPORTER_OTLP_ENDPOINT=collector.url, DATABASE_URL=url)
    spans = collector.wait_for(2)
    assert collector.content_types and set(collector.content_types) == {"application/x-protobuf"}
    (server,) = [span for span in spans if span.kind == SERVER]  # none for /health
    assert server.name == "GET /api/me" and server.attributes["http.status_code"] == 401
    assert server.resource["service.name"] == "autodevhub"
    token_lookup = [span for span in spans if "api_tokens" in span.attributes.get("db.statement", "")]
    assert token_lookup and token_lookup[0].trace_id == server.trace_id
    assert token_lookup[0].attributes["db.system"] == "postgresql" and token_lookup[0].kind == CLIENT
    assert not any("s3cr3t" in str(value) for span in spans for value in span.attributes.values())


def test_unset_no_tracing_module_is_loaded(tmp_path, collector: FakeCollector):
    assert run_app("off", tmp_path) == []
    assert collector.spans == []
