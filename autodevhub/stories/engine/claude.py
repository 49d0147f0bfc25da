"""The Claude story engine: a structured answer through tool use, rendered and parsed by our code, with one
repair round that shows Claude the parser's (or the schema's) error."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from autodevhub.core.settings import Settings
from autodevhub.integrations import claude
from autodevhub.stories.engine.gherkin import ParseResult, check, render
from autodevhub.stories.engine.spec import TOOL_SCHEMA, SpecError, spec_from_dict

TOOL: dict[str, Any] = {
    "name": "write_gherkin",
    "description": "Record the user story as a structured Gherkin feature. Always answer with this tool.",
    "input_schema": TOOL_SCHEMA,
}
SYSTEM = """You write Gherkin user stories that a product owner would keep.
From the feature description, write one Feature: the narrative (as a / I want / so that), a Background for
preconditions every scenario shares, a happy path, negative and validation scenarios (kind "negative"),
and edge cases such as limits and boundaries (kind "edge"). When the description lists values, write a
Scenario Outline: steps use <column> placeholders and "examples" gives the header and one row per value.
Every scenario needs Given, When and Then steps (the Background's Given counts). Use the description's own
words for actors, objects, rules, numbers and values; invent no features it does not mention; keep each
step to one observable action or outcome, with no user-interface details the description does not give.
Answer only by calling the write_gherkin tool."""
DEADLINE_FACTOR = 3  # a whole generation (retries and the repair round included) gets 3 x ANTHROPIC_TIMEOUT


def prompt(description: str) -> str:
    return f"Feature description:\n<description>\n{description}\n</description>"


def _checked(answer: claude.ToolAnswer) -> tuple[str, ParseResult | None, str]:
    """(gherkin, parse result, problem): problem is empty when the answer renders to valid Gherkin."""
    if answer.stop_reason == "refusal":
        raise claude.ClaudeError("refused", answer.text or "Claude declined to write this story")
    if answer.tool_input is None:
        return "", None, "no write_gherkin tool call in the answer"
    try:
        spec = spec_from_dict(answer.tool_input)
    except SpecError as error:
        return "", None, f"the answer does not match the tool's schema: {error}"
    gherkin = render(spec)
    result = check(gherkin)
    if not result.ok:
        numbered = "\n".join(f"{n:>3} | {line}" for n, line in enumerate(gherkin.splitlines(), 1))
        return (
            gherkin,
            result,
            f"the Gherkin rendered from it does not parse: {result.first_error()}\n{numbered}",
        )
    return gherkin, result, ""


def _repair(messages: list[dict[str, Any]], answer: claude.ToolAnswer, problem: str) -> list[dict[str, Any]]:
    note = (
        f"That answer cannot be used: {problem}\n\nCall write_gherkin again with the whole corrected story."
    )
    if answer.tool_use_id is None:
        return [
            *messages,
            {"role": "assistant", "content": answer.content or answer.text or "-"},
            {"role": "user", "content": note},
        ]
    result = {"type": "tool_result", "tool_use_id": answer.tool_use_id, "is_error": True, "content": note}
    return [
        *messages,
        {"role": "assistant", "content": answer.content},
        {"role": "user", "content": [result]},
    ]


async def _write(
    description: str, settings: Settings, usage: claude.Usage, on_delta: Callable[[str], None] | None
) -> tuple[str, ParseResult, bool]:
    claude.track(usage)
    messages: list[dict[str, Any]] = [{"role": "user", "content": prompt(description)}]
    answer = await claude.call_tool(settings, system=SYSTEM, messages=messages, tool=TOOL, on_delta=on_delta)
    gherkin, result, problem = _checked(answer)
    if not problem and result is not None:
        return gherkin, result, False
    messages = _repair(messages, answer, problem)
    answer = await claude.call_tool(settings, system=SYSTEM, messages=messages, tool=TOOL, on_delta=on_delta)
    gherkin, result, problem = _checked(answer)
    if problem or result is None:
        raise claude.ClaudeError("invalid_output", problem.split("\n", 1)[0])
    return gherkin, result, True


class ClaudeFailed(Exception):
    """Claude produced no usable story; `reason` says why and `meta` what the attempt cost."""

    def __init__(self, error: claude.ClaudeError, meta: dict[str, Any]) -> None:
        super().__init__(str(error))
        self.reason = error.reason
        self.status = error.status
        self.meta = meta


def write_story(
    description: str, settings: Settings, on_delta: Callable[[str], None] | None = None
) -> tuple[str, ParseResult, dict[str, Any]]:
    """Gherkin, its parse result and the call's metadata (model, tokens, cost, duration, attempts)."""
    usage = claude.Usage()
    started = time.perf_counter()
    deadline = settings.anthropic_timeout * DEADLINE_FACTOR

    def meta(**extra: Any) -> dict[str, Any]:
        return {
            "model": settings.anthropic_model,
            "input_tokens": usage.input_tokens,
            "output_tokens": usage.output_tokens,
            "cost_usd": claude.cost_usd(settings.anthropic_model, usage.input_tokens, usage.output_tokens),
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "calls": usage.calls,
            "attempts": usage.attempts,
            **extra,
        }

    try:
        gherkin, result, repaired = claude.run(_write(description, settings, usage, on_delta), deadline)
    except TimeoutError:
        error = claude.ClaudeError("timeout", f"no answer within {deadline:g} s")
        raise ClaudeFailed(error, meta(error=str(error))) from None
    except claude.ClaudeError as error:
        raise ClaudeFailed(error, meta(error=str(error)[:300])) from None
    return gherkin, result, meta(repaired=repaired)
