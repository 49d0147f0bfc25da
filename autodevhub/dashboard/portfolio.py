"""The home page's project cards: every number of a page of projects in a fixed number of queries.

Each card reads the metric queries' multi-project variants (CI over 7 days, DORA over 30), so the count of
queries does not grow with the number of projects. The run numbers of a page of projects are shared through
the cache by every reader of those projects until one's runs or settings change or RUNS_TTL_SECONDS pass
(as on the Workflows page and the overview); story counts and sync states are read on every call. Docs
freshness is absent until the docs service exists.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from autodevhub.core.cache import memoized
from autodevhub.models import Project
from autodevhub.models.workflows import WorkflowSync
from autodevhub.stories import queries as stories
from autodevhub.workflows.metrics import alerts, dora
from autodevhub.workflows.metrics import ci as metrics

CI_DAYS = 7
DORA_DAYS = 30
DORA_KEYS = ("deployment_frequency", "lead_time", "change_failure_rate", "time_to_restore")
RUNS_TTL_SECONDS = 30.0
RUNS_KEY = "portfolio-runs:"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def sparkline(per_day: list[dict], since: datetime, until: datetime) -> list[dict]:
    """[{day, rate}] for every UTC day of the window, oldest first (rate None: no run counted that day)."""
    rates = {row["day"]: row["rate"] for row in metrics.daily_success_rates(per_day)}
    first, days = since.date(), (until.date() - since.date()).days + 1
    return [
        {"day": d, "rate": rates.get(d)} for d in ((first + timedelta(n)).isoformat() for n in range(days))
    ]


def project_alerts(failing: list[str], branch: str, sync: WorkflowSync | None) -> list[dict[str, Any]]:
    """What needs a look: a failing default branch, a failed sync."""
    found = []
    if failing:
        found.append(
            {
                "kind": "failing_branch",
                "message": f"{branch} is failing: {', '.join(failing)}",
                "workflows": failing,
            }
        )
    if sync is not None and sync.state.value == "failed":
        found.append({"kind": "sync_failed", "message": sync.message or "The last GitHub sync failed."})
    return found


def dora_bands(result: dict[str, Any]) -> dict[str, str | None]:
    return {key: result[key]["band"] for key in DORA_KEYS}


def run_numbers(
    session: Session, projects: list[Project], syncs: dict[uuid.UUID, WorkflowSync], now: datetime
) -> dict[str, dict[str, Any]]:
    """{project id: {ci, dora, branch, failing}} of the cards, from the cache while nothing they read moved:
    each project's settings and repo, its sync's changed_at and default branch, and the RUNS_TTL_SECONDS slot
    of `now` (an explicit `now` elsewhere in time is its own entry)."""
    ids: list[uuid.UUID] = [project.id for project in projects]

    def compute() -> dict[str, dict[str, Any]]:
        week, month = metrics.bounds(CI_DAYS, now), metrics.bounds(DORA_DAYS, now)
        rates = metrics.rates_many(session, ids, *week)
        per_day = metrics.runs_per_day_many(session, ids, *week)
        doras = dora.dora_many(session, projects, *month, DORA_DAYS)
        failing = alerts.failing_on_branch(session, {pid: d["branch"] for pid, d in doras.items()}, *month)
        empty = {"runs": 0, "completed": 0, "successes": 0, "failures": 0, "success_rate": None}
        return {
            str(pid): {
                "ci": {
                    "days": CI_DAYS,
                    **rates.get(pid, empty),
                    "sparkline": sparkline(per_day.get(pid, []), *week),
                },
                "dora": {"days": DORA_DAYS, **dora_bands(doras[pid])},
                "branch": doras[pid]["branch"],
                "failing": failing.get(pid, []),
            }
            for pid in ids
        }

    def watched(project: Project) -> list[Any]:
        sync = syncs.get(project.id)
        return [
            str(project.id),
            project.settings,
            project.repo,
            sync and sync.changed_at,
            sync and sync.default_branch,
        ]

    scope = [[watched(project) for project in projects], int(now.timestamp() // RUNS_TTL_SECONDS)]
    return memoized(RUNS_KEY, scope, RUNS_TTL_SECONDS, compute)


def cards(session: Session, projects: list[Project], now: datetime) -> list[dict[str, Any]]:
    """One card per project, in the order given."""
    ids: list[uuid.UUID] = [project.id for project in projects]
    if not ids:
        return []
    syncs = {
        s.project_id: s
        for s in session.exec(select(WorkflowSync).where(col(WorkflowSync.project_id).in_(ids)))
    }
    runs = run_numbers(session, projects, syncs, now)
    counts = stories.status_counts(session, ids)
    result = []
    for project in projects:
        sync, numbers = syncs.get(project.id), runs[str(project.id)]
        result.append(
            {
                "id": str(project.id),
                "name": project.name,
                "repo": project.repo,
                "sync": {
                    "state": sync.state.value if sync else "idle",
                    "last_success_at": _iso(sync.last_success_at if sync else None),
                },
                "ci": numbers["ci"],
                "dora": numbers["dora"],
                "stories": counts[project.id],
                "alerts": project_alerts(numbers["failing"], numbers["branch"], sync),
            }
        )
    return result
