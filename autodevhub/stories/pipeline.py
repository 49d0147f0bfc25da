"""The engine half of generation: cache lookup, Claude or the rule engine (falling back to rules when Claude
fails), parsing, and the score parts that depend on the text alone. A Draft is what the cache keeps (1 h)."""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from autodevhub.core.cache import get_cache
from autodevhub.core.settings import Settings
from autodevhub.integrations import claude
from autodevhub.models import utcnow
from autodevhub.stories.engine import claude as claude_engine
from autodevhub.stories.engine import scoring
from autodevhub.stories.engine.gherkin import ParseResult, check, render
from autodevhub.stories.engine.rules import engine as rule_engine

log = logging.getLogger(__name__)
CACHE_TTL = 3600
CACHE_PREFIX = "story:"
Progress = Callable[[str, str], None]
FALLBACK = {
    **claude.REASONS,
    "refused": "Claude declined to write this story",
    "invalid_output": "Claude's answer did not parse, even after one repair round",
}


@dataclass
class Draft:
    """Engine output ready to score and save."""

    gherkin: str
    engine: str
    details: dict[str, Any]
    parse: dict[str, Any]
    parts: dict[str, Any]
    hints: list[str]
    fallback: dict[str, Any] | None = None
    cached_at: str = ""
    cache: dict[str, Any] = field(default_factory=dict)


def engine_id(settings: Settings) -> str:
    """The engine a generation plans to use, versioned: part of the cache key."""
    if settings.anthropic_api_key:
        return f"claude:{settings.anthropic_model}"
    return f"rules:{rule_engine.VERSION}"


def cache_key(engine: str, project_id: uuid.UUID, text: str) -> str:
    """The draft's key: engine, scoring version (a draft keeps its score parts), project and text."""
    digest = hashlib.sha256(f"{engine}\nscore:{scoring.VERSION}\n{project_id}\n{text}".encode()).hexdigest()
    return CACHE_PREFIX + digest


def lookup(settings: Settings, project_id: uuid.UUID, text: str) -> Draft | None:
    """The cached draft for this text, project and engine, marked as a hit; None on a miss or cache error."""
    key = cache_key(engine_id(settings), project_id, text)
    try:
        cached = get_cache().get(key)
    except Exception:  # a cache outage costs a generation, never the request
        log.warning("story cache unavailable for a lookup", exc_info=True)
        return None
    try:
        draft = Draft(**{name: value for name, value in cached.items() if name != "cache"})
    except (AttributeError, TypeError):  # nothing cached, or an entry in an older shape
        return None
    draft.cache = {"hit": True, "key": key[-16:], "cached_at": draft.cached_at}
    return draft


def remember(settings: Settings, project_id: uuid.UUID, text: str, draft: Draft) -> None:
    """Cache a draft made by the planned engine (not a fallback's story: Claude may be back soon)."""
    if draft.fallback or draft.cache.get("hit"):
        return
    key = cache_key(engine_id(settings), project_id, text)
    try:
        get_cache().set(key, {**asdict(draft), "cache": {}}, CACHE_TTL)
    except Exception:
        log.warning("story cache unavailable for a store", exc_info=True)


def _rules(text: str) -> tuple[str, ParseResult, dict[str, Any]]:
    started = time.perf_counter()
    gherkin = render(rule_engine.generate(text))
    result = check(gherkin)
    return (
        gherkin,
        result,
        {"version": rule_engine.VERSION, "duration_ms": round((time.perf_counter() - started) * 1000, 2)},
    )


def produce(settings: Settings, text: str, progress: Progress | None = None) -> Draft:
    """Run the planned engine; when Claude fails, the rule engine answers and the draft says why."""
    notify = progress or (lambda _event, _detail: None)
    fallback, engine = None, "rules"
    details: dict[str, Any] = {}
    if settings.anthropic_api_key:
        notify("stage", "claude")
        try:
            gherkin, result, meta = claude_engine.write_story(
                text, settings, lambda chunk: notify("delta", chunk)
            )
            engine, details = "claude", {"claude": meta}
        except claude_engine.ClaudeFailed as failure:
            message = f"{FALLBACK.get(failure.reason, failure.reason)}; the rule engine wrote this story."
            fallback = {
                "from": "claude",
                "reason": failure.reason,
                "status": failure.status,
                "message": message,
            }
            details = {"claude": failure.meta}
            notify("fallback", message)
    if engine == "rules":
        notify("stage", "rules")
        gherkin, result, meta = _rules(text)
        details["rules"] = meta
    notify("stage", "score")
    parts, hints = scoring.static_parts(text, gherkin, result)
    return Draft(
        gherkin=gherkin,
        engine=engine,
        details=details,
        parse=result.as_dict(),
        parts=parts,
        hints=hints,
        fallback=fallback,
        cached_at=utcnow().isoformat(),
        cache={"hit": False},
    )
