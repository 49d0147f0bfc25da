"""Two app instances, each started as `make run` starts it, and one `autodevhub worker`, on one fresh
PostgreSQL database and one redis-server of the test's own, behind a TCP proxy (the load balancer).

Each instance builds its frontend into a web directory of its own (REFLEX_WEB_WORKDIR): instances that share
`.web` break each other's builds, and the checkout's `.web` may be serving the session's live app meanwhile.
They share the secret key (sessions, tokens and sealed values must read the same everywhere) and the public
URL (the proxy's), as instances behind one load balancer do.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.browser_accounts import CLI
from tests.support.fake_github import FakeGitHub
from tests.support.live_app import (
    REPO_ROOT,
    LiveApp,
    app_environment,
    fail_or_skip,
    log_tail,
    show,
    start,
    stop,
    wait_until_healthy,
)
from tests.support.redis_server import RedisServer
from tests.support.tcp_proxy import TcpProxy

SECRET_KEY = "one-secret-key-for-every-instance-of-the-scale-out-test"
LOGIN_LIMIT = 3  # failed sign-ins per account and minute
WAIT_TIMEOUT = 60.0


@dataclasses.dataclass
class Instance:
    """One `make run` and how long it took to answer GET /health."""

    process: subprocess.Popen
    app: LiveApp
    ready_after: float = 0.0


@dataclasses.dataclass
class Cluster:
    """Instances "a" and "b", the worker, the proxy in front and the Redis behind."""

    a: Instance
    b: Instance
    worker: subprocess.Popen
    worker_log: Path
    proxy: TcpProxy
    redis: RedisServer

    def kill(self, instance: Instance) -> None:
        """SIGKILL the instance's whole process group, as a crashed machine: no graceful shutdown."""
        os.killpg(instance.process.pid, signal.SIGKILL)
        instance.process.wait()

    def logs(self) -> str:
        apps = [f"--- {i.app.log} ---\n{i.app.log_tail()}" for i in (self.a, self.b)]
        return "\n".join([*apps, f"--- {self.worker_log} ---\n{log_tail(self.worker_log)}"])


def wait_for(check: Callable[[], object], what: str, timeout: float = WAIT_TIMEOUT) -> object:
    """`check()`'s first truthy answer, polled; fails naming `what` when none comes within `timeout`."""
    deadline = time.monotonic() + timeout
    while not (answer := check()):
        assert time.monotonic() < deadline, f"{what}: not within {timeout:.0f} s"
        time.sleep(0.2)
    return answer


def shared_environment(database_url: str, redis_url: str, public_url: str = "") -> dict[str, str]:
    """What every instance and the worker are given alike; without a public URL (no load balancer in
    front, as in bench/load.py) each instance's is its own address."""
    shared = {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "AUTODEVHUB_SECRET_KEY": SECRET_KEY,
        "AUTODEVHUB_RATE_LIMIT_LOGIN_ACCOUNT": f"{LOGIN_LIMIT}/minute",
        "AUTODEVHUB_SYNC_INTERVAL_MINUTES": "0",
    }
    return shared | ({"AUTODEVHUB_PUBLIC_URL": public_url} if public_url else {})


def start_instance(root: Path, github: FakeGitHub, shared: dict[str, str]) -> Instance:
    """`make run` from the checkout, building its frontend into `root`/web."""
    root.mkdir()
    web = {"REFLEX_WEB_WORKDIR": str(root / "web"), "REFLEX_STATES_WORKDIR": str(root / "states")}
    return Instance(*start(root, github, **shared, **web))


def start_worker(root: Path, shared: dict[str, str]) -> tuple[subprocess.Popen, Path]:
    """`autodevhub worker` in a process group of its own; it and its log."""
    log = root / "worker.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(CLI), "worker"],
            cwd=REPO_ROOT,
            env=app_environment(root / "worker-data", **shared),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return process, log


def wait_ready(instances: list[Instance], started: float) -> str | None:
    """None once every instance answers /health (each one's time noted); otherwise why one never did."""
    for instance in instances:
        problem = wait_until_healthy(instance.process, instance.app)
        if problem:
            return f"{problem}\n--- {instance.app.log} ---\n{instance.app.log_tail()}"
        instance.ready_after = time.monotonic() - started
    return None


@pytest.fixture(name="cluster")
def cluster_fixture(
    request: pytest.FixtureRequest, tmp_path: Path, app_postgres: str, redis_server: RedisServer
) -> Iterator[Cluster]:
    """The cluster, up and healthy; everything it started is stopped afterwards."""
    proxy, github = TcpProxy().start(), FakeGitHub()
    github.start()
    shared = shared_environment(app_postgres, redis_server.url, proxy.url)
    started = time.monotonic()
    a, b = (start_instance(tmp_path / name, github, shared) for name in ("a", "b"))
    worker, worker_log = start_worker(tmp_path, shared)
    running = Cluster(a, b, worker, worker_log, proxy, redis_server)
    failed_before = request.session.testsfailed
    try:
        problem = wait_ready([a, b], started)
        if problem:
            fail_or_skip(f"an instance did not start: {problem}")
        timing = f"A ready after {a.ready_after:.0f} s, B by {b.ready_after:.0f} s"
        show(request, f"\nscale-out, both instances built at once: {timing}")
        yield running
    finally:
        for process in (a.process, b.process, worker):
            stop(process)
        proxy.stop()
        github.stop()
        if request.session.testsfailed > failed_before:
            show(request, running.logs())
