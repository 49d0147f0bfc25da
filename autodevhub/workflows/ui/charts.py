"""Pure functions from the metrics bundle (service.project_metrics) to plotly figures and DORA tiles.

Plotly reads a subset of HTML (<a href>, <b>, <br>, <span style>, entities) in every text it draws: trace and
legend names, tick text, hover text, titles. Text from GitHub goes through `plotly_text` first.
"""

from __future__ import annotations

import html
from datetime import date, datetime, timedelta
from typing import Any

import plotly.graph_objects as go

from autodevhub.ui import metric_text
from autodevhub.ui.metric_text import NO_VALUE, format_duration  # noqa: F401 (the Workflows page's rows use them)

OUTCOME_COLORS = {
    "success": "#2da44e",
    "failure": "#cf222e",
    "timed_out": "#bc4c00",
    "startup_failure": "#a40e26",
    "cancelled": "#8c959f",
    "skipped": "#d0d7de",
    "neutral": "#afb8c1",
    "action_required": "#bf8700",
    "in_progress": "#0969da",
    "queued": "#54aeff",
}
LAYOUT = {
    "margin": {"l": 48, "r": 16, "t": 40, "b": 40},
    "legend": {"orientation": "h", "y": -0.2},
    "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "rgba(0,0,0,0)",
    "height": 320,
}


def plotly_text(value: object) -> str:
    """Text drawn literally by plotly: &, < and > escaped, so no tag or entity of GitHub data is read."""
    return html.escape(str(value), quote=False)


def _days(window: dict[str, Any]) -> list[str]:
    """Every UTC day of the window, so quiet days show as gaps rather than vanish."""
    first: date = datetime.fromisoformat(window["since"]).date()
    last: date = datetime.fromisoformat(window["until"]).date()
    return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def runs_per_day_figure(bundle: dict[str, Any]) -> go.Figure:
    """Stacked bars: runs per day, one colour per conclusion (or status while running)."""
    days = _days(bundle["window"])
    counts: dict[str, dict[str, int]] = {}
    for row in bundle["runs_per_day"]:
        counts.setdefault(row["outcome"], {})[row["day"]] = row["count"]
    order = [o for o in OUTCOME_COLORS if o in counts] + sorted(set(counts) - set(OUTCOME_COLORS))
    figure = go.Figure(
        [
            go.Bar(
                x=days,
                y=[counts[o].get(d, 0) for d in days],
                name=plotly_text(o.replace("_", " ")),
                marker_color=OUTCOME_COLORS.get(o, "#6e7781"),
            )
            for o in order
        ]
    )
    figure.update_layout(title="Runs per day", barmode="stack", yaxis_title="runs", **LAYOUT)
    return figure


def duration_trend_figure(bundle: dict[str, Any]) -> go.Figure:
    """Median and 95th percentile run duration per day, in minutes."""
    trend = bundle["duration_trend"]
    days = [t["day"] for t in trend]
    figure = go.Figure(
        [
            go.Scatter(x=days, y=[t["p50"] / 60 for t in trend], name="p50", mode="lines+markers"),
            go.Scatter(
                x=days,
                y=[t["p95"] / 60 for t in trend],
                name="p95",
                mode="lines+markers",
                line={"dash": "dot"},
            ),
        ]
    )
    figure.update_layout(title="Run duration", yaxis_title="minutes", **LAYOUT)
    return figure


def success_rate_figure(bundle: dict[str, Any]) -> go.Figure:
    """Success rate per workflow (successful / successful + failed), as horizontal bars."""
    rows = [w for w in bundle["workflows"] if w["success_rate"] is not None]
    rates = [round(100 * w["success_rate"], 1) for w in rows]
    figure = go.Figure(
        go.Bar(
            x=rates,
            y=[plotly_text(w["name"]) for w in rows],
            orientation="h",
            text=[f"{rate:g} %" for rate in rates],
            marker_color=[OUTCOME_COLORS["success" if rate >= 90 else "failure"] for rate in rates],
        )
    )
    figure.update_layout(title="Success rate per workflow", xaxis={"range": [0, 100], "title": "%"}, **LAYOUT)
    return figure


def dora_tiles(bundle: dict[str, Any]) -> list[dict[str, str]]:
    """The four DORA tiles of the bundle (ui.metric_text.dora_tiles)."""
    return metric_text.dora_tiles(bundle["dora"])
