"""API latency and throughput against /health: a story cache hit and a story read, with API token auth.

The API (create_api) is served by granian, one worker, on a fresh SQLite database in a temporary
directory; the client runs in this process. Latency: the three requests interleaved, p50 over --rounds
rounds, keep-alive.
Throughput: --connections client threads, each with its own connection and API token (the API's limit of
600 requests a minute is per token), for --seconds per endpoint.

    .venv/bin/python bench/api.py [--rounds 40] [--connections 20] [--seconds 5]

Goals (issue 13): cache hit <= 3x /health, GET /api/stories/{id} <= 2x /health, and the story read's
throughput >= 0.5x /health's.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DESCRIPTION = "Finance managers export the monthly invoices as CSV or PDF, at most 10,000 rows per file."


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def seed(tokens: int) -> list[str]:
    """An admin, `tokens` API tokens of theirs (one per client, as the API's rate limit is per token) and a
    project in the migrated database; returns the raw tokens."""
    from alembic import command

    from autodevhub.auth import accounts, api_tokens
    from autodevhub.auth.sessions import identity_of
    from autodevhub.cli import alembic_config
    from autodevhub.core.db import session_scope
    from autodevhub.core.identity import SYSTEM, Actor
    from autodevhub.models import UserRole
    from autodevhub.projects import service as projects

    config = alembic_config()
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")
    with session_scope() as session:
        admin = accounts.create_user(
            session, SYSTEM, accounts.NewAccount(email="b@example.com", role=UserRole.admin)
        )
        actor = Actor.of(identity_of(admin))
        projects.create_project(session, actor, projects.ProjectCreate(name="Bench"))
        return [api_tokens.create_token(session, actor, f"client {i}")[1] for i in range(tokens)]


def serve(port: int) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).with_name("granian")),
        "--interface", "asgi", "--factory", "--workers", "1", "--host", "127.0.0.1", "--port", str(port),
        "--log-level", "warning", "autodevhub.web.api:create_api",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    for _ in range(200):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the API did not start")


def latency(client: httpx.Client, requests: dict[str, tuple[str, str, dict | None]], rounds: int) -> dict:
    """p50 milliseconds of each request, the requests interleaved round by round."""
    samples: dict[str, list[float]] = {name: [] for name in requests}
    for _ in range(rounds):
        for name, (method, path, body) in requests.items():
            started = time.perf_counter()
            response = client.request(method, path, json=body)
            samples[name].append((time.perf_counter() - started) * 1000)
            assert response.status_code < 300, (name, response.status_code, response.text)
    return {name: statistics.median(values) for name, values in samples.items()}


def throughput(base: str, tokens: list[str], path: str, seconds: float) -> float:
    """Requests per second that one thread per token, one keep-alive connection each, get through."""
    done, stop = [0] * len(tokens), time.monotonic() + seconds

    def hammer(index: int) -> None:
        headers = {"Authorization": f"Bearer {tokens[index]}"}
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            while time.monotonic() < stop:
                assert client.get(path).status_code == 200
                done[index] += 1

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(len(tokens))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    for name in [
        n for n in os.environ if n.startswith(("ANTHROPIC_", "AUTODEVHUB_", "DATABASE_URL", "REDIS_"))
    ]:
        del os.environ[name]
    # The default API limit (600/minute per token) holds; the story limit is raised for the latency rounds.
    os.environ.update(AUTODEVHUB_DATA_DIR=tempfile.mkdtemp(prefix="bench-api-"),
                      AUTODEVHUB_RATE_LIMIT_STORIES=f"{10 * args.rounds + 100}/hour")  # fmt: skip
    tokens = seed(args.connections)
    port = free_port()
    server = serve(port)
    base, headers = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {tokens[0]}"}
    try:
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            project_id = client.get("/api/projects").json()["items"][0]["id"]
            generate = {"project_id": project_id, "feature_description": DESCRIPTION}
            story_id = client.post("/api/stories/generate", json=generate).json()["id"]  # fills the cache
            requests = {
                "/health": ("GET", "/health", None),
                "cache hit": ("POST", "/api/stories/generate", generate),
                "story read": ("GET", f"/api/stories/{story_id}", None),
            }
            latency(client, requests, 5)  # warm up
            p50 = latency(client, requests, args.rounds)
        health = p50["/health"]
        rounds = f"p50 of {args.rounds} interleaved rounds"
        print(f"api bench: SQLite, granian 1 worker, {os.cpu_count()} CPUs, {rounds}")
        for name, value in p50.items():
            print(f"  {name:<11} p50 {value:7.2f} ms  = {value / health:4.2f}x /health")
        print("  goals: cache hit <= 3x, story read <= 2x")
        rates = {
            path: throughput(base, tokens, path, args.seconds)
            for path in ("/health", f"/api/stories/{story_id}")
        }
        health_rate, story_rate = rates.values()
        print(f"throughput, {args.connections} connections, {args.seconds:g} s each:")
        print(f"  /health {health_rate:7.0f} req/s   story read {story_rate:7.0f} req/s"
              f"  = {story_rate / health_rate:4.2f}x (goal >= 0.5x)")  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
