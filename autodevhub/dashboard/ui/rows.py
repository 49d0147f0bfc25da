"""Display rows of the home page's cards and of a project's overview, from the dashboard service's plain
data: pure functions, no reflex. GitHub and AI text stays text; every link goes to a page of the app."""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlencode

from autodevhub.models import StoryStatus
from autodevhub.ui.metric_text import BAND_COLORS, NO_VALUE, dora_tiles, format_duration
from autodevhub.ui.rows import when

SHOWN_STATUSES = [status for status in StoryStatus if status is not StoryStatus.archived]
DORA_SHORT = {
    "deployment_frequency": "Deploys",
    "lead_time": "Lead time",
    "change_failure_rate": "Failures",
    "time_to_restore": "Restore",
}
SYNC_LABELS = {"idle": "Never synced", "running": "Syncing", "ok": "Synced", "failed": "Sync failed"}


@dataclasses.dataclass(frozen=True)
class Tile:
    """A number with its label and detail; `href` opens the list behind it."""

    label: str
    value: str
    detail: str
    href: str


@dataclasses.dataclass(frozen=True)
class Band:
    """One DORA metric as a coloured band ("elite" ... "low", "" without data)."""

    label: str
    value: str
    detail: str
    band: str
    color: str
    href: str


@dataclasses.dataclass(frozen=True)
class Bar:
    """One day of a sparkline: height as a CSS percentage, a label for screen readers and hover."""

    height: str
    color: str
    label: str


@dataclasses.dataclass(frozen=True)
class Card:
    """One project on the home page."""

    id: str
    name: str
    repo: str
    href: str
    sync: str
    ci_rate: str
    ci_detail: str
    spark: list[Bar]
    dora: list[Band]
    stories: list[Tile]
    alerts: list[str]


def link(route: str, **query: str) -> str:
    return f"{route}?{urlencode(query)}" if query else route


def percent(rate: float | None, digits: int = 1) -> str:
    return NO_VALUE if rate is None else f"{100 * rate:.{digits}f} %"


def sync_text(state: str, last_success_at: str | None) -> str:
    if last_success_at:
        return f"Last synced {when(last_success_at)}"
    return SYNC_LABELS.get(state, state.capitalize())


def spark(points: list[dict[str, Any]]) -> list[Bar]:
    bars = []
    for point in points:
        rate = point["rate"]
        if rate is None:
            bars.append(Bar("8%", "var(--gray-6)", f"{point['day']}: no finished runs"))
        else:
            color = "var(--green-9)" if rate >= 0.9 else "var(--amber-9)" if rate >= 0.7 else "var(--red-9)"
            bars.append(Bar(f"{max(8, round(100 * rate))}%", color, f"{point['day']}: {percent(rate, 0)}"))
    return bars


def status_label(status: str) -> str:
    return status.replace("_", " ").capitalize()


def status_tiles(project_id: str, counts: dict[str, int]) -> list[Tile]:
    """Stories per status (archived left out), each opening the Stories page filtered to it."""
    return [
        Tile(status_label(s), f"{counts.get(s, 0):,}", "", link("/stories", project=project_id, status=s))
        for s in SHOWN_STATUSES
    ]


def docs_tiles(docs: dict[str, Any]) -> list[Tile]:
    """Pages and freshness of the project's docs, each opening its Docs page; freshness "unknown" when no
    page's is known without GitHub."""
    known = docs["fresh"] + docs["stale"]
    unknown = f", {docs['unknown']:,} unknown (GitHub: see Docs)" if docs["unknown"] else ""
    fresh = "unknown" if docs["percent"] is None else f"{docs['percent']:.1f} %"
    return [
        Tile("Docs pages", f"{docs['pages']:,}", "generated pages", docs["href"]),
        Tile("Docs freshness", fresh, f"{docs['fresh']:,} fresh of {known:,}{unknown}", docs["href"]),
    ]


def card(item: dict[str, Any]) -> Card:
    ci, pid = item["ci"], item["id"]
    finished = ci["successes"] + ci["failures"]
    href = link(f"/projects/{pid}")
    return Card(
        id=pid,
        name=item["name"],
        repo=item["repo"] or "",
        href=href,
        sync=sync_text(item["sync"]["state"], item["sync"]["last_success_at"]),
        ci_rate=percent(ci["success_rate"]),
        ci_detail=f"{ci['successes']:,} of {finished:,} finished runs passed in {ci['days']} days"
        if finished
        else f"No finished runs in {ci['days']} days",
        spark=spark(ci["sparkline"]),
        dora=[
            Band(short, "", "", item["dora"][key] or "", BAND_COLORS[item["dora"][key]], href)
            for key, short in DORA_SHORT.items()
        ],
        stories=status_tiles(pid, item["stories"]),
        alerts=[alert["message"] for alert in item["alerts"]],
    )


@dataclasses.dataclass(frozen=True)
class RunLine:
    """One of the last runs: GitHub text, shown as text."""

    title: str
    workflow: str
    outcome: str
    tone: str
    branch: str
    created_at: str
    duration: str


@dataclasses.dataclass(frozen=True)
class StoryLine:
    """One of the last stories; the description is the user's (or the AI's) text, shown as text."""

    href: str
    description: str
    status: str
    created_at: str


@dataclasses.dataclass(frozen=True)
class ActivityLine:
    who: str
    what: str
    at: str


@dataclasses.dataclass(frozen=True)
class SpendLine:
    """One month's AI spend and its break-down per engine and model."""

    month: str
    cost: str
    tokens: str
    engines: list[str]


def kpi_tiles(overview: dict[str, Any]) -> list[Tile]:
    """Runs, success rate, p50 duration and queue time of the window; each opens the Workflows page (the
    success rate on the project's failed runs)."""
    ci, days = overview["ci"], overview["window"]["days"]
    runs = link("/workflows", project=overview["project"]["id"])
    failed = link("/workflows", project=overview["project"]["id"], status="failure")
    failed_of = f"{ci['failures']:,} failed of {ci['successes'] + ci['failures']:,}"
    return [
        Tile("Runs", f"{ci['runs']:,}", f"{ci['completed']:,} completed in {days} days", runs),
        Tile("Success rate", percent(ci["success_rate"]), failed_of, failed),
        Tile("Median duration", format_duration(ci["p50_duration"]), "p50 of completed runs", runs),
        Tile("Queue time", format_duration(ci["p50_queue"]), "median wait for a runner", runs),
    ]


def dora_bands(overview: dict[str, Any]) -> list[Band]:
    runs = link("/workflows", project=overview["project"]["id"])
    return [
        Band(t["label"], t["value"], t["detail"], t["band"], t["color"], runs)
        for t in dora_tiles(overview["dora"])
    ]


def run_line(run: dict[str, Any]) -> RunLine:
    outcome = run["conclusion"] or run["status"]
    tone = {"success": "green", "failure": "red", "timed_out": "red", "startup_failure": "red"}.get(
        outcome, "gray"
    )
    return RunLine(
        title=run["title"] or run["workflow"],
        workflow=run["workflow"],
        outcome=outcome.replace("_", " "),
        tone="blue" if run["status"] != "completed" else tone,
        branch=run["branch"] or "",
        created_at=when(run["created_at"]),
        duration=format_duration(run["duration_seconds"]),
    )


def story_line(story: dict[str, Any]) -> StoryLine:
    return StoryLine(
        href=f"/stories/{story['id']}",
        description=story["feature_description"][:200],
        status=status_label(story["status"]),
        created_at=when(story["created_at"]),
    )


def activity_line(item: dict[str, Any]) -> ActivityLine:
    return ActivityLine(who=item["user"], what=item["summary"], at=when(item["at"]))


def spend_lines(spend: dict[str, Any]) -> list[SpendLine]:
    lines = []
    for key, label in (("this_month", "This month"), ("last_month", "Last month")):
        month = spend[key]
        engines = [
            f"{e['engine'] or 'engine not recorded'}{' · ' + e['model'] if e['model'] else ''}: "
            + (f"{e['pages']:,} pages" if e["engine"] == "docs" else f"{e['stories']:,} stories")
            + (f" ({e['cached']:,} from the cache)" if e["cached"] else "")
            + f", {e['input_tokens'] + e['output_tokens']:,} tokens, ${e['cost_usd']:.4f}"
            for e in month["engines"]
        ]
        tokens = month["input_tokens"] + month["output_tokens"]
        lines.append(SpendLine(label, f"${month['cost_usd']:.2f}", f"{tokens:,} tokens", engines))
    return lines
