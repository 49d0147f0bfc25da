"""Claude over the official async SDK: one client per configuration, run on one background event loop so
that sync code (FastAPI routes, the CLI, worker threads of Reflex handlers) can call it.

Retries: the SDK's own (ANTHROPIC_MAX_RETRIES; 408/409/429/5xx incl. 529 overloaded, connection errors,
timeouts). A middleware inside the SDK's retry loop counts attempts and stops two kinds of retry that cannot
help: a 429 that is a spend limit (error.details.error_code 'enforced_spend_limit_reached', or a message about
a spend/usage limit or credit balance: waiting does not lift it until the limit is raised or the month
turns), and any answer asking us to wait longer than MAX_RETRY_WAIT seconds.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import re
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anthropic
from anthropic import AsyncAnthropic, Middleware

from autodevhub.core.settings import Settings

T = TypeVar("T")
MAX_TOKENS = 8192
MAX_RETRY_WAIT = 20.0
SPEND_LIMIT_CODES = {"enforced_spend_limit_reached"}
SPEND_LIMIT_TEXT = re.compile(r"spend limit|usage limits?|credit balance|billing", re.IGNORECASE)
# USD per million input / output tokens (Anthropic's list prices, late 2026); the first fragment of the
# model id that matches wins. An estimate: prompt-cache writes cost 1.25 x and reads 0.1 x the input price
# (5-minute cache), batch discounts are not applied.
PRICES = (
    ("fable-5", 10.0, 50.0),
    ("opus-5-5", 4.0, 20.0),
    ("opus-5", 5.0, 25.0),
    ("opus-4-1", 15.0, 75.0),
    ("opus-4-0", 15.0, 75.0),
    ("opus-4-2025", 15.0, 75.0),
    ("3-opus", 15.0, 75.0),
    ("opus-4", 5.0, 25.0),
    ("sonnet-5", 2.0, 10.0),
    ("sonnet", 3.0, 15.0),
    ("haiku-5", 0.10, 0.50),
    ("haiku-4", 1.0, 5.0),
    ("3-5-haiku", 0.8, 4.0),
    ("haiku", 0.25, 1.25),
)
CACHE_WRITE, CACHE_READ = 1.25, 0.1
REASONS = {  # a ClaudeError's reason as users read it
    "timeout": "Claude did not answer in time",
    "overloaded": "Claude is overloaded (HTTP 529)",
    "auth": "Claude refused the API key; check ANTHROPIC_API_KEY",
    "spend_limit": "the Anthropic account reached its spend limit (not retried)",
    "billing": "the Anthropic account has a billing problem",
    "rate_limited": "Claude's rate limit was reached",
    "connection": "Claude could not be reached",
    "server_error": "Claude answered with a server error",
    "api_error": "Claude answered with an error",
}


class ClaudeError(Exception):
    """A call that produced no usable answer; `reason` is one of timeout, overloaded, auth, spend_limit,
    billing, rate_limited, connection, server_error, api_error, refused, invalid_output."""

    def __init__(self, reason: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.status = status


@dataclass
class Usage:
    """What one generation cost: HTTP attempts (retries included) and tokens, summed over its calls
    (input_tokens excludes the prompt-cache writes and reads, as Anthropic's usage reports them)."""

    attempts: int = 0
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_write_tokens: int = 0
    cache_read_tokens: int = 0

    @property
    def tokens(self) -> int:
        """Every token of the calls: input, cache writes and reads, output."""
        return self.input_tokens + self.cache_write_tokens + self.cache_read_tokens + self.output_tokens


@dataclass
class ToolAnswer:
    tool_input: Any
    tool_use_id: str | None
    content: list[dict[str, Any]] = field(default_factory=list)
    stop_reason: str | None = None
    text: str = ""


_usage: contextvars.ContextVar[Usage | None] = contextvars.ContextVar("claude_usage", default=None)


def _wait_seconds(headers: Any) -> float:
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        try:
            return float(headers.get(name)) * scale
        except (TypeError, ValueError):
            continue
    return 0.0


def is_spend_limit(body: Any) -> bool:
    """True for an error body that a retry cannot fix: a spend limit or an exhausted credit balance."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return False
    details = error.get("details") if isinstance(error.get("details"), dict) else {}
    return details.get("error_code") in SPEND_LIMIT_CODES or bool(
        SPEND_LIMIT_TEXT.search(str(error.get("message")))
    )


class Guard(Middleware):
    """Counts attempts; refuses to retry a spend limit or a wait longer than MAX_RETRY_WAIT."""

    async def handle_async(self, request: Any, call_next: Any) -> Any:
        usage = _usage.get()
        if usage is not None:
            usage.attempts += 1
        response = await call_next(request)
        status = response.status_code
        if status == 429:
            try:
                body = await response.json()
            except ValueError:
                body = None
            if is_spend_limit(body):
                message = str(body["error"].get("message") or "spend limit reached")
                raise ClaudeError("spend_limit", message, status)
        if (status == 429 or status >= 500) and _wait_seconds(response.headers) > MAX_RETRY_WAIT:
            reason = "rate_limited" if status == 429 else "overloaded" if status == 529 else "server_error"
            raise ClaudeError(reason, f"Claude asked to wait {_wait_seconds(response.headers):.0f} s", status)
        return response


@functools.cache
def _client(api_key: str, base_url: str, timeout: float, max_retries: int) -> AsyncAnthropic:
    return AsyncAnthropic(
        api_key=api_key,
        base_url=base_url or None,
        timeout=anthropic.Timeout(timeout, connect=min(timeout, 10.0)),
        max_retries=max_retries,
        middleware=[Guard()],
    )


def client(settings: Settings) -> AsyncAnthropic:
    """The SDK client for these settings (cached: connections are reused across calls)."""
    return _client(
        settings.anthropic_api_key,
        settings.anthropic_base_url,
        settings.anthropic_timeout,
        settings.anthropic_max_retries,
    )


@functools.cache
def _loop() -> asyncio.AbstractEventLoop:
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, name="claude-loop", daemon=True).start()
    return loop


def run(coroutine: Coroutine[Any, Any, T], deadline: float) -> T:
    """Run a coroutine on the background loop from sync code; it is cancelled after `deadline` seconds."""

    async def bounded() -> T:
        async with asyncio.timeout(deadline):
            return await coroutine

    future = asyncio.run_coroutine_threadsafe(bounded(), _loop())
    try:
        return future.result(timeout=deadline + 5)
    except TimeoutError as error:
        future.cancel()
        raise ClaudeError("timeout", f"no answer within {deadline:.0f} s") from error


def track(usage: Usage) -> None:
    """Count this task's attempts and tokens into `usage` (call inside the coroutine given to `run`)."""
    _usage.set(usage)


def classify(error: BaseException) -> ClaudeError:
    """Any failure of a call as a ClaudeError with a reason."""
    if isinstance(error, ClaudeError):
        return error
    if isinstance(error, TimeoutError | anthropic.APITimeoutError):
        return ClaudeError("timeout", "no answer in time")
    if isinstance(error, anthropic.APIConnectionError):
        return ClaudeError("connection", "Claude could not be reached")
    if not isinstance(error, anthropic.APIStatusError):
        return ClaudeError("api_error", str(error) or type(error).__name__)
    status, body = error.status_code, error.body
    if is_spend_limit(body) and status in (400, 402, 429):
        reason = "spend_limit"
    else:
        reasons = {401: "auth", 403: "auth", 402: "billing", 429: "rate_limited", 529: "overloaded"}
        reason = reasons.get(status, "server_error" if status >= 500 else "api_error")
    message = body.get("error", {}).get("message") if isinstance(body, dict) else None
    return ClaudeError(reason, str(message or error.message), status)


def cost_usd(
    model: str, input_tokens: int, output_tokens: int, cache_write: int = 0, cache_read: int = 0
) -> float | None:
    """An estimate from list prices; None for a model this table does not know."""
    for fragment, per_input, per_output in PRICES:
        if fragment in model:
            cached = cache_write * CACHE_WRITE + cache_read * CACHE_READ
            return round(((input_tokens + cached) * per_input + output_tokens * per_output) / 1_000_000, 6)
    return None


async def call_tool(
    settings: Settings,
    *,
    system: str | list[dict[str, Any]],
    messages: list[dict[str, Any]],
    tool: dict[str, Any],
    on_delta: Callable[[str], None] | None = None,
    max_tokens: int = MAX_TOKENS,
) -> ToolAnswer:
    """One streamed Messages call that must answer with `tool`; partial JSON goes to on_delta as it comes.
    `system` may be text blocks (one with cache_control marks the end of the cached prompt prefix)."""
    usage = _usage.get()
    try:
        async with client(settings).messages.stream(
            model=settings.anthropic_model,
            max_tokens=max_tokens,
            system=system,
            messages=messages,
            tools=[tool],
            tool_choice={"type": "tool", "name": tool["name"]},
        ) as stream:
            async for event in stream:
                if event.type == "input_json" and on_delta is not None:
                    on_delta(event.partial_json)
            message = await stream.get_final_message()
    except Exception as error:  # every SDK failure becomes a reason the caller can fall back on
        raise classify(error) from error
    if usage is not None:
        usage.calls += 1
        usage.input_tokens += message.usage.input_tokens
        usage.output_tokens += message.usage.output_tokens
        usage.cache_write_tokens += message.usage.cache_creation_input_tokens or 0
        usage.cache_read_tokens += message.usage.cache_read_input_tokens or 0
    block = next((b for b in message.content if b.type == "tool_use"), None)
    text = " ".join(b.text for b in message.content if b.type == "text")
    return ToolAnswer(
        tool_input=block.input if block is not None else None,
        tool_use_id=block.id if block is not None else None,
        content=[b.model_dump(exclude_none=True) for b in message.content],
        stop_reason=message.stop_reason,
        text=text,
    )
