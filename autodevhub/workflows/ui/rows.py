"""Display rows of the Workflows page, built from the workflow services' plain data: pure functions.

Text from GitHub stays text (never rendered as HTML); links are kept only to the configured GitHub host.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import plotly.graph_objects as go

from autodevhub.core.settings import get_settings
from autodevhub.workflows.github.store import FAILED
from autodevhub.workflows.ui import charts

CHART_HEIGHT = 300
CHART_LAYOUT = {
    "title": None,
    "template": None,  # the page's light or dark plotly template applies
    "height": CHART_HEIGHT,
    "margin": {"l": 44, "r": 12, "t": 36, "b": 36},
    "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
    "hovermode": "x unified",
}
# outcome -> (label, tone); the tone picks the badge's colour and icon.
OUTCOMES = {
    "success": ("Success", "success"),
    "failure": ("Failure", "failure"),
    "timed_out": ("Timed out", "failure"),
    "startup_failure": ("Startup failure", "failure"),
    "cancelled": ("Cancelled", "neutral"),
    "skipped": ("Skipped", "neutral"),
    "neutral": ("Neutral", "neutral"),
    "stale": ("Stale", "neutral"),
    "action_required": ("Action required", "waiting"),
    "in_progress": ("In progress", "running"),
    "queued": ("Queued", "waiting"),
    "waiting": ("Waiting", "waiting"),
    "requested": ("Requested", "waiting"),
    "pending": ("Pending", "waiting"),
}
RERUNNABLE = frozenset({*FAILED, "cancelled"})
INPUT_KINDS = ("string", "boolean", "choice", "number", "environment")
LINK_CHARACTERS = re.compile(r"[!-\[\]-~]{1,500}")  # printable ASCII, no space or backslash
FIELD_KINDS = {"boolean": "boolean", "choice": "choice", "number": "number"}  # the rest: a text box


@dataclasses.dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclasses.dataclass(frozen=True)
class Kpi:
    label: str
    value: str
    detail: str


@dataclasses.dataclass(frozen=True)
class DoraTile:
    label: str
    value: str
    detail: str
    band: str
    color: str


@dataclasses.dataclass(frozen=True)
class Ranked:
    """One line of the 'most failing' and 'flaky' lists."""

    title: str
    subtitle: str
    count: str
    when: str = ""


@dataclasses.dataclass(frozen=True)
class InputField:
    """One workflow_dispatch input as the dispatch dialog asks for it."""

    name: str
    label: str
    kind: str
    description: str
    required: bool
    default: str
    options: list[str]
    hint: str = ""  # the workflow file's default, shown under the field


@dataclasses.dataclass(frozen=True)
class RunRow:
    id: str
    workflow: str
    title: str
    number: str
    label: str
    tone: str
    event: str
    branch: str
    sha: str
    short_sha: str
    actor: str
    created_at: str
    duration: str
    href: str
    can_rerun: bool
    can_cancel: bool


def utc_iso(value: str | datetime | None) -> str:
    """An ISO timestamp with its UTC offset (browsers read naive ones as local time); "" for none."""
    if not value:
        return ""
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).isoformat()


def github_href(url: object) -> str:
    """A link only to the configured GitHub web host (GITHUB_URL); any other host, scheme, port, user info
    or stray character (a webhook can carry any URL) gives "": the run is shown without a link."""
    if not isinstance(url, str) or not LINK_CHARACTERS.fullmatch(url):
        return ""
    base, parts = urlsplit(get_settings().github_url), urlsplit(url)
    same_host = (parts.scheme, parts.netloc.lower()) == (base.scheme, base.netloc.lower())
    return url if same_host and parts.path.startswith(base.path + "/") else ""


def _count(number: int, thing: str) -> str:
    return f"{number:,} {thing}" + ("" if number == 1 else "s")


def sync_summary(sync: dict[str, Any]) -> str:
    """What the last sync spent of the GitHub quota and what is left, in one line ("" before any sync)."""
    stats = sync.get("stats") or {}
    if stats.get("quota_limit", -1) < 0:
        return ""
    free = stats.get("not_modified") or 0
    parts = [
        f"Last sync: {_count(sync.get('quota_used') or 0, 'GitHub request')}"
        + (f" (and {free:,} answered “not modified”, free)" if free else "")
    ]
    reset = stats.get("quota_reset")
    until = f" until {datetime.fromisoformat(reset):%H:%M} UTC" if reset else ""
    parts.append(f"{stats['quota_remaining']:,} of {stats['quota_limit']:,} left{until}")
    if stats.get("skipped"):
        parts.append(f"{_count(stats['skipped'], 'incomplete GitHub object')} skipped")
    if stats.get("unreadable_workflows"):
        parts.append(f"{_count(stats['unreadable_workflows'], 'workflow file')} unreadable")
    if stats.get("jobs_pending"):
        parts.append(f"jobs of {_count(stats['jobs_pending'], 'run')} still to read")
    return " · ".join(parts)


def unreadable_workflows(workflows: list[dict[str, Any]]) -> list[str]:
    """ "Nightly: workflow file not readable: ..." for each workflow whose file could not be read."""
    return [f"{w['name']}: {w['error']}" for w in workflows if w.get("error")]


def run_row(run: dict[str, Any]) -> RunRow:
    outcome = run["conclusion"] or run["status"]
    label, tone = OUTCOMES.get(outcome, (outcome.replace("_", " ").capitalize(), "neutral"))
    attempt = f" · attempt {run['run_attempt']}" if (run["run_attempt"] or 1) > 1 else ""
    completed = run["status"] == "completed"
    return RunRow(
        id=run["id"],
        workflow=run["workflow"],
        title=run["title"] or run["workflow"],
        number=f"#{run['run_number'] or '?'}{attempt}",
        label=label,
        tone=tone,
        event=run["event"] or "",
        branch=run["branch"] or "",
        sha=run["head_sha"] or "",
        short_sha=(run["head_sha"] or "")[:7],
        actor=run["actor"] or "",
        created_at=utc_iso(run["created_at"]),
        duration=charts.format_duration(run["duration_seconds"]),
        href=github_href(run["html_url"]),
        can_rerun=completed and run["conclusion"] in RERUNNABLE,
        can_cancel=not completed,
    )


def input_fields(inputs: object) -> list[InputField]:
    """The declared workflow_dispatch inputs (from the workflow file: checked, not trusted)."""
    fields = []
    for name, spec in (inputs if isinstance(inputs, dict) else {}).items():
        spec = spec if isinstance(spec, dict) else {}
        kind = spec.get("type") if spec.get("type") in INPUT_KINDS else "string"
        options = [str(o) for o in spec.get("options") or [] if str(o)] if kind == "choice" else []
        declared = spec.get("default")
        declared = (
            "" if declared is None else str(declared).lower() if isinstance(declared, bool) else str(declared)
        )
        default = declared
        if kind == "boolean":
            default = default if default in ("true", "false") else "false"
        elif kind == "choice" and default not in options:
            default = options[0] if options else ""
        fields.append(
            InputField(
                name=str(name),
                label=str(name).replace("_", " ").capitalize(),
                kind="text" if kind == "choice" and not options else FIELD_KINDS.get(kind, "text"),
                description=str(spec.get("description") or "")[:300],
                required=bool(spec.get("required")),
                default=default[:1000],
                options=options,
                hint=f"Default: {declared[:200]}" if declared else "",
            )
        )
    return fields


def kpis(summary: dict[str, Any]) -> list[Kpi]:
    rate = summary["success_rate"]
    duration = charts.format_duration
    return [
        Kpi("Runs", f"{summary['runs']:,}", f"{summary['completed']:,} completed"),
        Kpi(
            "Success rate",
            charts.NO_VALUE if rate is None else f"{100 * rate:.1f} %",
            f"{summary['failures']:,} failed of {summary['successes'] + summary['failures']:,}",
        ),
        Kpi("Median duration", duration(summary["p50_duration"]), "p50 of completed runs"),
        Kpi("p95 duration", duration(summary["p95_duration"]), "95th percentile"),
        Kpi("Queue time", duration(summary["p50_queue"]), f"median · p95 {duration(summary['p95_queue'])}"),
    ]


def tidy(figure: go.Figure, height: int = CHART_HEIGHT) -> go.Figure:
    """A chart for a card: no title (the card has a heading), no baked-in template, fixed height."""
    figure.update_layout(**{**CHART_LAYOUT, "height": height})
    return figure


def day_axis(window: dict[str, Any]) -> dict[str, Any]:
    """The whole window on the x axis, day bars centred on their date (a single day is not zoomed in on)."""
    first = datetime.fromisoformat(window["since"]).date() - timedelta(days=1)
    last = datetime.fromisoformat(window["until"]).date()
    return {"type": "date", "range": [f"{first}T12:00", f"{last}T12:00"]}


def figures(bundle: dict[str, Any]) -> tuple[go.Figure, go.Figure, go.Figure]:
    """Runs per day, duration trend and success rate per workflow, ready for a card."""
    rated = sum(1 for w in bundle["workflows"] if w["success_rate"] is not None)
    success = tidy(charts.success_rate_figure(bundle), max(160, 72 + 40 * rated))
    success.update_layout(hovermode="closest", showlegend=False)
    daily = [tidy(charts.runs_per_day_figure(bundle)), tidy(charts.duration_trend_figure(bundle))]
    for figure in daily:
        figure.update_xaxes(**day_axis(bundle["window"]))
    return daily[0], daily[1], success


def ranked(bundle: dict[str, Any]) -> tuple[list[Ranked], list[Ranked], list[Ranked]]:
    def rate(w: dict) -> str:
        return "" if w["success_rate"] is None else f" · {100 * w['success_rate']:.0f} % success"

    workflows = [
        Ranked(w["name"], f"{w['runs']:,} runs{rate(w)}", f"{w['failures']:,}")
        for w in bundle["failing_workflows"]
    ]
    jobs = [Ranked(j["job"], j["workflow"], f"{j['failures']:,}") for j in bundle["failing_jobs"]]
    flaky = [
        Ranked(j["job"], j["workflow"], f"{j['commits']:,}", utc_iso(j["last_seen"]))
        for j in bundle["flaky_jobs"]
    ]
    return workflows, jobs, flaky


def dora_tiles(bundle: dict[str, Any]) -> list[DoraTile]:
    return [
        DoraTile(t["label"], t["value"], t["detail"], t["band"], t["color"])
        for t in charts.dora_tiles(bundle)
    ]
