"""The app started the way `make run` starts it, and Chromium set up for Playwright.

tests/conftest.py imports these fixtures for every test module.

`live_app_url` is the base URL (http://127.0.0.1:PORT) of one app per test session, serving the UI,
/api and /health on one port from an empty data directory and embedded defaults, with GitHub sign-in
and its repository API pointed at a fake GitHub on 127.0.0.1 (`live_app.github`) started before it and
the tests' webhook secret. The overrides of pytest-playwright's `browser_type_launch_args` and
`browser_context_args` point it at Debian's Chromium and give every page that base URL.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

from tests.support.fake_github import FakeGitHub
from tests.support.fake_github_live import LiveGitHub
from tests.support.webhook_helpers import SECRET as WEBHOOK_SECRET

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"
ON_CI = os.environ.get("CI", "").lower() == "true"
STARTUP_TIMEOUT = 300.0
SCRAPE_TOKEN = "scrape-token-for-the-live-app"
STOP_TIMEOUT = 20.0
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The app starts from embedded defaults: none of the product's variables leak in from the shell,
# and a `make test` around us does not hand its jobserver to the inner `make run`.
DROPPED_VARIABLES = ("DATABASE_URL", "REDIS_URL", "ANTHROPIC_", "GITHUB_", "AUTODEVHUB_")
MAKE_VARIABLES = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")
MAKE_RUN = ("make", "run")


@dataclasses.dataclass(frozen=True)
class LiveApp:
    """A running `make run`: where it answers and where it logs."""

    url: str
    port: int
    log: Path
    data_dir: Path
    github: FakeGitHub

    def log_tail(self, lines: int = 60) -> str:
        return log_tail(self.log, lines)


def free_port() -> int:
    """A TCP port nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def log_tail(path: Path, lines: int = 60) -> str:
    """The last lines of a log file, or a note that it is missing."""
    try:
        text = path.read_text(errors="replace")
    except FileNotFoundError:
        return f"({path} was not written)"
    return "\n".join(text.splitlines()[-lines:])


def app_environment(data_dir: Path, **extra: str) -> dict[str, str]:
    """The caller's environment without the product's variables, with its own data directory (and `extra`)."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(DROPPED_VARIABLES) and name not in MAKE_VARIABLES
    }
    env["AUTODEVHUB_DATA_DIR"] = str(data_dir)
    env["PYTHONUNBUFFERED"] = "1"
    return {**env, **extra}


def health_status(url: str) -> int | None:
    """HTTP status of GET url/health, None when nothing answers."""
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return None


def group_alive(pgid: int) -> bool:
    """Whether any process of the group is still there."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def stop(process: subprocess.Popen) -> None:
    """End the whole process group of `make run` (make, reflex, the server workers)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline:
        process.poll()  # reaps make itself, so only live members keep the group alive
        if not group_alive(process.pid):
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def start(root: Path, github: FakeGitHub, **overrides: str) -> tuple[subprocess.Popen, LiveApp]:
    """Run `make run AUTODEVHUB_PORT=<free port>` from the repository root in a new process group.

    The public URL is the one the browser uses, so the session cookie set by a form POST or the
    GitHub callback is the one the websocket sends (127.0.0.1 and localhost keep separate cookies).
    `overrides` add or replace environment variables (a database, Redis, a proxy's public URL).
    """
    port = free_port()
    data_dir = root / "data"
    data_dir.mkdir()
    url = f"http://127.0.0.1:{port}"
    app = LiveApp(url=url, port=port, log=root / "make-run.log", data_dir=data_dir, github=github)
    env = (
        app_environment(
            data_dir,
            AUTODEVHUB_PUBLIC_URL=url,
            AUTODEVHUB_METRICS_TOKEN=SCRAPE_TOKEN,
            GITHUB_WEBHOOK_SECRET=WEBHOOK_SECRET,
            **github.environment(),
        )
        | overrides
    )
    with app.log.open("wb") as log:
        process = subprocess.Popen(
            [*MAKE_RUN, f"AUTODEVHUB_PORT={port}"],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return process, app


def wait_until_healthy(process: subprocess.Popen, app: LiveApp) -> str | None:
    """None once GET /health answers 200; otherwise why it never did."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    status = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return f"`make run` exited with status {process.returncode}"
        status = health_status(app.url)
        if status == 200:
            return None
        time.sleep(1)
    return f"GET /health did not answer 200 within {STARTUP_TIMEOUT:.0f} s (last status: {status})"


def fail_or_skip(message: str) -> NoReturn:
    """Fail on CI, where the app must start; skip with the reason elsewhere."""
    if ON_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def keep_log(app: LiveApp) -> None:
    """Copy the `make run` log to test-artifacts/ for whoever looks at a failed run."""
    ARTIFACTS.mkdir(exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        shutil.copyfile(app.log, ARTIFACTS / "make-run.log")


def show(request: pytest.FixtureRequest, text: str) -> None:
    """Print past pytest's output capture."""
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(text)


def running_app(request: pytest.FixtureRequest, root: Path, github: FakeGitHub) -> Iterator[LiveApp]:
    """Start `make run` and yield the app once healthy; fails on CI (skips elsewhere) if it cannot start."""
    try:
        process, app = start(root, github)
    except OSError as error:  # no `make` on PATH, for one
        fail_or_skip(f"could not run `make run`: {error}")
    problem = wait_until_healthy(process, app)
    if problem:
        stop(process)
        keep_log(app)
        fail_or_skip(f"the app did not start: {problem}\n--- last lines of `make run` ---\n{app.log_tail()}")
    failed_before = request.session.testsfailed
    try:
        yield app
    finally:
        stop(process)
        keep_log(app)
        if request.session.testsfailed > failed_before:
            show(request, f"\n--- last lines of `make run` ({app.log}) ---\n{app.log_tail()}")


@pytest.fixture(scope="session")
def live_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    """One app for the session, started with `make run`, and the fake GitHub it signs in with and pushes
    to (the repository's API behind the same address: fake_github_live)."""
    github = LiveGitHub()
    github.start()
    try:
        yield from running_app(request, tmp_path_factory.mktemp("live_app"), github)
    finally:
        github.stop()


@pytest.fixture(scope="session")
def live_app_url(live_app: LiveApp) -> str:
    """Base URL of the running app, without a trailing slash."""
    return live_app.url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's launch options, with Debian's Chromium (browsers cannot be downloaded here)."""
    if not Path(CHROMIUM).exists():
        fail_or_skip(f"Chromium is not installed at {CHROMIUM}: run `make chromium`")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict, live_app_url: str) -> dict:
    """Every page opens relative paths on the live app, in light mode unless a test says otherwise."""
    return {**browser_context_args, "base_url": live_app_url, "color_scheme": "light"}
