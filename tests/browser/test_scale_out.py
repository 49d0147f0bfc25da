"""Scale-out: two instances and a worker on one PostgreSQL and one Redis serve one user as a single app.

One Chromium tab talks to the proxy in front of instances A and B (tests/support/scale_out.py); moving the
proxy drops its connections, so the tab's websocket reconnects to the other instance, which finds the tab's
Reflex state in Redis. Webhooks, the REST API and the login limit are driven over HTTP on each instance.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from sqlmodel import Session

from autodevhub.auth.sessions import identity_of
from autodevhub.auth.tokens import token_hash
from autodevhub.auth.web_session import WEB_COOKIE
from autodevhub.core.cache import KEY_PREFIX
from autodevhub.core.db import get_engine
from autodevhub.core.identity import Actor
from autodevhub.models import UserRole
from autodevhub.projects import service as projects
from tests.support import github_history as history
from tests.support.browser_accounts import Account, sign_in
from tests.support.helpers import PASSWORD, bearer, make_token, make_user
from tests.support.redis_server import redis_server_fixture  # noqa: F401 (fixture)
from tests.support.scale_out import LOGIN_LIMIT, Cluster, Instance, cluster_fixture, wait_for  # noqa: F401
from tests.support.tcp_proxy import TcpProxy
from tests.support.webhook_helpers import URL as WEBHOOK_URL
from tests.support.webhook_helpers import encode, run_payload, signed_headers

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
WAIT_MS = 30_000  # for a page to show what is expected: hydrating through the proxy is slow on a busy machine
VICTIM = "grace@example.com"
DESCRIPTION = "#feature-description"  # keyed by the generator's on_load: each run of it renders a new box
TAG = "data-before-move"
STORIES = (
    "As a dispatcher I want to assign a delivery to the nearest free driver so that parcels arrive today.",
    "As a librarian I want to renew a member's loan twice at most so that popular books keep moving.",
    "As a nurse I want to record a patient's temperature every four hours so that a fever is caught early.",
)


@dataclasses.dataclass(frozen=True)
class People:
    """Who uses the cluster."""

    admin: Account
    token: str  # the admin's API token
    project: str  # the admin's project on octo/shop


@pytest.fixture
def people(cluster: Cluster) -> People:
    """An admin with an API token and a project on octo/shop, and a second account, in the shared database."""
    admin = make_user("ada@example.com", UserRole.admin)
    make_user(VICTIM)
    with Session(get_engine()) as session:
        fields = projects.ProjectCreate(name="Shop", repo=history.FULL_NAME)
        project = projects.create_project(session, Actor.of(identity_of(admin)), fields)
        project_id = str(project.id)
        session.commit()
    return People(Account(admin.email, PASSWORD, "", ""), make_token(admin), project_id)


def api(url: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=url, headers=bearer(token), timeout=30)


def signed_in(page: Page) -> None:
    expect(page.get_by_role("banner").get_by_role("button", name="Sign out")).to_be_visible(timeout=WAIT_MS)


def signed_out(page: Page) -> None:
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible(timeout=WAIT_MS)


def account_page(context: BrowserContext) -> Page:
    """/account in a new tab of `context` (a tab of its own: its own Reflex token)."""
    page = context.new_page()
    page.goto("/account")
    return page


def generate(page: Page, description: str) -> str:
    """Generate a story on /stories/new through the page; its title as the result panel shows it."""
    page.goto("/stories/new")
    page.get_by_label("Feature description").fill(description)
    page.get_by_role("button", name="Generate").click()
    expect(page.get_by_role("heading", name="Generated story")).to_be_visible(timeout=WAIT_MS)
    return page.get_by_role("heading", level=3).inner_text()


def move(proxy: TcpProxy, instance: Instance, *fallbacks: Instance) -> None:
    """Point the proxy at `instance` (then `fallbacks`), dropping every open connection."""
    proxy.route_to(instance.app.port, *(other.app.port for other in fallbacks))


def tag(locator: Locator) -> None:
    """Mark an element, to see when the page renders it anew."""
    locator.evaluate(f"element => element.setAttribute('{TAG}', '')")


def reconnected(proxy: TcpProxy, instance: Instance, before: int) -> None:
    """Wait until the proxy has forwarded a new connection (the tab's websocket) to `instance`."""
    wait_for(lambda: proxy.forwarded[instance.app.port] > before, f"a connection to {instance.app.url}")


def save_result(page: Page, title: str) -> str:
    """Press Save on the generated story the tab's state holds; the story's path from the notice."""
    expect(page.get_by_role("heading", level=3)).to_have_text(title, timeout=WAIT_MS)
    page.get_by_role("button", name="Save", exact=True).click()
    notice = page.get_by_role("status").filter(has_text=f"“{title}” is saved as a draft.")
    expect(notice).to_be_visible(timeout=WAIT_MS)
    return page.get_by_role("link", name="Open the story").get_attribute("href") or ""


def story_id(path: str) -> str:
    return re.fullmatch(r"/stories/([0-9a-f-]{36})", path).group(1)


def session_cookie(context: BrowserContext) -> str:
    return next(cookie["value"] for cookie in context.cookies() if cookie["name"] == WEB_COOKIE)


def cached_session(cluster: Cluster, raw: str) -> bool:
    """Whether Redis holds the session lookup the instances share (deleted by a logout on any of them)."""
    return cluster.redis.client().exists(f"{KEY_PREFIX}session:{token_hash(raw)}") == 1


def webhook(url: str, run_id: int) -> str:
    """A signed workflow_run delivery of a completed run, accepted (202) at `url`; its delivery id."""
    run = history.make_run(run_id, 101, datetime.now(UTC) - timedelta(minutes=10))
    body, delivery = encode(run_payload(run), "application/json"), str(uuid.uuid4())
    headers = signed_headers("workflow_run", body, delivery)
    response = httpx.post(url + WEBHOOK_URL, content=body, headers=headers, timeout=30)
    assert response.status_code == 202, response.text
    return delivery


def run_ids(client: httpx.Client, project: str) -> set[int]:
    listed = client.get(f"/api/projects/{project}/executions").json()
    return {item["github_run_id"] for item in listed["items"]}


def generated_on(client: httpx.Client, project: str, description: str) -> tuple[str, bool]:
    """POST /api/stories/generate: the new story's id and whether the draft came from the cache."""
    body = {"project_id": project, "feature_description": description}
    response = client.post("/api/stories/generate", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"], response.json()["metadata"]["cache"]["hit"]


def test_two_instances_and_a_worker_serve_as_one(cluster: Cluster, people: People, browser: Browser) -> None:
    a, b, proxy = cluster.a, cluster.b, cluster.proxy
    context = browser.new_context(base_url=proxy.url, viewport=DESKTOP)
    uncaught: list[str] = []
    context.on("weberror", lambda error: uncaught.append(str(error.error)))
    tab = context.new_page()
    saved: set[str] = set()

    # Sign in on A and generate a story; keep using the same tab through B, with the state A left in Redis.
    move(proxy, a)
    tab.goto("/login")
    sign_in(tab, people.admin)
    expect(tab).to_have_url(re.compile(r"/$"), timeout=WAIT_MS)
    signed_in(tab)
    title = generate(tab, STORIES[0])
    tag(tab.locator(DESCRIPTION))
    before = proxy.forwarded[b.app.port]
    move(proxy, b)
    reconnected(proxy, b, before)
    expect(tab.locator(f"{DESCRIPTION}[{TAG}]")).to_have_count(0, timeout=WAIT_MS)  # B ran the page's on_load
    saved.add(story_id(save_result(tab, title)))
    signed_in(tab)

    # The story cache is shared: a description generated on A is a cache hit on B.
    with api(a.app.url, people.token) as on_a, api(b.app.url, people.token) as on_b:
        (made_on_a, cached_on_a), (made_on_b, cached_on_b) = (
            generated_on(client, people.project, STORIES[1]) for client in (on_a, on_b)
        )
    assert (cached_on_a, cached_on_b) == (False, True)
    saved |= {made_on_a, made_on_b}

    # The login limit is counted once for both: failures alternate, the next one is refused on either.
    wrong = {"email": VICTIM, "password": "not the password"}
    tries = [httpx.post(f"{(a, b)[n % 2].app.url}/auth/login", json=wrong) for n in range(LOGIN_LIMIT)]
    assert [t.status_code for t in tries] == [401] * LOGIN_LIMIT
    refused = [httpx.post(f"{i.app.url}/auth/login", json=wrong) for i in (b, a)]
    assert [r.status_code for r in refused] == [429, 429], [r.text for r in refused]

    # A webhook received by A is applied by the worker (arq keeps its result) and its run shows on B.
    delivery = webhook(a.app.url, 7001)
    with api(b.app.url, people.token) as on_b:
        wait_for(lambda: 7001 in run_ids(on_b, people.project), "run 7001 listed by B")
    # arq stores the result just after the job's commit, so B may list the run a moment before it is there.
    result = f"arq:result:webhook:{delivery}"
    wait_for(lambda: cluster.redis.client().exists(result) == 1, f"the worker's result {result}")

    # Sign out on B: the same session cookie, in another tab, is signed out on A at once.
    other = browser.new_context(base_url=proxy.url, viewport=DESKTOP)
    raw = session_cookie(context)
    other.add_cookies([{"name": WEB_COOKIE, "value": raw, "url": proxy.url}])
    move(proxy, a)
    before_logout = account_page(other)
    signed_in(before_logout)
    before_logout.close()
    move(proxy, b)
    assert cached_session(cluster, raw)  # looked up and cached
    tab.get_by_role("banner").get_by_role("button", name="Sign out").click()
    expect(tab).to_have_url(re.compile(r"/login/?$"), timeout=WAIT_MS)
    expect(tab.get_by_label("Email")).to_be_visible(timeout=WAIT_MS)  # loaded: a move would cut its chunks
    assert not cached_session(cluster, raw)  # B's logout deleted it for every instance
    move(proxy, a, b)
    after_logout = account_page(other)
    expect(after_logout).to_have_url(re.compile(r"/login\?next=/account/?$"), timeout=WAIT_MS)
    signed_out(after_logout)
    other.close()

    # A dies (SIGKILL) just after it saved a story: the tab goes on through B and nothing committed is lost.
    # (The tab's Reflex state does not follow: A never removed its socket records from Redis, so Reflex takes
    # the reconnecting tab for a duplicate and gives it a new token, as for a second browser tab.)
    tab.close()  # a new tab: the old one's state says its sign-in form is ready before its on_load has run
    tab = context.new_page()
    tab.goto("/login")
    sign_in(tab, people.admin)
    signed_in(tab)
    title = generate(tab, STORIES[2])
    before = proxy.forwarded[b.app.port]
    cluster.kill(a)
    reconnected(proxy, b, before)
    tab.goto("/stories")
    signed_in(tab)
    expect(tab.get_by_role("row").filter(has_text=title)).to_be_visible(timeout=WAIT_MS)
    with api(proxy.url, people.token) as through_proxy:
        listed = through_proxy.get("/api/stories", params={"project_id": people.project}).json()
        stories = {item["id"]: item["feature_description"] for item in listed["items"]}
        assert saved < set(stories) and listed["total"] == len(stories) == 4
        assert sorted(stories.values()) == sorted([*STORIES, STORIES[1]])
        webhook(proxy.url, 7002)
        wait_for(lambda: run_ids(through_proxy, people.project) == {7001, 7002}, "runs 7001, 7002 on B")
    assert httpx.get(f"{b.app.url}/health").json()["status"] == "ok"
    assert uncaught == []
    context.close()
