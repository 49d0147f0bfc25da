"""The Claude docs engine: prose summaries of each API page and of the overview, written by Claude from the
offline engine's pages plus code excerpts, over the same SDK adapter as stories.

Within a token budget per run (every token counts: input, cache writes and reads, output; a call is not
made when its estimate would pass the budget). The instructions and the repository's shared facts form a
cached prompt prefix (cache_control on that system block). A summary is reused without asking when the
hash of what it was written from matches the page's previous one. Any failure keeps the offline page and
records why; a failure that would repeat (timeout, 5xx, 429, auth, spend) stops asking for the rest of the
run. Claude's text is untrusted: escaped as Markdown text, markers removed, inside the generated text.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from autodevhub.core.settings import Settings
from autodevhub.documentation.engine import Generated, Page
from autodevhub.documentation.engine.markdown import BEGIN, END, escape
from autodevhub.documentation.sources import SourceTree
from autodevhub.integrations import claude

PROMPT_VERSION = 1
MAX_OUTPUT = 1024
MAX_SUMMARY_CHARS = 4000
FACTS_CHARS, EXCERPT_CHARS, CONTEXT_CHARS = 8_000, 12_000, 24_000
CONCURRENCY = 4
DEADLINE_FACTOR = 3  # one call, its retries included, gets 3 x ANTHROPIC_TIMEOUT
RUN_DEADLINE = 20 * 60.0  # all of a run's calls: inside the workers' 30-minute job timeout
ONE_PAGE_ONLY = frozenset({"invalid_output", "refused"})  # other failures would repeat: stop asking
REASONS = {
    **claude.REASONS,
    "refused": "Claude declined to summarize this page",
    "invalid_output": "Claude's answer had no usable summary",
    "budget": "the run's token budget (AUTODEVHUB_DOCS_MAX_TOKENS) was spent",
}
TOOL: dict[str, Any] = {
    "name": "write_summary",
    "description": "Record the prose summary of the page. Always answer with this tool.",
    "input_schema": {
        "type": "object",
        "properties": {"summary": {"type": "string", "description": "Markdown paragraphs, no headings"}},
        "required": ["summary"],
    },
}
SYSTEM = """You write the prose of a software repository's reference documentation.
You are given facts the documentation generator extracted (signatures, docstrings, layout) and code
excerpts. For a module, say in one to three short paragraphs what it is for, its main entry points and how
they fit together; for the repository overview, what the repository does and how its parts relate.
Use only what the facts and code show; name symbols in `backticks`; no headings, no HTML, no links that the
facts do not contain. Answer only by calling the write_summary tool."""


@dataclass
class Written:
    """The pages with Claude's summaries, each page's version_info additions, and the run's summary."""

    pages: tuple[Page, ...]
    infos: dict[str, dict[str, Any]]
    summary: dict[str, Any]


@dataclass
class _Ask:
    page: Page
    key: str
    prompt: str
    info: dict[str, Any] = field(default_factory=dict)
    text: str = ""


def source_key(page: Page, hashes: dict[str, str], shared: str) -> str:
    """What a summary is written from: the page's source hashes (for the overview, the shared facts)."""
    basis = shared if page.doc_type == "overview" else json.dumps({p: hashes[p] for p in page.sources})
    return hashlib.sha256(f"{PROMPT_VERSION}\n{page.file_path}\n{basis}".encode()).hexdigest()


def shared_facts(generated: Generated) -> str:
    """The repository facts every call shares (the cached part): the offline overview and the page list."""
    overview = next((p.content for p in generated.pages if p.doc_type == "overview"), "")
    listing = "\n".join(f"- {p.title} ({p.file_path})" for p in generated.pages if p.doc_type != "overview")
    return (
        f"<overview>\n{overview[:CONTEXT_CHARS]}\n</overview>\n<pages>\n{listing[:CONTEXT_CHARS]}\n</pages>"
    )


def prompt(page: Page, tree: SourceTree) -> str:
    """The page's own facts and code excerpts."""
    if page.doc_type == "overview":
        return "Write the summary of the whole repository for the overview page."
    texts = {file.path: file.text for file in tree.files}
    excerpts = "\n".join(
        f'<source path="{path}">\n{texts[path][:EXCERPT_CHARS]}\n</source>' for path in page.sources
    )
    return f"Write the summary of {page.title}.\n<facts>\n{page.content[:FACTS_CHARS]}\n</facts>\n{excerpts}"


def with_summary(content: str, text: str, model: str) -> str:
    """The page with Claude's summary before its first section (inside the generated-text markers)."""
    clean = escape(text.replace(BEGIN, "").replace(END, "").strip())
    section = ["## Summary", "", clean, "", f"_Summary written by Claude ({model})._", ""]
    lines = content.split("\n")
    at = next((i for i, line in enumerate(lines) if line.startswith("## ")), None)
    if at is None:
        at = lines.index(END) if END in lines else len(lines)
    return "\n".join([*lines[:at], *section, *lines[at:]])


def _answer_text(answer: claude.ToolAnswer) -> str:
    if answer.stop_reason == "refusal":
        raise claude.ClaudeError("refused", answer.text or "Claude declined to summarize this page")
    summary = answer.tool_input.get("summary") if isinstance(answer.tool_input, dict) else None
    if not isinstance(summary, str) or not summary.strip():
        raise claude.ClaudeError("invalid_output", "the answer has no summary")
    if len(summary) > MAX_SUMMARY_CHARS:
        raise claude.ClaudeError("invalid_output", f"the summary is longer than {MAX_SUMMARY_CHARS} chars")
    return summary.strip()


class _Run:
    """One run's calls: the budget they share and the reason asking stopped, if it did."""

    def __init__(
        self, settings: Settings, system: list[dict[str, Any]], told: Callable[[int, int], None]
    ) -> None:
        self.settings, self.system, self.told = settings, system, told
        self.answered = self.spent = 0
        self.left = settings.docs_max_tokens
        self.stopped: claude.ClaudeError | None = None
        self.base = len(json.dumps(system)) + len(json.dumps(TOOL))

    async def ask(self, job: _Ask) -> None:
        estimate = (self.base + len(job.prompt)) // 4 + MAX_OUTPUT
        if self.stopped is None and estimate > self.left:
            self.stopped = claude.ClaudeError("budget", "the run's token budget was spent")
        if self.stopped is not None:
            job.info = _fallback(self.stopped, asked=False)
            return
        self.left -= estimate
        usage = claude.Usage()
        claude.track(usage)
        try:
            async with asyncio.timeout(self.settings.anthropic_timeout * DEADLINE_FACTOR):
                answer = await claude.call_tool(
                    self.settings,
                    system=self.system,
                    messages=[{"role": "user", "content": job.prompt}],
                    tool=TOOL,
                    max_tokens=MAX_OUTPUT,
                )
            job.text = _answer_text(answer)
        except Exception as error:  # every failure keeps the offline page, with its reason
            failure = claude.classify(error)
            if failure.reason not in ONE_PAGE_ONLY and self.stopped is None:
                self.stopped = failure
            job.info = _fallback(failure, asked=True)
        finally:
            self.left += estimate - usage.tokens
        job.info = {**job.info, **_figures(self.settings.anthropic_model, usage)}
        self.answered, self.spent = self.answered + 1, self.spent + usage.tokens
        self.told(self.answered, self.spent)

    async def ask_all(self, jobs: list[_Ask]) -> None:
        """The first call alone (it writes the prompt cache the others read), then a few at a time."""
        if not jobs:
            return
        await self.ask(jobs[0])
        gate = asyncio.Semaphore(CONCURRENCY)

        async def gated(job: _Ask) -> None:
            async with gate:
                await self.ask(job)

        await asyncio.gather(*(gated(job) for job in jobs[1:]))


def _fallback(error: claude.ClaudeError, *, asked: bool) -> dict[str, Any]:
    """Why a page keeps its offline text: reason, what users read, the error's own words, HTTP status."""
    message = f"{REASONS.get(error.reason, error.reason)}; the offline text is shown."
    found = {"reason": error.reason, "message": message, "detail": str(error)[:300], "status": error.status}
    return {"fallback": found, "asked": asked}


def _figures(model: str, usage: claude.Usage) -> dict[str, Any]:
    cost = claude.cost_usd(
        model, usage.input_tokens, usage.output_tokens, usage.cache_write_tokens, usage.cache_read_tokens
    )
    return {
        "model": model,
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "cache_write_tokens": usage.cache_write_tokens,
        "cache_read_tokens": usage.cache_read_tokens,
        "tokens": usage.tokens,
        "cost_usd": cost,
        "attempts": usage.attempts,
    }


def _untold(answered: int, tokens: int) -> None:
    """The progress callback of a run nobody follows."""


def write(
    generated: Generated,
    tree: SourceTree,
    previous: dict[str, dict[str, Any]],
    settings: Settings,
    told: Callable[[int, int], None] = _untold,
) -> Written:
    """Claude's summaries on the offline pages; `previous` is each page's last version_info by file_path.
    `told(pages answered, tokens spent)` after each call (on the Claude thread: keep it short)."""
    hashes = {file.path: file.sha256 for file in tree.files}
    shared = shared_facts(generated)
    system = [
        {"type": "text", "text": SYSTEM},
        {"type": "text", "text": shared, "cache_control": {"type": "ephemeral"}},
    ]
    reused: dict[str, dict[str, Any]] = {}
    jobs: list[_Ask] = []
    for page in generated.pages:
        key = source_key(page, hashes, shared)
        before = previous.get(page.file_path, {})
        if before.get("claude", {}).get("key") == key and before["claude"].get("summary"):
            reused[page.file_path] = before
        else:
            jobs.append(_Ask(page, key, prompt(page, tree)))
    run = _Run(settings, system, told)
    deadline = min(RUN_DEADLINE, settings.anthropic_timeout * DEADLINE_FACTOR * (len(jobs) + 1))
    try:
        claude.run(run.ask_all(jobs), deadline)
    except claude.ClaudeError as error:  # the whole run's deadline: what was not answered stays offline
        run.stopped = run.stopped or error
    return _assemble(generated, jobs, reused, run, settings.anthropic_model)


def _assemble(
    generated: Generated, jobs: list[_Ask], reused: dict[str, dict[str, Any]], run: _Run, model: str
) -> Written:
    asked = {job.page.file_path: job for job in jobs}
    pages, infos = [], {}
    for page in generated.pages:
        if page.file_path in reused:
            before = reused[page.file_path]
            block = before["claude"]
            infos[page.file_path] = {"engine": "claude", "claude": block, **_spent(before)}
            pages.append(replace(page, content=with_summary(page.content, block["summary"], block["model"])))
            continue
        job = asked[page.file_path]
        if not job.text and not job.info.get("fallback"):  # the run's deadline passed before its turn
            late = run.stopped or claude.ClaudeError("timeout", "the run's time was spent")
            job.info = _fallback(late, asked=False)
        if job.text:
            block = {**job.info, "key": job.key, "summary": job.text}
            infos[page.file_path] = {"engine": "claude", "claude": block, **_spent(block)}
            pages.append(replace(page, content=with_summary(page.content, job.text, model)))
        else:
            infos[page.file_path] = {"engine": "rules", "claude": job.info, **_spent(job.info)}
            pages.append(page)
    return Written(tuple(pages), infos, _summary(jobs, len(reused), run, model))


def _spent(block: dict[str, Any]) -> dict[str, Any]:
    return {"tokens": int(block.get("tokens") or 0), "cost_usd": block.get("cost_usd") or 0.0}


def _summary(jobs: list[_Ask], reused: int, run: _Run, model: str) -> dict[str, Any]:
    """The run's Claude figures: pages summarized now, reused, left offline; tokens, cost, why it stopped."""
    tokens = sum(int(job.info.get("tokens") or 0) for job in jobs)
    costs = [job.info.get("cost_usd") for job in jobs if job.info.get("tokens")]
    failed = [job.info["fallback"] for job in jobs if job.info.get("fallback")]
    return {
        "model": model,
        "summarized": sum(1 for job in jobs if job.text),
        "reused": reused,
        "offline": len(failed),
        "tokens": tokens,
        "cost_usd": None if None in costs else round(sum(costs), 6),
        "stopped": run.stopped.reason if run.stopped else None,
        "reason": failed[0]["reason"] if failed else None,
    }


def describe(summary: dict[str, Any]) -> str:
    """The run summary's Claude sentence: what was summarized and spent, what kept offline text and why."""
    cost = "" if summary["cost_usd"] is None else f", ${summary['cost_usd']:.4f}"
    text = (
        f"Claude ({summary['model']}) summarized {summary['summarized']} pages and reused "
        f"{summary['reused']} ({summary['tokens']} tokens{cost})."
    )
    if summary["offline"]:
        reason = summary["stopped"] or summary["reason"]
        text += f" {summary['offline']} pages keep their offline text: {REASONS.get(reason, reason)}."
    return text
