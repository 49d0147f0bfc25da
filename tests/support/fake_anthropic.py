"""A fake Anthropic Messages API on 127.0.0.1 for the real SDK (streamed answers, as our client asks for).

By default every POST /v1/messages is answered with a write_gherkin tool call built from the description in
the prompt: the fake plays the model by answering with what the rule engine would write, so the whole Claude
path (prompt, SDK, schema, our renderer, the parser) runs for real. A request for the docs engine's
write_summary tool is answered with a summary naming the page the prompt asks about.
Prompt caching as Anthropic documents it: a request whose tools and system blocks up to one marked
cache_control reach `min_cache_tokens` reports that prefix as cache_creation_input_tokens the first time and
as cache_read_input_tokens after; input_tokens counts the rest (about 4 characters a token).
Queue other answers with `fake.queue(...)`: a different tool input, an error status with Anthropic's error
body, a refusal, usage figures, each optionally delayed. `fake.observe`, when set, is called as each request
arrives (to look at the app).
Use the `fake_anthropic` fixture; it points ANTHROPIC_BASE_URL and ANTHROPIC_API_KEY at the fake.
"""

from __future__ import annotations

import json
import re
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from autodevhub.core.settings import get_settings
from autodevhub.stories.engine.rules.engine import generate
from autodevhub.stories.engine.spec import spec_to_dict
from tests.support.loopback import LoopbackServer

DESCRIPTION = re.compile(r"<description>\n(.*)\n</description>", re.S)
SUMMARY_OF = re.compile(r"^Write the summary of (.+?)\.$", re.M)
SUMMARY_TOOL = "write_summary"
CHUNK = 120


@dataclass
class Reply:
    """One scripted answer: 200 with a tool call (tool_input None: derived from the prompt) or an error."""

    status: int = 200
    tool_input: Any = None
    error_type: str = ""
    message: str = ""
    details: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    refusal: str = ""
    usage: dict[str, int] | None = None  # the usage figures to report instead of the counted ones

    @classmethod
    def error(cls, status: int, error_type: str, message: str, **kwargs: Any) -> Reply:
        return cls(status=status, error_type=error_type, message=message, **kwargs)


class FakeAnthropic(LoopbackServer):
    """The fake's state: scripted replies and every request received (headers and JSON body)."""

    def __init__(self) -> None:
        super().__init__(_Handler)
        self.api_key = "sk-ant-fake-0123456789"
        self.replies: deque[Reply] = deque()
        self.delay = 0.0
        self.requests: list[dict[str, Any]] = []
        self.observe: Callable[[], Any] | None = None  # called as each request arrives
        self.observations: list[Any] = []
        self.min_cache_tokens = 1024  # Anthropic's minimum cacheable prompt for Sonnet and Opus
        self.cached: set[str] = set()

    def environment(self) -> dict[str, str]:
        return {"ANTHROPIC_BASE_URL": self.url, "ANTHROPIC_API_KEY": self.api_key}

    def queue(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def next_reply(self) -> Reply:
        return self.replies.popleft() if self.replies else Reply(delay=self.delay)


def model_answer(body: dict[str, Any]) -> dict[str, Any]:
    """The tool input 'the model' writes: the rule engine's story for the description in the first message."""
    first = body["messages"][0]["content"]
    text = first if isinstance(first, str) else first[0]["text"]
    match = DESCRIPTION.search(text)
    return spec_to_dict(generate(match.group(1) if match else text))


def summary_answer(body: dict[str, Any]) -> dict[str, Any]:
    """The docs engine's summary 'the model' writes: a sentence naming the page the prompt asks about."""
    match = SUMMARY_OF.search(body["messages"][0]["content"])
    return {"summary": f"The fake model's summary of {match.group(1) if match else 'the repository'}."}


def counted_usage(fake: FakeAnthropic, body: dict[str, Any]) -> dict[str, int]:
    """input_tokens, cache writes and reads for a request, caching its prefix as Anthropic does."""
    total = len(json.dumps(body)) // 4
    system = body.get("system") if isinstance(body.get("system"), list) else []
    marked = [i for i, block in enumerate(system) if isinstance(block, dict) and block.get("cache_control")]
    usage = {"input_tokens": max(1, total), "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}
    if not marked:
        return usage
    prefix = json.dumps([body.get("tools"), system[: marked[-1] + 1]])
    cached = len(prefix) // 4
    if cached < fake.min_cache_tokens:
        return usage
    kind = "cache_read_input_tokens" if prefix in fake.cached else "cache_creation_input_tokens"
    fake.cached.add(prefix)
    return {**usage, "input_tokens": max(1, total - cached), kind: cached}


def _events(fake: FakeAnthropic, body: dict[str, Any], reply: Reply) -> Iterator[tuple[str, dict[str, Any]]]:
    tool = (body.get("tool_choice") or {}).get("name", "write_gherkin")
    answer = summary_answer if tool == SUMMARY_TOOL else model_answer
    tool_input = reply.tool_input if reply.tool_input is not None else answer(body)
    arguments = json.dumps(tool_input)
    usage = reply.usage or {**counted_usage(fake, body), "output_tokens": max(1, len(arguments) // 4)}
    message = {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": body.get("model"),
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {**usage, "output_tokens": 1},
    }
    yield "message_start", {"type": "message_start", "message": message}
    if reply.refusal:
        block = {"type": "text", "text": ""}
        yield "content_block_start", {"type": "content_block_start", "index": 0, "content_block": block}
        delta = {"type": "text_delta", "text": reply.refusal}
        yield "content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta}
    else:
        block = {"type": "tool_use", "id": "toolu_fake", "name": tool, "input": {}}
        yield "content_block_start", {"type": "content_block_start", "index": 0, "content_block": block}
        for start in range(0, len(arguments), CHUNK):
            delta = {"type": "input_json_delta", "partial_json": arguments[start : start + CHUNK]}
            yield "content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta}
    yield "content_block_stop", {"type": "content_block_stop", "index": 0}
    stop = "refusal" if reply.refusal else "tool_use"
    final = {"output_tokens": usage["output_tokens"]}
    yield (
        "message_delta",
        {"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None}, "usage": final},
    )
    yield "message_stop", {"type": "message_stop"}


class _Handler(BaseHTTPRequestHandler):
    server: ThreadingHTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def _json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        fake: FakeAnthropic = self.server.fake  # type: ignore[attr-defined]
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        fake.requests.append(
            {"path": self.path, "headers": dict(self.headers), "body": body, "at": time.monotonic()}
        )
        if fake.observe is not None:
            fake.observations.append(fake.observe())
        try:
            self._answer(fake, body)
        except (BrokenPipeError, ConnectionResetError):
            return  # the client gave up (a timeout test)

    def _answer(self, fake: FakeAnthropic, body: dict[str, Any]) -> None:
        if self.path != "/v1/messages":
            self._json(404, {"type": "error", "error": {"type": "not_found_error", "message": "not found"}})
            return
        bearer = self.headers.get("authorization", "").removeprefix("Bearer ")
        if fake.api_key not in (self.headers.get("x-api-key"), bearer):
            error = {"type": "authentication_error", "message": "invalid x-api-key"}
            self._json(401, {"type": "error", "error": error, "request_id": "req_fake"})
            return
        reply = fake.next_reply()
        time.sleep(reply.delay)
        if reply.status != 200:
            error = {"type": reply.error_type, "message": reply.message, "details": reply.details}
            self._json(
                reply.status, {"type": "error", "error": error, "request_id": "req_fake"}, reply.headers
            )
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        for name, data in _events(fake, body, reply):
            self.wfile.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())
        self.wfile.flush()
        self.close_connection = True


@pytest.fixture(name="fake_anthropic")
def fake_anthropic_fixture(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAnthropic]:
    """A started fake; the app's ANTHROPIC_* variables point at it (the Claude engine is on)."""
    fake = FakeAnthropic()
    fake.start()
    for name, value in fake.environment().items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield fake
    fake.stop()
