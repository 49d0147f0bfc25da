"""Browser tabs in-process: events go through Reflex's own event processor, as a websocket's would.

`Tab` stands for one browser tab. `open(path)` sends what a browser sends when it connects (hydrate_and_load,
which runs the page's on_load chain); `send(handler, **payload)` sends one event. Each event carries the
router data `EventNamespace.on_event` builds from a websocket: the connection's HTTP headers (the Cookie
header only when the tab has a session cookie), client IP, client token, page path and query. Reflex's
BaseStateEventProcessor then does exactly what it does in the server: payload coercion, middleware, the
handler (generators and async generators included), chained events. Deltas and frontend events (redirects,
set_value) are recorded instead of sent; exceptions from handlers are collected in `errors`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import dataclasses
import hashlib
import os
import tempfile
import threading
import uuid
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar
from unittest import mock

import sqlalchemy as sa
from redis.asyncio import Redis as AsyncRedis
from reflex.event import Event, EventHandler
from reflex.istate.manager import StateManager
from reflex.istate.manager.memory import StateManagerMemory
from reflex.istate.manager.redis import StateManagerRedis
from reflex.istate.manager.token import BaseStateToken
from reflex.state import BaseState, State
from reflex_base.event.processor import BaseStateEventProcessor
from reflex_base.registry import RegistrationContext
from reflex_base.utils.format import format_event_handler
from sqlmodel import Session

from autodevhub.auth import api_tokens, policy
from autodevhub.auth.sessions import identity_of, start_session
from autodevhub.auth.web_session import WEB_COOKIE
from autodevhub.core.db import get_engine
from autodevhub.core.identity import Actor
from autodevhub.core.settings import get_settings
from autodevhub.models import RepoTrust, SessionKind, UserRole
from autodevhub.projects import members, service
from autodevhub.stories import service as stories
from autodevhub.ui.template import registered_pages
from tests.support.helpers import make_user

RUN_TIMEOUT = 60


def _import_app():
    """The app module, imported at collection time with a throw-away data directory (its secret key file)."""
    with (
        tempfile.TemporaryDirectory() as data_dir,
        mock.patch.dict(os.environ, {"AUTODEVHUB_DATA_DIR": data_dir}),
    ):
        get_settings.cache_clear()
        try:
            from autodevhub.autodevhub import app
        finally:
            get_settings.cache_clear()
    return app


app = _import_app()
ORIGIN = "http://localhost:3000"
HYDRATE = f"{State.get_full_name()}.hydrate_and_load"
EVENT_TIMEOUT = 20
T = TypeVar("T")


def cookie_for(raw_token: str) -> str:
    """The Cookie header of a browser holding this web session token."""
    return f"{WEB_COOKIE}={raw_token}; theme=dark"


def registered_handlers() -> dict[str, EventHandler]:
    """Every event handler the app registered, by the name a browser sends."""
    return {name: entry.handler for name, entry in app._registration_context.event_handlers.items()}


def all_states(root: type[BaseState] = State) -> list[type[BaseState]]:
    """The state tree below `root`, `root` included."""
    found = [root]
    for substate in sorted(root.get_substates(), key=lambda cls: cls.get_full_name()):
        found.extend(all_states(substate))
    return found


def page_of(state: type[BaseState]) -> str:
    """The route whose on_load calls a handler of `state` (where a browser meets it), else the one page
    whose on_load calls its parent state's (a substate of a page's state: a bar on it); "/" if none."""
    for page in registered_pages():
        if any(getattr(handler, "state", None) is state for handler in page.on_load):
            return page.route
    parent = state.get_parent_state()
    routes = [
        page.route
        for page in registered_pages()
        if parent is not None and any(getattr(handler, "state", None) is parent for handler in page.on_load)
    ]
    return routes[0] if len(routes) == 1 else "/"


@dataclasses.dataclass
class Tab:
    """One browser tab: a client token, a websocket session id and maybe a session cookie."""

    cookie: str = ""
    ip: str = "203.0.113.7"
    token: str = dataclasses.field(default_factory=lambda: str(uuid.uuid4()))
    route: str = "/"
    path: str = "/"
    query: dict[str, Any] = dataclasses.field(default_factory=dict)
    deltas: list[dict] = dataclasses.field(default_factory=list)
    frontend_events: list[Event] = dataclasses.field(default_factory=list)
    errors: list[BaseException] = dataclasses.field(default_factory=list)
    redis_url: str = ""  # the tab's states in this Redis (fetched in parts, as the app does), not memory

    def __post_init__(self) -> None:
        # One event loop and one context for the tab's lifetime: the processor keeps its root context there.
        # The loop runs in its own thread, so it works beside Playwright's loop in the test thread.
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="tab-loop", daemon=True)
        self._thread.start()
        self._context = contextvars.copy_context()
        self._context.run(RegistrationContext.set, app._registration_context)
        self._manager = self._run_sync(self._state_manager)
        self._processor = BaseStateEventProcessor(
            middleware=app, backend_exception_handler=self.errors.append
        )
        self._processor.configure(state_manager=self._manager, event_namespace=self)
        self._run(self._processor.start())

    def _state_manager(self) -> StateManager:
        if not self.redis_url:
            return StateManagerMemory()
        return StateManagerRedis(redis=AsyncRedis.from_url(self.redis_url))  # bound to the tab's loop

    def _run_sync(self, build: Callable[[], T]) -> T:
        async def call() -> T:
            return build()

        return self._run(call())

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        outcome: concurrent.futures.Future[T] = concurrent.futures.Future()

        def finish(task: asyncio.Task[T]) -> None:
            if task.cancelled():
                outcome.cancel()
            elif task.exception() is not None:
                outcome.set_exception(task.exception())
            else:
                outcome.set_result(task.result())

        def start() -> None:
            self._loop.create_task(coroutine, context=self._context).add_done_callback(finish)

        self._loop.call_soon_threadsafe(start)
        return outcome.result(timeout=RUN_TIMEOUT)

    def close(self) -> None:
        self._run(self._processor.stop())
        self._run(self._manager.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=RUN_TIMEOUT)
        self._loop.close()

    def __enter__(self) -> Tab:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def emit_update(self, update: Any, token: str) -> None:
        """What the server would send down the websocket."""
        if update.delta:
            self.deltas.append(dict(update.delta))
        self.frontend_events.extend(update.events or [])

    def router_data(self) -> dict[str, Any]:
        """As EventNamespace.on_event builds it: the handshake's headers win over anything the client sent."""
        headers = {"host": "localhost:3000", "origin": ORIGIN, "user-agent": "state-harness"}
        if self.cookie:
            headers["cookie"] = self.cookie
        return {
            "pathname": self.route,
            "asPath": self.path,
            "query": dict(self.query),
            "headers": headers,
            "sid": f"sid-{self.token}",
            "ip": self.ip,
            "token": self.token,
        }

    def _dispatch(self, name: str, payload: dict[str, Any]) -> None:
        async def run() -> None:
            event = Event(name=name, payload=payload, router_data=self.router_data())
            future = await self._processor.enqueue(self.token, event)
            try:
                await asyncio.wait_for(future.wait_all(), EVENT_TIMEOUT)
            except Exception as error:  # the handler's own exception, as the server would log it
                if not any(error is seen for seen in self.errors):
                    self.errors.append(error)

        self._run(run())

    def open(self, route: str, storage: dict[str, Any] | None = None, **params: str) -> Tab:
        """Navigate to `route` (dynamic segments filled from `params`) as a browser connecting to it;
        `storage` is what the browser holds in client storage ({"module.State.var": value})."""
        self.route, self.query = route, dict(params)
        self.path = route
        for key, value in params.items():
            self.path = self.path.replace(f"[{key}]", value)
        self._dispatch(HYDRATE, {"vars": storage} if storage else {})
        return self

    def send(self, handler: EventHandler | str, **payload: Any) -> Tab:
        """Send one event to `handler` (or a raw event name) with this payload."""
        name = handler if isinstance(handler, str) else format_event_handler(handler)
        self._dispatch(name, payload)
        return self

    def state(self, state_cls: type[BaseState]) -> BaseState:
        """The tab's instance of `state_cls`, as the server holds it."""

        async def get() -> BaseState:
            async with self._manager.modify_state(BaseStateToken(ident=self.token, cls=State)) as root:
                return await root.get_state(state_cls)

        return self._run(get())

    def snapshot(self) -> dict[str, dict[str, Any]]:
        """Every var the browser can see, of every state: {state name: {var: value}}."""
        root = self.state(State)._get_root_state()
        return root.dict()


def db_fingerprint() -> dict[str, tuple[int, str]]:
    """Row count and a checksum of the contents of every table of the app's database."""
    engine = get_engine()
    fingerprint = {}
    with engine.connect() as connection:
        for table in sorted(sa.inspect(engine).get_table_names()):
            rows = connection.execute(sa.text(f'SELECT * FROM "{table}"')).all()
            lines = sorted(repr(tuple(row)) for row in rows)
            fingerprint[table] = (len(rows), hashlib.sha256("\n".join(lines).encode()).hexdigest())
    return fingerprint


@dataclasses.dataclass(frozen=True)
class World:
    """Real rows made through the services: users of every role, projects, members, sessions, tokens,
    a story in each project."""

    admin_id: str
    owner_id: str
    member_id: str
    viewer_id: str
    project_id: str
    hidden_project_id: str
    owner_token_id: str
    story_id: str
    hidden_story_id: str
    cookies: dict[str, str]
    # A workflow and its failed and running runs, for tests that link the project to a (fake) GitHub.
    workflow_ids: tuple[str, ...] = ()
    # Generated docs pages (the project's, then the hidden project's), for tests that generate them.
    doc_ids: tuple[str, ...] = ()

    @property
    def user_ids(self) -> list[str]:
        return [self.admin_id, self.owner_id, self.member_id, self.viewer_id]

    @property
    def ids(self) -> list[str]:
        """Every id a handler argument could plausibly name."""
        return [
            *self.user_ids,
            self.project_id,
            self.hidden_project_id,
            self.owner_token_id,
            self.story_id,
            self.hidden_story_id,
            *self.workflow_ids,
            *self.doc_ids,
        ]


# Text only the rows below hold: finding it in a tab's vars means the tab was shown that data.
SECRETS = {
    "admin": "admin@example.test",
    "owner": "owner@example.test",
    "member": "member@example.test",
    "viewer": "viewer@example.test",
    "project": "Apollo Guidance",
    "project_description": "flight software for the lunar module",
    "hidden_project": "Hermes Hidden",
    "hidden_description": "admin-only skunkworks",
    "owner_token": "owner-ci-token",
    "story": "Flight controllers abort the lunar descent when the fuel margin drops below sixty seconds",
    "hidden_story": "Skunkworks engineers reconcile the classified quantum ledger before every audit",
    "hidden_doc": "Decrypts the skunkworks telemetry with the orbital master key",
}


def build_world() -> World:
    """Seed the migrated database the app uses; each user gets a live web session (their cookie)."""
    admin = make_user(SECRETS["admin"], UserRole.admin)
    owner = make_user(SECRETS["owner"], UserRole.member)
    member = make_user(SECRETS["member"], UserRole.member)
    viewer = make_user(SECRETS["viewer"], UserRole.viewer)
    with Session(get_engine(), expire_on_commit=False) as session:
        as_admin, as_owner = identity_of(admin), identity_of(owner)
        fields = service.ProjectCreate(name=SECRETS["project"], description=SECRETS["project_description"])
        project = service.create_project(session, Actor.of(as_owner, "198.51.100.1"), fields)
        # A member cannot link a repository without proof (issue 12, finding 1): linked as an admin would.
        project.repo, project.repo_trust, project.repo_linked_by = "nasa/apollo", RepoTrust.admin, admin.id
        # A global viewer stays read-only even where their membership says owner.
        members.add_member(session, Actor.of(as_owner), project.id, SECRETS["viewer"], "owner")
        members.add_member(session, Actor.of(as_owner), project.id, SECRETS["member"], "member")
        hidden = service.create_project(
            session,
            Actor.of(as_admin),
            service.ProjectCreate(name=SECRETS["hidden_project"], description=SECRETS["hidden_description"]),
        )
        token, _ = api_tokens.create_token(session, Actor.of(identity_of(owner)), SECRETS["owner_token"])
        story = stories.generate_story(
            session, Actor.of(identity_of(member)), stories.StoryGenerate.of(project.id, SECRETS["story"])
        )
        hidden_story = stories.generate_story(
            session, Actor.of(as_admin), stories.StoryGenerate.of(hidden.id, SECRETS["hidden_story"])
        )
        policy.set_signup_mode(session, Actor.of(as_admin, "198.51.100.2"), "invite")
        cookies = {}
        for role, user in (("admin", admin), ("owner", owner), ("member", member), ("viewer", viewer)):
            _, raw = start_session(session, Actor.of(None, None, "harness"), user, SessionKind.web)
            cookies[role] = cookie_for(raw)
        session.commit()
        return World(
            admin_id=str(admin.id),
            owner_id=str(owner.id),
            member_id=str(member.id),
            viewer_id=str(viewer.id),
            project_id=str(project.id),
            hidden_project_id=str(hidden.id),
            owner_token_id=str(token.id),
            story_id=str(story.id),
            hidden_story_id=str(hidden_story.id),
            cookies=cookies,
        )
