"""The dashboard's display rows and wording: pure functions from the service's plain data."""

from __future__ import annotations

from autodevhub.dashboard.activity import describe
from autodevhub.dashboard.ui import rows

EMPTY_MONTH = {"stories": 0, "input_tokens": 0, "output_tokens": 0, "cost_usd": 0.0, "engines": []}


def test_a_card_from_the_service() -> None:
    item = {
        "id": "p1",
        "name": "Shop <b>",
        "repo": None,
        "sync": {"state": "idle", "last_success_at": None},
        "ci": {
            "days": 7,
            "successes": 9,
            "failures": 1,
            "success_rate": 0.9,
            "sparkline": [{"day": "2025-03-30", "rate": 0.5}, {"day": "2025-03-31", "rate": None}],
        },
        "dora": {
            "deployment_frequency": "elite",
            "lead_time": None,
            "change_failure_rate": "low",
            "time_to_restore": "high",
        },
        "stories": {"draft": 2, "approved": 0, "in_progress": 1, "done": 0, "archived": 4},
        "alerts": [{"kind": "failing_branch", "message": "main is failing: CI"}],
    }
    card = rows.card(item)
    assert (card.name, card.repo, card.href, card.sync) == ("Shop <b>", "", "/projects/p1", "Never synced")
    assert (card.ci_rate, card.ci_detail) == ("90.0 %", "9 of 10 finished runs passed in 7 days")
    assert [(bar.height, bar.label) for bar in card.spark] == [
        ("50%", "2025-03-30: 50 %"),
        ("8%", "2025-03-31: no finished runs"),
    ]
    assert card.spark[0].color == "var(--red-9)"
    assert [(band.label, band.band) for band in card.dora] == [
        ("Deploys", "elite"),
        ("Lead time", ""),
        ("Failures", "low"),
        ("Restore", "high"),
    ]
    assert [(t.label, t.value, t.href) for t in card.stories][2] == (
        "In progress",
        "1",
        "/stories?project=p1&status=in_progress",
    )
    assert len(card.stories) == 4 and card.alerts == ["main is failing: CI"]
    assert rows.sync_text("ok", "2025-03-31T12:00:00+00:00") == "Last synced 2025-03-31 12:00 UTC"


def test_spend_lines_name_each_engine_and_model() -> None:
    month = {
        "stories": 3,
        "input_tokens": 1000,
        "output_tokens": 500,
        "cost_usd": 0.0234,
        "engines": [
            {
                "engine": None,
                "model": None,
                "stories": 1,
                "cached": 0,
                "input_tokens": 0,
                "output_tokens": 0,
                "cost_usd": 0.0,
            },
            {
                "engine": "claude",
                "model": "claude-x",
                "stories": 2,
                "cached": 1,
                "input_tokens": 1000,
                "output_tokens": 500,
                "cost_usd": 0.0234,
            },
        ],
    }
    this, last = rows.spend_lines({"this_month": month, "last_month": EMPTY_MONTH})
    assert (this.month, this.cost, this.tokens) == ("This month", "$0.02", "1,500 tokens")
    assert this.engines == [
        "engine not recorded: 1 stories, 0 tokens, $0.0000",
        "claude · claude-x: 2 stories (1 from the cache), 1,500 tokens, $0.0234",
    ]
    assert (last.month, last.cost, last.engines) == ("Last month", "$0.00", [])


def test_run_lines_and_story_lines_stay_text() -> None:
    run = {
        "conclusion": None,
        "status": "in_progress",
        "title": "",
        "workflow": "<script>CI</script>",
        "branch": "main",
        "created_at": "2025-03-31T11:00:00+00:00",
        "duration_seconds": None,
    }
    line = rows.run_line(run)
    assert (line.title, line.outcome, line.tone, line.duration) == (
        "<script>CI</script>",
        "in progress",
        "blue",
        "\u2013",
    )
    failed = rows.run_line({**run, "status": "completed", "conclusion": "timed_out", "duration_seconds": 90})
    assert (failed.outcome, failed.tone, failed.duration) == ("timed out", "red", "1.5 min")
    story = rows.story_line(
        {
            "id": "s1",
            "feature_description": "x" * 300,
            "status": "in_progress",
            "created_at": "2025-03-31T11:00:00+00:00",
        }
    )
    assert (story.href, len(story.description), story.status) == ("/stories/s1", 200, "In progress")


def test_activity_wording() -> None:
    assert describe("story.generate", {}) == "generated a story"
    assert describe("story.update", {"status_to": "in_progress"}) == "moved a story to in progress"
    assert describe("story.update", {"fields": ["gherkin_output"]}) == "changed a story"
    assert describe("workflow.dispatch.result", {"outcome": "accepted"}) == "dispatched a workflow: accepted"
    assert describe("something.new", {}) == "something.new"
