"""AI spend of a project: tokens and cost of Claude per engine and model, this month and last month (UTC).

Read from each story's metadata as generation saved it (`metadata.claude`: model, input_tokens,
output_tokens, cost_usd), by the story's creation time. A Claude attempt that fell back to the rule engine
still cost its tokens (engine "rules", with the model); a cache hit cost nothing. A regenerated story keeps
only its newest generation's figures. The docs engine's Claude figures come from each page's version_info
(engine "docs", by its generated_at; tokens counting cache writes and reads as input): a page keeps only
its newest generation's figures, and a page reused at a newer commit carries its summary's figures along.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from autodevhub.models import Documentation, UserStory, utcnow

MONTHS = ("this_month", "last_month")


def month_starts(now: datetime) -> tuple[datetime, datetime]:
    """The first instants (UTC) of this month and of last month."""
    this = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return this, (this - timedelta(days=1)).replace(day=1)


def ai_spend(session: Session, project_id: uuid.UUID, now: datetime | None = None) -> dict[str, Any]:
    """{this_month, last_month}: each {since, until, stories, pages, input_tokens, output_tokens, cost_usd,
    engines: [{engine, model, stories, cached, pages, input_tokens, output_tokens, cost_usd}]} (engine and
    model None where the metadata names none; the docs engine's pages last); two queries."""
    until = now or utcnow()
    this, last = month_starts(until)
    meta = col(UserStory.story_metadata)
    spent = sa.func.coalesce(meta[("cache", "hit")].as_boolean(), sa.false()) == sa.false()

    def total(path: tuple[str, str], kind: str) -> sa.ColumnElement[Any]:
        value = getattr(meta[path], kind)()
        return sa.func.coalesce(sa.func.sum(sa.case((spent, value), else_=0)), 0)

    month = sa.case((UserStory.created_at >= this, MONTHS[0]), else_=MONTHS[1]).label("month")
    engine = meta["engine"].as_string().label("engine")
    model = meta[("claude", "model")].as_string().label("model")
    rows = session.exec(
        select(
            month,
            engine,
            model,
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(sa.case((spent, 0), else_=1)), 0),
            total(("claude", "input_tokens"), "as_integer"),
            total(("claude", "output_tokens"), "as_integer"),
            total(("claude", "cost_usd"), "as_float"),
        )
        .where(UserStory.project_id == project_id, UserStory.created_at >= last, UserStory.created_at < until)
        .group_by(month, engine, model)
    )
    bounds = {MONTHS[0]: (this, until), MONTHS[1]: (last, this)}
    result = {
        name: {
            "since": since.isoformat(),
            "until": end.isoformat(),
            "stories": 0,
            "pages": 0,
            "input_tokens": 0,
            "output_tokens": 0,
            "cost_usd": 0.0,
            "engines": [],
        }
        for name, (since, end) in bounds.items()
    }
    found = [
        (
            name,
            {"engine": engine_name, "model": model_name, "stories": stories, "cached": cached, "pages": 0},
            tokens_in,
            tokens_out,
            cost,
        )
        for name, engine_name, model_name, stories, cached, tokens_in, tokens_out, cost in sorted(
            rows,
            key=lambda row: (row[1] or "", row[2] or ""),  # NULLs sort apart on each database: first here
        )
    ]
    for name, entry, tokens_in, tokens_out, cost in found + docs_spend(
        session, project_id, last, this, until
    ):
        row = {
            **entry,
            "input_tokens": int(tokens_in),
            "output_tokens": int(tokens_out),
            "cost_usd": float(cost),
        }
        month_total = result[name]
        month_total["engines"].append(row)
        for key in ("stories", "pages", "input_tokens", "output_tokens", "cost_usd"):
            month_total[key] += row[key]
    return result


def docs_spend(
    session: Session, project_id: uuid.UUID, last: datetime, this: datetime, until: datetime
) -> list[tuple[str, dict[str, Any], int, int, float]]:
    """(month, entry, input tokens, output tokens, cost) per month and model of the project's pages whose
    version_info records Claude tokens, by generated_at (an ISO text of UTC, compared as text); one query."""
    info = col(Documentation.version_info)
    at = info["generated_at"].as_string()
    tokens = info["tokens"].as_integer()
    output = sa.func.coalesce(info[("claude", "output_tokens")].as_integer(), 0)
    month = sa.case((at >= this.isoformat(), MONTHS[0]), else_=MONTHS[1]).label("month")
    model = info[("claude", "model")].as_string().label("model")
    rows = session.exec(
        select(
            month,
            model,
            sa.func.count(),
            sa.func.sum(tokens - output),
            sa.func.sum(output),
            sa.func.coalesce(sa.func.sum(info["cost_usd"].as_float()), 0),
        )
        .where(
            Documentation.project_id == project_id,
            at >= last.isoformat(),
            at < until.isoformat(),
            tokens > 0,
        )
        .group_by(month, model)
    )
    return [
        (
            name,
            {"engine": "docs", "model": model_name, "stories": 0, "cached": 0, "pages": pages},
            tokens_in,
            tokens_out,
            cost,
        )
        for name, model_name, pages, tokens_in, tokens_out, cost in sorted(rows, key=lambda row: row[1] or "")
    ]
