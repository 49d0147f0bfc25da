"""CI and DORA gauges per project for /metrics: the page's 30-day aggregates, at most once a minute."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlmodel import Session, col, select

from autodevhub.core.db import get_engine
from autodevhub.models import Project, Workflow
from autodevhub.workflows.metrics import ci as metrics
from autodevhub.workflows.metrics import dora

WINDOW_DAYS = 30
CACHE_SECONDS = 60.0
logger = logging.getLogger(__name__)
# name -> (help, how to read the value from (summary, dora))
GAUGES = {
    "autodevhub_ci_runs": ("Workflow runs in the last 30 days", lambda s, d: s["runs"]),
    "autodevhub_ci_success_ratio": (
        "Successful / (successful + failed) runs, 30 days",
        lambda s, d: s["success_rate"],
    ),
    "autodevhub_ci_duration_p95_seconds": (
        "95th percentile run duration, 30 days",
        lambda s, d: s["p95_duration"],
    ),
    "autodevhub_ci_queue_p95_seconds": ("95th percentile queue time, 30 days", lambda s, d: s["p95_queue"]),
    "autodevhub_dora_deployments_per_day": (
        "Successful deploys of the default branch per day, 30 days",
        lambda s, d: d["deployment_frequency"]["per_day"] if d["deploy_workflows"] else None,
    ),
    "autodevhub_dora_lead_time_seconds": (
        "Median commit-to-deploy time, 30 days",
        lambda s, d: d["lead_time"]["seconds"],
    ),
    "autodevhub_story_lead_time_seconds": (
        "Median time from a story's approval to the deploy that carried it, stories shipped in 30 days",
        lambda s, d: d["story_lead_time"]["seconds"],
    ),
    "autodevhub_dora_change_failure_ratio": (
        "Failed / completed deploys, 30 days",
        lambda s, d: d["change_failure_rate"]["rate"],
    ),
    "autodevhub_dora_time_to_restore_seconds": (
        "Median time from a failed deploy to the next successful one, 30 days",
        lambda s, d: d["time_to_restore"]["seconds"],
    ),
}


class WorkflowCollector(Collector):
    """One sample per gauge and project with workflows (metrics without data are left out)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cached: tuple[str, float, list[tuple[str, str, dict, dict]]] | None = None

    def describe(self) -> list:
        return []  # registration must not query the database

    def collect(self) -> Iterator[GaugeMetricFamily]:
        rows = self._rows()
        for name, (text, read) in GAUGES.items():
            family = GaugeMetricFamily(name, text, labels=["project_id", "project"])
            for project_id, project_name, summary, delivery in rows:
                value = read(summary, delivery)
                if value is not None:
                    family.add_metric([project_id, project_name], float(value))
            yield family

    def _rows(self) -> list[tuple[str, str, dict, dict]]:
        engine = get_engine()
        with self._lock:
            url, when, rows = self._cached or ("", 0.0, [])
            if url == str(engine.url) and time.monotonic() - when < CACHE_SECONDS:
                return rows
            try:
                rows = _measure(engine)
            except Exception as error:  # a scrape must not fail because the database is away
                logger.warning("workflow gauges unavailable: %s", type(error).__name__)
                rows = []
            self._cached = (str(engine.url), time.monotonic(), rows)
            return rows


def _measure(engine) -> list[tuple[str, str, dict, dict]]:
    with Session(engine) as session:
        projects = session.exec(
            select(Project).where(col(Project.id).in_(select(Workflow.project_id))).order_by(Project.name)
        ).all()
        rows = []
        for project in projects:
            scope = metrics.scope_for(project.id, WINDOW_DAYS)
            rows.append(
                (
                    str(project.id),
                    project.name,
                    metrics.summary(session, scope),
                    dora.dora(session, project, scope),
                )
            )
        return rows
