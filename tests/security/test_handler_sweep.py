"""Every Reflex event handler is a public endpoint: the sweep holds each one against an explicit allow-list.

A handler not on the list must refuse an anonymous client and change nothing: not a row of the database,
not a var the browser sees (beyond a refusal message). A signed-in global viewer changes nothing either.
Auto setters are off, and `setvar`/`update_vars_internal` cannot set any var.
"""

from __future__ import annotations

import dataclasses
import inspect
import itertools
import json
import os
import re
import typing
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from plotly.basedatatypes import BaseFigure
from reflex.event import EventHandler
from reflex.state import State, UpdateVarsInternalState
from reflex_base.config import get_config
from reflex_base.constants.state import FIELD_MARKER
from reflex_base.utils.format import format_event_handler
from sqlmodel import Session, select

from autodevhub.auth.sessions import identity_of
from autodevhub.core.db import get_engine
from autodevhub.core.identity import Actor
from autodevhub.core.settings import get_settings
from autodevhub.documentation.service import generate_from_directory
from autodevhub.models import User
from tests.conftest import APP_VARIABLES, migrate
from tests.support.fake_github_rest import environment_for
from tests.support.helpers import PASSWORD
from tests.support.pairwise import all_pairs
from tests.support.state_harness import (
    SECRETS,
    Tab,
    World,
    all_states,
    build_world,
    db_fingerprint,
    page_of,
    registered_handlers,
)
from tests.support.workflow_helpers import (  # noqa: F401 (fixture)
    github_world_fixture,
    github_world_in,
    link_world,
)

# Public handlers, each with why it may run for anyone. Keys: module.State.handler.
ALLOW_LIST = {
    "reflex.state.State.hydrate": "Reflex: sends a tab its own state on (re)connect; no database access",
    "reflex.state.State.hydrate_and_load": "Reflex: a page's first event; runs that page's on_load chain",
    "reflex.state.State.set_is_hydrated": "Reflex: flips the tab's is_hydrated flag, nothing else",
    "reflex.state.OnLoadInternalState.on_load_internal": "Reflex: queues the current page's on_load handlers",
    "reflex.state.OnLoadInternalState.set_is_hydrated": "Reflex: the same flag, set from a leaf state",
    "reflex.state.UpdateVarsInternalState.update_vars_internal": "Reflex: sets rx.Cookie/LocalStorage vars "
    "only (CLIENT_STORAGE below); tested below",
    "reflex.state.FrontendEventExceptionState.handle_frontend_exception": "Reflex: logs a browser error",
    "autodevhub.ui.session_state.SessionState.load_session": "on_load, public pages: whose cookie it is",
    "autodevhub.ui.session_state.SessionState.require_login": "on_load, protected pages: anonymous to /login",
    "autodevhub.auth.ui.login_state.LoginState.load": "on_load of /login: query string and sign-up mode",
    "autodevhub.auth.ui.login_state.SignupState.load": "on_load of /signup: query string and sign-up mode",
}
# Client storage vars hold what the browser keeps and may rewrite at will: never identity, never trusted.
CLIENT_STORAGE = {
    "autodevhub.stories.ui.generator_state.StoryGeneratorState.draft": "the user's own unsent feature "
    "description and last project, restored only for the account that typed it (a hash of its id) "
    "and validated like input",
}
# Every state's `setvar` is Reflex's generic setter: it calls set_<var>, which does not exist (tested below).
SETVAR = "setvar"
# A viewer may look after their own account; everything else a viewer sends must change nothing.
VIEWER_SELF_SERVICE = {
    "autodevhub.account.ui.account_state.AccountState.change_password": "a viewer may change their password",
    "autodevhub.account.ui.account_state.AccountState.create_token": "a viewer may create their API tokens",
}
REFUSAL = re.compile(r"sign in", re.IGNORECASE)
# Router data and the dynamic route arguments (such as [project_id]) echo the URL the tab is on.
ROUTER_VARS = re.compile(
    rf"^(rx_router_|router_data|is_hydrated|{'|'.join(State._dynamic_route_arg_types())})"
)
GARBAGE = ["", "not-a-uuid", None, 12345, ["a"], {"$ne": None}]
NEW_PASSWORD = "another long passphrase 42"


def key_of(handler: EventHandler) -> str:
    return f"{handler.state.__module__}.{handler.state.__qualname__}.{handler.fn.__name__}"


HANDLERS = registered_handlers()
PROTECTED = sorted(
    name
    for name, handler in HANDLERS.items()
    if key_of(handler) not in ALLOW_LIST and handler.fn.__name__ != SETVAR
)


def short(name: str) -> str:
    return key_of(HANDLERS[name]).rsplit(".", 2)[-2] + "." + name.rpartition(".")[2]


def forms(world: World) -> list[dict[str, str]]:
    """What the app's forms submit, with realistic values; the second names an account that does not exist."""
    common = {
        "name": "Intruder project",
        "description": "pwned",
        "repo": "evil/repo",
        "email": SECRETS["admin"],
        "role": "owner",
        "password": PASSWORD,
        "query": "owner",
        "user_email": SECRETS["owner"],
        "action": "member.",
        "resource_type": "project",
        "since": "2020-01-01",
        "until": "2099-12-31",
        "signup_mode": "open",
        "github_orgs": "evil-org",
        "current_password": PASSWORD,
        "new_password": NEW_PASSWORD,
        "repeat_password": NEW_PASSWORD,
        "token_name": "intruder",
        "token_days": "30",
        "first_name": "Eve",
        "last_name": "Intruder",
        "feature_description": "Intruders export every customer's invoices as a CSV file to sell them",
        "project_id": world.project_id,
        "gherkin": "Feature: Intruders\n  Scenario: Rob\n    Given a shop\n    When I rob it\n    Then I win",
        "q": "flight",
        "workflow_id": world.workflow_ids[0] if world.workflow_ids else "",
        "ref": "main",
    }
    return [common, {**common, "email": "intruder@example.test", "role": "admin"}]


def values_for(name: str, hint: object, world: World) -> list[object]:
    """Plausible values for one parameter, from its name and type: real ids, roles, form data, garbage."""
    origin = typing.get_origin(hint) or hint
    if origin is dict or "form" in name:
        return [*forms(world), {}, "not a form", None]
    if name == "role":
        return ["owner", "admin", "viewer", None]
    if name == "status":
        return ["approved", "archived", "in_progress", "all", None, "pwned"]
    if hint is bool or name == "active":
        return [True, False, "yes"]
    if hint is int:
        return [0, 1, -1, 10**9, "2"]
    if name.endswith("id"):
        return [*world.ids, *GARBAGE]
    return [*world.ids[:3], "admin", "x" * 5000, *GARBAGE]


def candidate_args(handler: EventHandler, world: World) -> list[dict[str, object]]:
    hints = handler._type_hints or {}
    params = [p for p in list(inspect.signature(handler.fn).parameters.values())[1:] if p.default is p.empty]
    choices = [values_for(p.name, hints.get(p.name), world) for p in params]
    return [dict(zip([p.name for p in params], combo, strict=True)) for combo in all_pairs(choices)]


def route_params(route: str, world: World) -> list[dict[str, str]]:
    if "[project_id]" in route:
        return [{"project_id": world.project_id}, {"project_id": world.hidden_project_id}]
    if "[story_id]" in route:
        return [{"story_id": world.story_id}, {"story_id": world.hidden_story_id}]
    return [{}]


def plain(value: object) -> object:
    """A var as compared and searched: a Plotly figure as its JSON (comparing figures deeply is slow)."""
    return value.to_json() if isinstance(value, BaseFigure) else value


def visible(snapshot: dict[str, dict]) -> dict[str, dict]:
    """What a tab shows, router data aside (the route's own ids are in it)."""
    return {
        state: {k: plain(v) for k, v in values.items() if not ROUTER_VARS.match(k)}
        for state, values in snapshot.items()
    }


def leaked(shown: dict[str, dict], secrets: list[str]) -> list[str]:
    """The secrets found in what a tab shows (visible's output)."""
    text = json.dumps(shown, default=str)
    return [secret for secret in secrets if secret in text]


DEFAULTS = visible(State(_reflex_internal_init=True).dict())


def assert_refused(name: str, args: dict, before: dict, after: dict) -> None:
    """Only refusal messages, or vars back at their defaults, may differ after an anonymous event
    (`before` and `after` are what the tab showed: visible's output)."""
    for state, values in after.items():
        for var, value in values.items():
            if value == before[state][var] or value == DEFAULTS[state][var]:
                continue
            assert isinstance(value, str) and REFUSAL.search(value), (
                f"{short(name)}({args!r}) set {state.rpartition('.')[2]}.{var} to {value!r}"
            )


def sweep(world: World, name: str, cookie: str, check_vars: bool, secrets: list[str]) -> list[str]:
    """Send `name` every candidate payload from its own page; return what changed the database."""
    handler = HANDLERS[name]
    route, changed = page_of(handler.state), []
    for params, args in itertools.product(route_params(route, world), candidate_args(handler, world)):
        database = db_fingerprint()
        with Tab(cookie=cookie) as tab:
            tab.open(route, **params)
            assert tab.state(State).router.headers.cookie == cookie
            before = visible(tab.snapshot())
            tab.send(handler, **args)
            after = visible(tab.snapshot())
            assert not tab.errors, f"{short(name)}({args!r}) raised {tab.errors!r}"
        if db_fingerprint() != database:
            changed.append(f"{short(name)}({args!r}) on {params}")
        if check_vars:
            assert_refused(name, args, before, after)
        assert not leaked(after, secrets), f"{short(name)}({args!r}) showed {leaked(after, secrets)}"
    return changed


def generate_docs(project_id: str, source: Path, docstring: str, by: str) -> list[str]:
    """Docs of a one-module directory generated by account `by` (the local source Generate refreshes from)."""
    source.mkdir()
    (source / "mod.py").write_text(f'def f() -> None:\n    """{docstring}"""\n')
    with Session(get_engine()) as session:
        user = session.exec(select(User).where(User.email == SECRETS[by])).one()
        actor = Actor.of(identity_of(user))
        pages = generate_from_directory(session, actor, project_id, str(source)).pages
        session.commit()
    return [str(page["id"]) for page in pages]


def seed_world(github_world: dict, folder: Path) -> World:
    """The project is on the fake GitHub's repository, with a workflow and a failed and a running run;
    both projects have generated docs (the hidden one's docstring is a secret)."""
    world = build_world()
    linked = link_world(uuid.UUID(world.project_id), github_world)
    ids = tuple(str(linked[key]) for key in ("workflow_id", "failed_id", "running_id"))
    # By the owner: the project's activity (which its viewer reads) names who generated them.
    docs = generate_docs(world.project_id, folder / "shown", "Adds.", "owner")
    docs += generate_docs(world.hidden_project_id, folder / "hidden", SECRETS["hidden_doc"], "admin")
    return dataclasses.replace(world, workflow_ids=ids, doc_ids=tuple(docs))


@pytest.fixture
def world(app_db, github_world, tmp_path) -> World:
    """A world of this test's own, for the events that may change it."""
    return seed_world(github_world, tmp_path)


@pytest.fixture(scope="module")
def module_world(tmp_path_factory) -> Iterator[tuple[World, Path, dict]]:
    """One world for the sweeps that must change nothing (they check that they did not), seeded once."""
    folder = tmp_path_factory.mktemp("sweep-world")
    with pytest.MonkeyPatch.context() as patch:
        for name in [name for name in os.environ if name.startswith(APP_VARIABLES)]:
            patch.delenv(name)  # as clean_settings does for each test
        patch.setenv("AUTODEVHUB_DATA_DIR", str(folder))
        get_settings.cache_clear()
        migrate(get_settings().sqlalchemy_url)
        with github_world_in(patch) as github_world:
            yield seed_world(github_world, folder), folder, github_world
    get_settings.cache_clear()


@pytest.fixture
def unchanged_world(module_world, monkeypatch: pytest.MonkeyPatch) -> World:
    """The module's world, the app's settings pointed at its database and fake GitHub for this test."""
    world, folder, github_world = module_world
    monkeypatch.setenv("AUTODEVHUB_DATA_DIR", str(folder))
    environment_for(github_world["fake"], monkeypatch)
    return world


def test_auto_setters_are_off() -> None:
    assert get_config().state_auto_setters is False
    for state in all_states():
        setters = [f"set_{var}" for var in state.get_fields() if hasattr(state, f"set_{var}")]
        assert setters in ([], ["set_is_hydrated"]), f"{state.__name__} has setters {setters}"


def test_allow_list_matches_the_registered_handlers() -> None:
    keys = {key_of(handler) for handler in HANDLERS.values()}
    assert not set(ALLOW_LIST) - keys, "allow-listed handlers the app no longer has"
    assert not set(VIEWER_SELF_SERVICE) - keys
    client = {
        f"{state.__module__}.{state.__qualname__}.{name}"
        for state in all_states()
        for name in state.get_fields()
        if state._is_client_storage(name) and name in state.__annotations__
    }
    assert client == set(CLIENT_STORAGE), "client storage vars without a reason, or reasons without a var"
    in_tree = {f"{state.get_full_name()}.{fn}" for state in all_states() for fn in state.event_handlers}
    assert in_tree == set(HANDLERS), "the registry and the state tree disagree"
    assert {"ProjectsState.create_project", "UsersState.add_user", "AuditState.load_audit"} <= {
        short(name) for name in PROTECTED
    }


@pytest.mark.parametrize("name", PROTECTED, ids=short)
def test_handler_refuses_an_anonymous_client(unchanged_world: World, name: str) -> None:
    world = unchanged_world
    changed = sweep(world, name, cookie="", check_vars=True, secrets=[*SECRETS.values(), *world.ids])
    assert changed == []


@pytest.mark.parametrize(
    "name", [n for n in PROTECTED if key_of(HANDLERS[n]) not in VIEWER_SELF_SERVICE], ids=short
)
def test_a_signed_in_viewer_changes_nothing(unchanged_world: World, name: str) -> None:
    world = unchanged_world
    hidden = [
        SECRETS[key]
        for key in (
            "admin",
            "hidden_project",
            "hidden_description",
            "owner_token",
            "hidden_story",
            "hidden_doc",
        )
    ]
    changed = sweep(world, name, cookie=world.cookies["viewer"], check_vars=False, secrets=hidden)
    assert changed == []


WRITERS = [
    "ProjectsState.create_project",
    "ProjectDetailState.save_project",
    "ProjectDetailState.add_member",
    "ProjectDetailState.change_member_role",
    "ProjectDetailState.remove_member",
    "ProjectDetailState.delete_project",
    "UsersState.add_user",
    "UsersState.change_role",
    "UsersState.deactivate",
    "InstancePolicyState.save_settings",
    "StoryGeneratorState.generate",
    "StoryGeneratorState.regenerate",
    "StoryGeneratorState.discard",
    "StoryDetailState.save_gherkin",
    "StoryDetailState.change_status",
    "StoryDetailState.delete_story",
    "WorkflowsState.dispatch_workflow",
    "WorkflowsState.rerun_failed_jobs",
    "WorkflowsState.cancel_run",
    "WorkflowsState.sync_now",
    "DocsState.generate",
    "DocsPullState.publish_docs",
]


@pytest.mark.parametrize("writer", WRITERS)
def test_the_same_payloads_work_for_an_admin(world: World, writer: str) -> None:
    """The refusals above come from the permission checks: an admin's identical events do change things."""
    (name,) = [name for name in PROTECTED if short(name) == writer]
    assert sweep(world, name, cookie=world.cookies["admin"], check_vars=False, secrets=[])


@pytest.mark.parametrize("who", ["anonymous", "viewer", "admin"])
def test_setvar_and_update_vars_internal_set_nothing(world: World, who: str) -> None:
    """No set_<var> exists, so setvar fails for every var; update_vars_internal and hydrate_and_load
    apply browser-sent vars to client storage (rx.Cookie, rx.LocalStorage) only: the CLIENT_STORAGE vars,
    whose browser-written values change no other var."""
    cookie = world.cookies.get(who, "")
    update_vars = format_event_handler(UpdateVarsInternalState.event_handlers["update_vars_internal"])
    for state in all_states():
        names = [*state.get_fields(), *state.computed_vars]
        backend = [name for name in names if name.startswith("_")]
        client = {name for name in state.get_fields() if state._is_client_storage(name)}
        assert {f"{state.__module__}.{state.__qualname__}.{name}" for name in client} <= set(CLIENT_STORAGE)

        def shown(snapshot: dict[str, dict], state=state, client=client) -> dict[str, dict]:
            seen = visible(snapshot)
            return {
                **seen,
                state.get_full_name(): {
                    k: v
                    for k, v in seen[state.get_full_name()].items()
                    if k.removesuffix(FIELD_MARKER) not in client
                },
            }

        with Tab(cookie=cookie) as tab:
            tab.open(page_of(state), **route_params(page_of(state), world)[0])
            before = tab.snapshot()
            hidden = {name: getattr(tab.state(state), name) for name in backend}
            for var in names:
                errors = len(tab.errors)
                tab.send(f"{state.get_full_name()}.{SETVAR}", var_name=var, value="pwned")
                # State.set_is_hydrated is an explicit Reflex handler; the flag is not shown to anyone.
                assert var == "is_hydrated" or len(tab.errors) == errors + 1, (
                    f"setvar set {state.__name__}.{var}"
                )
            pwned = {f"{state.get_full_name()}.{var}": "pwned" for var in names}
            tab.send(update_vars, vars=pwned)
            assert shown(tab.snapshot()) == shown(before), f"{state.__name__} changed"
            tab.send(f"{State.get_full_name()}.hydrate_and_load", vars=pwned)  # reloads the page, too
            assert "pwned" not in json.dumps(shown(tab.snapshot()), default=str)
            assert {name: getattr(tab.state(state), name) for name in backend} == hidden
