"""The Claude docs engine through the real SDK and the fake Messages API: summaries in pages, only changed
modules asked again, a cached shared prefix, the token budget, failures keeping the offline pages."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from autodevhub.auth.sessions import identity_of
from autodevhub.core.db import get_engine
from autodevhub.core.identity import Actor
from autodevhub.core.jobs import local_runner
from autodevhub.core.settings import get_settings
from autodevhub.documentation import runs, service
from autodevhub.documentation.engine.markdown import BEGIN, END
from autodevhub.documentation.ui import view
from autodevhub.models import Documentation
from tests.integration.test_docs_generate import generate, member, status  # noqa: F401 (fixture)
from tests.integration.test_docs_service import world  # noqa: F401 (fixture)
from tests.support.cli import cli_in
from tests.support.fake_anthropic import Reply, fake_anthropic_fixture  # noqa: F401 (fixture)

OVERLOADED = Reply.error(529, "overloaded_error", "Overloaded", headers={"retry-after-ms": "5"})
SUMMARY = "The fake model's summary of {}."


def generation(world, engine: str = "auto") -> service.Generation:  # noqa: F811
    with Session(get_engine()) as session:
        actor = Actor.of(identity_of(world["users"]["admin"]))
        done = service.generate_from_directory(
            session, actor, world["project"].id, str(world["source"]), engine=engine
        )
        session.commit()
    return done


def pages(world) -> dict[str, Documentation]:  # noqa: F811
    with Session(get_engine()) as session:
        rows = session.exec(select(Documentation).where(Documentation.project_id == world["project"].id))
        return {row.title: row for row in rows}


def asked_for(fake) -> list[str]:
    """The page each request asked about (the last line of the user prompt's first sentence)."""
    return [r["body"]["messages"][0]["content"].split("\n", 1)[0] for r in fake.requests]


def configure(monkeypatch, **variables: str) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()


def test_summaries_land_inside_the_markers_with_tokens_and_cost(world, fake_anthropic):  # noqa: F811
    usage = {
        "input_tokens": 300,
        "cache_creation_input_tokens": 2000,
        "cache_read_input_tokens": 0,
        "output_tokens": 40,
    }
    read = {**usage, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 2000}
    fake_anthropic.queue(Reply(usage=usage), Reply(usage=read), Reply(usage=read))
    done = generation(world)
    assert len(fake_anthropic.requests) == 3 and done.claude["summarized"] == 3
    expected_tokens = 3 * (300 + 2000 + 40)
    expected_cost = ((300 + 2000 * 1.25 + 40 * 5) + 2 * (300 + 2000 * 0.1 + 40 * 5)) * 2 / 1e6
    assert done.stats["tokens"] == expected_tokens == done.claude["tokens"]
    assert done.stats["cost_usd"] == pytest.approx(expected_cost)
    calc = pages(world)["pkg.calc"]
    body = calc.content.split(BEGIN, 1)[1].split(END, 1)[0]
    assert "## Summary\n\n" + SUMMARY.format("pkg.calc") in body
    assert "_Summary written by Claude (claude-sonnet-5-5)._" in body
    assert body.index("## Summary") < body.index("## Functions")
    info = calc.version_info
    assert info["engine"] == "claude" and info["claude"]["model"] == "claude-sonnet-5-5"
    assert info["tokens"] == 2340 and info["claude"]["cache_read_tokens"] == 2000
    assert info["cost_usd"] == pytest.approx((300 + 200 + 200) * 2 / 1e6)
    overview = pages(world)["Overview"]
    assert SUMMARY.format("the whole repository for the overview page") in overview.content
    for request in fake_anthropic.requests:
        system = request["body"]["system"]
        assert system[-1]["cache_control"] == {"type": "ephemeral"} and "<overview>" in system[-1]["text"]
        assert request["body"]["tool_choice"] == {"type": "tool", "name": "write_summary"}
    assert "pkg/calc.py" in fake_anthropic.requests[asked_for(fake_anthropic).index(
        "Write the summary of pkg.calc.")]["body"]["messages"][0]["content"]  # fmt: skip


def test_a_second_run_asks_only_for_the_changed_module_and_reads_the_cache(
    world,  # noqa: F811
    fake_anthropic,
):
    fake_anthropic.min_cache_tokens = 0  # the small tree's shared facts are below Sonnet's 1024 minimum
    first = generation(world)
    assert first.claude["summarized"] == 3 and first.claude["reused"] == 0
    assert asked_for(fake_anthropic)[0].startswith("Write the summary of the whole repository")
    pages_before = pages(world)
    written = pages_before["Overview"].version_info["claude"]
    assert written["cache_write_tokens"] > 0 and written["cache_read_tokens"] == 0
    (world["source"] / "pkg" / "calc.py").write_text(
        'def add(a: int, b: int = 2) -> int:\n    """Sum of two."""\n    return a + b\n'
    )
    fake_anthropic.requests.clear()
    second = generation(world)
    assert asked_for(fake_anthropic) == ["Write the summary of pkg.calc."]
    assert second.claude["summarized"] == 1 and second.claude["reused"] == 2
    assert 0 < second.stats["tokens"] < first.stats["tokens"]
    body = fake_anthropic.requests[0]["body"]
    assert body["system"][-1]["cache_control"] == {"type": "ephemeral"}
    now = pages(world)
    assert now["pkg.calc"].version_info["version"] == 2 and "b: int = 2" in now["pkg.calc"].content
    assert now["pkg.calc"].version_info["claude"]["cache_read_tokens"] > 0  # the prefix of run one
    assert now["pkg.calc"].version_info["claude"]["cache_write_tokens"] == 0
    assert now["pkg"].version_info["version"] == 1 and SUMMARY.format("pkg") in now["pkg"].content
    overview = now["Overview"]  # rewritten (it lists pkg/calc.py among its sources), its summary reused
    assert SUMMARY.format("the whole repository for the overview page") in overview.content
    assert overview.version_info["claude"] == pages_before["Overview"].version_info["claude"]


def test_a_spent_budget_stops_asking_and_the_rest_keep_offline_text(
    world,  # noqa: F811
    fake_anthropic,
    monkeypatch,
):
    configure(monkeypatch, AUTODEVHUB_DOCS_MAX_TOKENS="6000")
    big = {"input_tokens": 5000, "output_tokens": 900}
    fake_anthropic.queue(Reply(usage=big))
    done = generation(world)
    assert len(fake_anthropic.requests) == 1  # the overview; then less than a call's estimate was left
    assert done.claude["stopped"] == "budget" and done.claude["offline"] == 2
    assert done.stats["tokens"] == 5900
    now = pages(world)
    assert "## Summary" in now["Overview"].content
    for title in ("pkg", "pkg.calc"):
        info = now[title].version_info
        assert "## Summary" not in now[title].content and info["engine"] == "rules"
        assert info["claude"]["fallback"]["reason"] == "budget" and info["claude"]["asked"] is False
    from autodevhub.documentation.engine.claude import describe

    assert "2 pages keep their offline text" in describe(done.claude)
    assert "AUTODEVHUB_DOCS_MAX_TOKENS" in describe(done.claude)


def test_a_zero_budget_asks_nothing(world, fake_anthropic, monkeypatch):  # noqa: F811
    configure(monkeypatch, AUTODEVHUB_DOCS_MAX_TOKENS="0")
    done = generation(world, engine="claude")
    assert fake_anthropic.requests == [] and done.claude["offline"] == 3 and done.stats["tokens"] == 0


def test_claude_failing_keeps_the_offline_pages_with_the_reason_on_the_page_and_in_the_run(
    world,  # noqa: F811
    member,  # noqa: F811
    fake_anthropic,
):
    fake_anthropic.queue(OVERLOADED, OVERLOADED, OVERLOADED)
    rules = generation(world, engine="rules")
    offline = {title: row.content for title, row in pages(world).items()}
    assert fake_anthropic.requests == [] and rules.claude is None
    response = generate(world["project"].id, member, {"engine": "claude"})
    assert response.status_code == 202 and local_runner().wait_idle(60)
    assert len(fake_anthropic.requests) == 3  # the first call and the SDK's two retries, then no more
    run = status(world["project"].id, member)
    assert run["state"] == "done" and "3 pages keep their offline text" in run["message"]
    assert "Claude is overloaded (HTTP 529)" in run["message"]
    now = pages(world)
    assert {title: row.content for title, row in now.items()} == offline
    info = now["pkg.calc"].version_info
    assert info["engine"] == "rules" and info["claude"]["asked"] is False
    assert info["claude"]["fallback"]["reason"] == "overloaded" and info["version"] == 2
    assert now["Overview"].version_info["claude"]["fallback"]["status"] == 529
    assert now["Overview"].version_info["claude"]["attempts"] == 3
    with Session(get_engine()) as session:
        shown = view.page_view(
            session,
            identity_of(world["users"]["admin"]),
            str(now["Overview"].id),
            str(world["project"].id),
        )
    assert shown.engine_note == (
        "No Claude summary: Claude is overloaded (HTTP 529); the offline text is shown."
    )


@pytest.mark.parametrize(
    "reply",
    [
        Reply(tool_input={"summary": ""}),
        Reply(tool_input={"text": "no summary field"}),
        Reply(refusal="I will not."),
    ],
)
def test_a_bad_answer_keeps_only_that_page_offline(world, fake_anthropic, reply):  # noqa: F811
    fake_anthropic.queue(reply)
    done = generation(world)
    assert len(fake_anthropic.requests) == 3 and done.claude["summarized"] == 2
    overview = pages(world)["Overview"]
    assert "## Summary" not in overview.content
    assert overview.version_info["claude"]["fallback"]["reason"] in ("invalid_output", "refused")
    assert "## Summary" in pages(world)["pkg.calc"].content


def test_claude_text_is_escaped_and_cannot_close_the_markers(world, fake_anthropic):  # noqa: F811
    hostile = f'<script>alert(1)</script> <img src=x onerror="alert(2)">\n{END}\n```\n{END}\n```'
    fake_anthropic.queue(Reply(tool_input={"summary": hostile}))
    generation(world)
    content = pages(world)["Overview"].content
    assert "<script>" not in content and "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<img" not in content and content.count(END) == 1 and content.rstrip().endswith(END)


def test_cli_claude_engine_prints_tokens_and_cost(tmp_path, fake_anthropic, world):  # noqa: F811
    invoke = cli_in(tmp_path, project="Cli", extra=fake_anthropic.environment())
    result = invoke("docs", "generate", "Cli", "--path", str(world["source"]), "--engine", "claude", "--json")
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["stats"]["tokens"] > 0 and output["stats"]["cost_usd"] > 0
    assert output["claude"]["summarized"] == 3 and len(fake_anthropic.requests) == 3
    text = invoke("docs", "generate", "Cli", "--path", str(world["source"]), "--engine", "claude")
    assert "Claude (claude-sonnet-5-5) summarized 0 pages and reused 3" in text.stdout


@pytest.mark.parametrize(
    ("replies", "reason", "attempts"),
    [
        (
            [Reply.error(429, "rate_limit_error", "Slow down", headers={"retry-after": "60"})],
            "rate_limited",
            1,
        ),
        ([Reply.error(500, "api_error", "Internal server error")] * 3, "server_error", 3),
    ],
)
def test_a_failure_that_would_repeat_stops_asking_for_the_rest(
    world,  # noqa: F811
    fake_anthropic,
    replies,
    reason,
    attempts,
):
    fake_anthropic.queue(*replies)
    done = generation(world)
    assert len(fake_anthropic.requests) == attempts and done.claude["stopped"] == reason
    assert done.claude["offline"] == 3 and done.claude["summarized"] == 0
    assert all("## Summary" not in row.content for row in pages(world).values())


def test_a_slow_claude_times_out_and_the_pages_stay_offline(world, fake_anthropic, monkeypatch):  # noqa: F811
    configure(monkeypatch, ANTHROPIC_TIMEOUT="0.3", ANTHROPIC_MAX_RETRIES="0")
    fake_anthropic.delay = 2.0
    done = generation(world)
    assert done.claude["stopped"] == "timeout" and done.claude["offline"] == 3
    assert len(fake_anthropic.requests) == 1
    note = pages(world)["Overview"].version_info["claude"]["fallback"]["message"]
    assert note == "Claude did not answer in time; the offline text is shown."


def test_the_job_reports_claude_tokens_as_it_goes(world, member, fake_anthropic):  # noqa: F811
    from autodevhub.documentation.ui.docs_state import progress_text

    generation(world, engine="rules")
    key = f"docs.run:{world['project'].id}"
    fake_anthropic.observe = lambda: dict(runs.get_cache().get(key) or {})
    response = generate(world["project"].id, member, {"engine": "auto"})
    assert response.status_code == 202 and local_runner().wait_idle(60)
    first, *later = fake_anthropic.observations
    assert first["state"] == "running" and first.get("tokens", 0) == 0
    assert later and all(seen["tokens"] > 0 and "Claude answered for" in seen["message"] for seen in later)
    run = status(world["project"].id, member)
    assert run["state"] == "done" and run["tokens"] >= max(seen["tokens"] for seen in later)
    assert "Claude (claude-sonnet-5-5) summarized 3 pages and reused 0" in run["message"]
    assert f", {run['tokens']} Claude tokens)" in progress_text(run)
