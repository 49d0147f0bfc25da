"""GitHub text reaches Plotly escaped (Plotly draws <a href>, <b>, <br> and entities) and run links only point
at the configured GitHub web host."""

from __future__ import annotations

import json

import pytest

from autodevhub.core.settings import get_settings
from autodevhub.workflows.ui import charts, rows

LINK = '<a href="https://evil.example">Re-login</a>'
BOLD = "<b>x</b>&amp;"


def bundle(name: str, outcome: str) -> dict:
    """The parts of service.project_metrics that the three charts draw."""
    window = {"since": "2025-03-29T00:00:00+00:00", "until": "2025-03-31T00:00:00+00:00"}
    return {
        "window": window,
        "workflows": [{"name": name, "success_rate": 0.5}, {"name": "CI", "success_rate": 1.0}],
        "runs_per_day": [{"day": "2025-03-30", "outcome": outcome, "count": 2}],
        "duration_trend": [{"day": "2025-03-30", "p50": 60.0, "p95": 120.0}],
    }


def drawn_text(figure) -> str:
    """Every string of the figure as plotly.js receives it."""
    return json.dumps(json.loads(figure.to_json()))


def test_workflow_names_and_outcomes_are_text_on_every_chart() -> None:
    figures = rows.figures(bundle(LINK, BOLD))
    text = " ".join(drawn_text(figure) for figure in figures)

    assert "<" not in text  # no tag at all: every "<" drawn is an entity
    runs, _, success = figures
    assert list(success.data[0].y) == ['&lt;a href="https://evil.example"&gt;Re-login&lt;/a&gt;', "CI"]
    assert runs.data[0].name == "&lt;b&gt;x&lt;/b&gt;&amp;amp;"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("deploy", "deploy"),
        ("a & b", "a &amp; b"),
        ("x<br>y", "x&lt;br&gt;y"),
        ("&#60;b&#62;", "&amp;#60;b&amp;#62;"),
        ('"quoted"', '"quoted"'),
    ],
)
def test_plotly_text(value: str, shown: str) -> None:
    assert charts.plotly_text(value) == shown


RUN = {
    "id": "x",
    "workflow": "CI",
    "title": "t",
    "run_number": 1,
    "run_attempt": 1,
    "status": "completed",
    "conclusion": "success",
    "event": "push",
    "branch": "main",
    "head_sha": "a" * 40,
    "actor": "mona",
    "created_at": "2025-01-01T10:00:00",
    "duration_seconds": 3.0,
}


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://github.com/o/r/actions/runs/1", True),
        ("https://GitHub.com/o/r/actions/runs/1", True),
        ("https://evil.example/o/r/actions/runs/1", False),
        ("http://github.com/o/r/actions/runs/1", False),
        ("https://github.com.evil.example/o/r", False),
        ("https://github.com@evil.example/o/r", False),
        ("https://user:pw@github.com/o/r", False),
        ("https://github.com:8443/o/r", False),
        ("https://github.com\\@evil.example/", False),
        ("https://github.com/o/r\n/x", False),
        ("//github.com/o/r", False),
        ("https://github.com", False),
        ("javascript:alert(1)", False),
        (None, False),
    ],
)
def test_run_links_only_to_the_github_web_host(url: object, kept: bool) -> None:
    assert rows.run_row({**RUN, "html_url": url}).href == (url if kept else "")


def test_run_links_follow_a_github_enterprise_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_URL", "https://ghe.example.com/")
    get_settings.cache_clear()

    assert rows.github_href("https://ghe.example.com/o/r/actions/runs/1").startswith(
        "https://ghe.example.com/"
    )
    assert rows.github_href("https://github.com/o/r/actions/runs/1") == ""
