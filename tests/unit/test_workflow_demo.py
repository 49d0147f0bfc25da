"""`autodevhub demo`, the plotly figure builders over its metrics, and the /metrics gauges."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from click.testing import CliRunner
from sqlmodel import Session, func, select

from autodevhub.auth.sessions import identity_of
from autodevhub.cli import main
from autodevhub.core.db import get_engine
from autodevhub.core.settings import get_settings
from autodevhub.models import User, UserStory, WorkflowExecution
from autodevhub.models.workflows import WorkflowJob
from autodevhub.workflows import service
from autodevhub.workflows.demo import runs as demo_runs
from autodevhub.workflows.demo import seed as demo
from autodevhub.workflows.ui import charts
from tests.support.helpers import api_client

NOW = datetime(2025, 6, 2, 15, 0, tzinfo=UTC)


def counts() -> tuple[int, int, int]:
    with Session(get_engine()) as session:
        return tuple(
            session.exec(select(func.count()).select_from(model)).one()
            for model in (WorkflowExecution, WorkflowJob, UserStory)
        )


def test_demo_is_deterministic_and_realistic():
    first = [(r.id, r.conclusion, r.created_at) for _, day in demo_runs.history(90, NOW) for r, _ in day]
    again = [(r.id, r.conclusion, r.created_at) for _, day in demo_runs.history(90, NOW) for r, _ in day]
    assert first == again and len(first) > 500
    runs = [run for _, day in demo_runs.history(90, NOW) for run, _ in day]
    by_workflow = Counter(run.name for run in runs)
    assert set(by_workflow) == {"CI", "Deploy", "Nightly"} and by_workflow["Nightly"] == 90
    deploys = sorted((r for r in runs if r.name == "Deploy"), key=lambda r: r.created_at)
    failed = [i for i, r in enumerate(deploys) if r.conclusion == "failure"]
    assert failed and all(deploys[i + 1].conclusion == "success" for i in failed if i + 1 < len(deploys))
    assert any(run.run_attempt == 2 for run in runs)  # flaky integration tests passed on a re-run
    assert max(run.created_at for run in runs) < NOW


def test_cli_demo_creates_an_admin_once_and_never_duplicates(app_db):
    first = CliRunner().invoke(main, ["demo"])
    assert first.exit_code == 0, first.output
    assert first.output.startswith("created admin demo@autodevhub.local with password ")
    loaded = counts()
    assert loaded[0] > 500 and loaded[1] > 4 * 500 and loaded[2] == 3

    second = CliRunner().invoke(main, ["demo"])
    assert second.exit_code == 0 and "created admin" not in second.output
    assert second.output.strip().endswith("0 new runs, 0 new stories")
    assert counts() == loaded


def test_figures_and_tiles_from_the_demo_metrics(app_db):
    with Session(get_engine()) as session:
        result = demo.load(session)
        session.commit()
        admin = identity_of(session.exec(select(User)).one())
        bundle = service.project_metrics(session, admin, result.project_id, days=30)

    runs = charts.runs_per_day_figure(bundle)
    assert runs.layout.barmode == "stack" and {t.name for t in runs.data} >= {"success", "failure"}
    assert all(len(t.x) == 31 for t in runs.data)  # every day of the window, quiet days at zero
    assert sum(sum(t.y) for t in runs.data) == bundle["summary"]["runs"]
    trend = charts.duration_trend_figure(bundle)
    assert [t.name for t in trend.data] == ["p50", "p95"]
    assert all(p95 >= p50 for p50, p95 in zip(trend.data[0].y, trend.data[1].y, strict=True))
    rates = charts.success_rate_figure(bundle)
    assert list(rates.data[0].y) == ["CI", "Deploy", "Nightly"]
    tiles = charts.dora_tiles(bundle)
    assert [t["key"] for t in tiles] == [
        "deployment_frequency",
        "lead_time",
        "change_failure_rate",
        "time_to_restore",
        "story_lead_time",
    ]
    assert all(t["band"] in ("elite", "high", "medium", "low") for t in tiles[:4])
    assert (tiles[4]["value"], tiles[4]["band"]) == ("\u2013", "")  # the demo has no shipped stories
    assert charts.format_duration(45) == "45 s" and charts.format_duration(5400) == "1.5 h"


def test_metrics_endpoint_exports_gauges_per_project(app_db, monkeypatch):
    with Session(get_engine()) as session:
        result = demo.load(session)
        session.commit()
    scrape = "a-scrape-token-for-the-gauges"
    monkeypatch.setenv("AUTODEVHUB_METRICS_TOKEN", scrape)
    get_settings.cache_clear()
    text = api_client().get("/metrics", headers={"Authorization": f"Bearer {scrape}"}).text
    label = f'project="{demo.PROJECT_NAME}",project_id="{result.project_id}"'
    for name in ("autodevhub_ci_runs", "autodevhub_ci_success_ratio", "autodevhub_dora_lead_time_seconds"):
        assert f"{name}{{{label}}}" in text
