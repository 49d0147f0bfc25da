"""bench/load.py's clients: browser-like users on Reflex's websocket event protocol, and REST readers.

A user does what the compiled frontend (.web/utils/state.js and context.jsx) does: a full page load GETs
the page, then opens the socket.io connection at /_event with the tab's token in the query, the session
cookie in the handshake's headers and the `hydrate_and_load` event (with the compiled state schema and
initial state hashes) in the CONNECT packet; a link inside the app sends `on_load_internal` with the new
path's router data; the header's bell and the Workflows page send their on_mount events. An action is
done when the deltas the browser waits for have arrived: `is_hydrated` back to true, and on /workflows
the background load's `loading` back to false (on a tab's first / its cards' `loaded`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import re
import statistics
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

import httpx
import socketio
from reflex.state import OnLoadInternalState, State

from autodevhub.auth.web_session import WEB_COOKIE
from autodevhub.dashboard.ui.home_state import HomeState
from autodevhub.notifications.ui.notices_state import NoticesState
from autodevhub.stories.ui.detail_state import StoryDetailState
from autodevhub.workflows.ui.workflows_state import WorkflowsState

ACTION_TIMEOUT = 30.0
NAMESPACE = "/_event"  # the socket.io path and namespace (the compiled frontend's env.json EVENT URL)
ROOT, RUNS, STORY = State.get_full_name(), WorkflowsState.get_full_name(), StoryDetailState.get_full_name()
HOME = HomeState.get_full_name()
HYDRATED = (ROOT, "is_hydrated_rx_state_", True)
RUNS_LOADED = (RUNS, "loading_rx_state_", False)
CARDS_LOADED = (HOME, "loaded_rx_state_", True)  # a tab's first load of / (its cards load in the background)
PROBLEMS = ((RUNS, "error_rx_state_"), (STORY, "problem_rx_state_"), (HOME, "error_rx_state_"))
ON_LOAD = f"{OnLoadInternalState.get_full_name()}.on_load_internal"
BELL = [f"{NoticesState.get_full_name()}.count_unread", f"{NoticesState.get_full_name()}.watch"]
FILTERS = (
    ("filter_outcome", {"outcome": "failure"}),
    ("filter_branch", {"branch": "main"}),
    ("clear_filters", {}),
    ("choose_window", {"window": "7"}),
    ("filter_outcome", {"outcome": "success"}),
    ("choose_window", {"window": "30"}),
)


class Failure(Exception):
    """An action that did not end as a browser would show it (wrong status, an error on the page)."""


@dataclasses.dataclass(frozen=True)
class Site:
    """One app instance as a client sees it, and what there is to read on it."""

    url: str
    schema: str  # the compiled frontend's state schema and initial state hashes (context.jsx)
    hashes: list[str]
    projects: list[str]
    stories: list[str]


def compiled_site(url: str, web_dir: Path, projects: list[str], stories: list[str]) -> Site:
    """The Site of an instance whose frontend was compiled into `web_dir` (REFLEX_WEB_WORKDIR)."""
    context = (web_dir / "utils" / "context.jsx").read_text()
    schema = re.search(r'export const stateSchema = "([0-9a-f]+)"', context).group(1)
    hashes = re.search(r"export const initialStateHashes = \[([^\]]*)\]", context).group(1)
    return Site(url, schema, re.findall(r'"([0-9a-f]+)"', hashes), projects, stories)


class Recorder:
    """Milliseconds of every action that succeeded, and what went wrong with the others."""

    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, Counter[str]] = defaultdict(Counter)

    async def timed(self, action: str, work: Awaitable[Any]) -> bool:
        started = time.perf_counter()
        try:
            await asyncio.wait_for(work, ACTION_TIMEOUT)
        except Exception as error:  # every failure is counted, by kind, and the user goes on
            kind = "timeout" if isinstance(error, TimeoutError) else f"{type(error).__name__}: {error}"
            self.errors[action][kind[:160]] += 1
            return False
        self.samples[action].append((time.perf_counter() - started) * 1000)
        return True

    def table(self) -> list[tuple[str, int, int, float, float, float]]:
        """(action, count, errors, p50, p95, max) per action."""
        rows = []
        for action in sorted(set(self.samples) | set(self.errors)):
            values = sorted(self.samples[action]) or [0.0]
            p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
            errors = sum(self.errors[action].values())
            rows.append(
                (action, len(self.samples[action]), errors, statistics.median(values), p95, values[-1])
            )
        return rows


async def pause(rnd: random.Random, think: float) -> None:
    await asyncio.sleep(rnd.uniform(0.5, 1.5) * think)


def router_data(path: str, query: dict[str, str] | None = None, search: str = "") -> dict[str, Any]:
    data: dict[str, Any] = {"pathname": path, "asPath": path + search}
    if query:
        data["query"] = query
    return data


class BrowserUser:
    """One signed-in tab: its token, cookie and socket; the deltas it receives, queued."""

    def __init__(self, site: Site, email: str, password: str, recorder: Recorder, rnd: random.Random):
        self.site, self.email, self.password, self.recorder, self.rnd = site, email, password, recorder, rnd
        self.token = str(uuid.uuid4())  # the tab's sessionStorage token
        self.http = httpx.AsyncClient(base_url=site.url, timeout=ACTION_TIMEOUT)
        self.socket: socketio.AsyncClient | None = None
        self.updates: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def sign_in(self) -> None:
        """The login form's native POST: a 303 to / with the HttpOnly session cookie."""
        form = {"email": self.email, "password": self.password, "next": "/"}
        response = await self.http.post("/auth/web/login", data=form, headers={"Origin": self.site.url})
        if response.status_code != 303 or WEB_COOKIE not in response.cookies:
            raise Failure(f"sign-in answered {response.status_code} to {response.headers.get('location')}")

    async def page_load(self, path: str, query: dict[str, str] | None = None, search: str = "") -> None:
        """A full page load: the HTML, then a new socket whose CONNECT packet hydrates the page."""
        page = await self.http.get(path + search, follow_redirects=True)
        if page.status_code != 200:
            raise Failure(f"GET {path} answered {page.status_code}")
        await self.close_socket()
        self._drain()
        self.socket = socketio.AsyncClient(reconnection=False)
        self.socket.on("event", self.updates.put_nowait, namespace=NAMESPACE)
        boot = {
            "name": f"{ROOT}.hydrate_and_load",
            "payload": {"hashes": self.site.hashes},
            "router_data": router_data(path, query, search),
        }
        headers = {"Cookie": f"{WEB_COOKIE}={self.http.cookies[WEB_COOKIE]}", "Origin": self.site.url}
        await self.socket.connect(
            f"{self.site.url}?token={self.token}",
            headers=headers,
            auth={"event": boot, "state_schema": self.site.schema},
            transports=["websocket"],
            namespaces=[NAMESPACE],
            socketio_path=NAMESPACE,
            wait_timeout=ACTION_TIMEOUT,
        )
        await self._mounted(path, query, search)

    async def navigate(self, path: str, query: dict[str, str] | None = None, search: str = "") -> None:
        """A link inside the app: the router changes the page and sends on_load_internal."""
        self._drain()
        await self._emit(ON_LOAD, {}, path, query, search)
        await self._mounted(path, query, search)

    async def filter_runs(self, step: int) -> None:
        """One of the Workflows page's pickers; the page's background load answers."""
        handler, payload = FILTERS[step % len(FILTERS)]
        self._drain()
        await self._emit(f"{RUNS}.{handler}", payload, "/workflows")
        await self._until([RUNS_LOADED])

    async def _mounted(self, path: str, query: dict[str, str] | None, search: str) -> None:
        """The new page's on_mount events (the bell; the Workflows page's live refresh), then its load."""
        for name in BELL:
            await self._emit(name, {}, path, query, search)
        if path == "/workflows":
            await self._emit(f"{RUNS}.watch", {}, path, query, search)
        await self._until([HYDRATED, *{"/workflows": [RUNS_LOADED], "/": [CARDS_LOADED]}.get(path, [])])

    async def _emit(self, name: str, payload: dict, path: str, query: dict | None = None, search: str = ""):
        event = {"name": name, "payload": payload, "router_data": router_data(path, query, search)}
        await self.socket.emit("event", event, namespace=NAMESPACE)

    def _drain(self) -> None:
        while not self.updates.empty():
            self.updates.get_nowait()

    async def _until(self, wanted: list[tuple[str, str, object]]) -> None:
        """Read deltas until each (state, var, value) has been seen; a page's error text is a failure."""
        missing = set(wanted)
        while missing:
            delta = (await self.updates.get()).get("delta") or {}
            for state, var in PROBLEMS:
                if problem := delta.get(state, {}).get(var):
                    raise Failure(f"the page says: {problem}")
            missing = {(s, v, want) for s, v, want in missing if delta.get(s, {}).get(v, not want) != want}

    async def run(self, deadline: float, think: float, index: int) -> None:
        """Sign in, load the home page, then open /workflows, filter its runs twice, open a story; again."""
        record, step = self.recorder.timed, index
        if not await record("sign in (form POST)", self.sign_in()):
            return
        if not await record("page load /", self.page_load("/")):
            return
        while time.monotonic() < deadline:
            await pause(self.rnd, think)
            project = self.rnd.choice(self.site.projects)
            search, query = f"?project={project}", {"project": project}
            if self.rnd.random() < 0.2:
                await record("page load /workflows", self.page_load("/workflows", query, search))
            else:
                await record("open /workflows", self.navigate("/workflows", query, search))
            for _ in range(2):
                await pause(self.rnd, think)
                await record("filter runs", self.filter_runs(step))
                step += 1
            await pause(self.rnd, think)
            story = self.rnd.choice(self.site.stories)
            await record("open a story", self.navigate(f"/stories/{story}", {"story_id": story}))

    async def close_socket(self) -> None:
        if self.socket is not None:
            await self.socket.disconnect()
            self.socket = None

    async def close(self) -> None:
        await self.close_socket()
        await self.http.aclose()


class RestReader:
    """An API client with its own token (the API's limit is per token) reading lists, stories, overviews."""

    def __init__(self, site: Site, token: str, recorder: Recorder, rnd: random.Random):
        self.site, self.recorder, self.rnd = site, recorder, rnd
        headers = {"Authorization": f"Bearer {token}"}
        self.http = httpx.AsyncClient(base_url=site.url, headers=headers, timeout=ACTION_TIMEOUT)

    async def get(self, path: str, params: dict | None = None) -> None:
        response = await self.http.get(path, params=params)
        if response.status_code != 200:
            raise Failure(f"{response.status_code} {response.text[:80]}")

    async def run(self, deadline: float, think: float) -> None:
        while time.monotonic() < deadline:
            await pause(self.rnd, think)
            project, story = self.rnd.choice(self.site.projects), self.rnd.choice(self.site.stories)
            action, path, params = self.rnd.choice(
                [
                    ("GET /api/stories", "/api/stories", {"project_id": project, "limit": 20}),
                    ("GET /api/stories/{id}", f"/api/stories/{story}", None),
                    ("GET /api/projects/{id}/executions", f"/api/projects/{project}/executions", None),
                    ("GET /api/projects/{id}/overview", f"/api/projects/{project}/overview", None),
                ]
            )
            await self.recorder.timed(action, self.get(path, params))

    async def close(self) -> None:
        await self.http.aclose()
