"""A fake OpenTelemetry collector on 127.0.0.1: OTLP/HTTP as the specification says (POST /v1/traces, a
protobuf ExportTraceServiceRequest, plain or gzip, answered 200 with an empty ExportTraceServiceResponse;
any other path 404). Every span received is kept with its resource attributes."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue

from tests.support.loopback import LoopbackServer

PROTOBUF = "application/x-protobuf"


def plain(value: AnyValue) -> Any:
    """An OTLP attribute value as Python."""
    return getattr(value, value.WhichOneof("value")) if value.WhichOneof("value") else None


@dataclass
class ReceivedSpan:
    name: str
    trace_id: str
    kind: int
    attributes: dict[str, Any]
    resource: dict[str, Any]


class FakeCollector(LoopbackServer):
    """Spans received so far; `wait_for(n)` blocks until at least n have arrived."""

    def __init__(self) -> None:
        super().__init__(CollectorHandler)
        self.spans: list[ReceivedSpan] = []
        self.content_types: list[str] = []
        self._arrived = threading.Condition()

    def receive(self, request: ExportTraceServiceRequest) -> None:
        with self._arrived:
            for resource_spans in request.resource_spans:
                resource = {a.key: plain(a.value) for a in resource_spans.resource.attributes}
                for scope_spans in resource_spans.scope_spans:
                    for span in scope_spans.spans:
                        attributes = {a.key: plain(a.value) for a in span.attributes}
                        self.spans.append(
                            ReceivedSpan(span.name, span.trace_id.hex(), span.kind, attributes, resource)
                        )
            self._arrived.notify_all()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[ReceivedSpan]:
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.spans) >= count, timeout=timeout)
            return list(self.spans)


class CollectorHandler(BaseHTTPRequestHandler):
    server: Any

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path != "/v1/traces":
            self.send_error(404)
            return
        self.server.fake.content_types.append(self.headers.get("Content-Type", ""))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        self.server.fake.receive(request)
        answer = ExportTraceServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", PROTOBUF)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(name="collector")
def collector_fixture() -> Iterator[FakeCollector]:
    """A started fake collector."""
    fake = FakeCollector().start()
    yield fake
    fake.stop()
