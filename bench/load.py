"""Load: --users browser-like users (Reflex's websocket events) and --readers REST readers against two app
instances and a worker on one PostgreSQL database and one Redis, on loopback, for --seconds.

The instances start as tests/support/scale_out.py starts them (`make run`, a web folder each under
/tmp/load-*, one secret key) but with no proxy in front: users and readers are spread over both. The
database is fresh (created and dropped here) and seeded first: bench/workflows.py's 90-day history for
three projects (1,000 runs each, three jobs a run), the `autodevhub demo` project, the rule engine's story
for every description of tests/support/story_corpus.py in every project, one member account per user
(signed in through the login form, as a browser does) and an API token per reader.

A user signs in, loads /, then again and again: opens /workflows for a project (one time in five as a full
page load, otherwise as a link inside the app), changes two of its filters and opens a story, pausing
--think seconds (0.5x to 1.5x) between actions; bench/load_clients.py says when an action counts as done.
A reader GETs /api/stories, /api/stories/{id}, /api/projects/{id}/executions or /overview at random.
Users start over the first --ramp seconds. Prints p50/p95/max in milliseconds and errors per action, and
whether the goal (p95 < 300 ms for every action, no errors) is met; no assertions. Everything started is
stopped at the end, the database dropped and the bench's Redis database flushed.

    .venv/bin/python bench/load.py [--users 50] [--readers 10] [--seconds 60] [--ramp 10] [--think 2]

PostgreSQL: TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test) names the server where
the database is made. Redis: LOAD_REDIS_URL (default redis://127.0.0.1:6379/9), flushed before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import redis
import workflows as bench  # bench/workflows.py: the run history, database() and drop()

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.support

from tests.support import scale_out
from tests.support.fake_github import FakeGitHub
from tests.support.live_app import stop

REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/9")
PROJECTS = 3  # besides the demo project
PASSWORD = "load bench password 2024"
GOAL_MS = 300.0
SEED_ENVIRONMENT = {
    "AUTODEVHUB_SECRET_KEY": scale_out.SECRET_KEY,  # tokens and sessions made here are read there
    "AUTODEVHUB_RATE_LIMIT_STORIES": "100000/hour",  # the seeding generates every story as one admin
}
LOGIN_FROM_ONE_ADDRESS = {"AUTODEVHUB_RATE_LIMIT_LOGIN_IP": "100000/minute"}  # every user is 127.0.0.1
# The two instances share this machine, so each gets half its cores as web processes (the README's
# "Running on several machines"); Reflex's default of 2 x cores + 1 each is 10 on 2 cores.
SHARED_MACHINE = {"AUTODEVHUB_WEB_WORKERS": str(max(1, (os.cpu_count() or 2) // 2))}


def seed(url: str, users: int, readers: int) -> tuple[list[str], list[str], list[str], list[str]]:
    """The data set; the project ids, story ids, the users' e-mails and the readers' API tokens."""
    from sqlmodel import Session, select

    from autodevhub.auth import accounts, api_tokens
    from autodevhub.auth.sessions import identity_of
    from autodevhub.core.db import engine_for
    from autodevhub.core.identity import SYSTEM, Actor
    from autodevhub.models import Project, User, UserRole, UserStory
    from autodevhub.projects import members
    from autodevhub.stories import service as stories
    from autodevhub.workflows.demo import seed as demo
    from tests.support.story_corpus import CORPUS

    bench.fill(url, PROJECTS * bench.PER_PROJECT, "projects")
    with Session(engine_for(url)) as session:
        demo.load(session)
        admin = identity_of(session.exec(select(User).where(User.role == UserRole.admin)).one())
        as_admin = SYSTEM.acting_for(admin)
        projects = [str(project_id) for project_id in session.exec(select(Project.id))]
        for project in projects:
            for description, _ in CORPUS:
                request = stories.StoryGenerate(project_id=project, feature_description=description)
                stories.generate_story(session, as_admin, request)
        emails = [f"user{n:03d}@example.com" for n in range(users)]
        for email in emails:
            new = accounts.NewAccount(email=email, password=PASSWORD, role=UserRole.member)
            accounts.create_user(session, SYSTEM, new)
            for project in projects:
                members.add_member(session, as_admin, project, email, "member")
        reader = Actor.of(identity_of(session.exec(select(User).where(User.email == emails[0])).one()))
        tokens = [api_tokens.create_token(session, reader, f"reader {n}")[1] for n in range(readers)]
        story_ids = [str(story_id) for story_id in session.exec(select(UserStory.id))]
        session.commit()
    bench.settle(url)
    return projects, story_ids, emails, tokens


async def load(sites: list, emails: list[str], tokens: list[str], args: argparse.Namespace):
    """Every user and reader until the deadline; the Recorder of their actions."""
    from load_clients import BrowserUser, Recorder, RestReader

    recorder = Recorder()
    deadline = time.monotonic() + args.seconds
    users = [
        BrowserUser(sites[n % 2], email, PASSWORD, recorder, random.Random(n))
        for n, email in enumerate(emails)
    ]
    readers = [RestReader(sites[n % 2], token, recorder, random.Random(-n)) for n, token in enumerate(tokens)]

    async def user(n: int) -> None:
        await asyncio.sleep(args.ramp * n / max(1, len(users)))
        try:
            await users[n].run(deadline, args.think, n)
        finally:
            await users[n].close()

    async def reader(n: int) -> None:
        try:
            await readers[n].run(deadline, args.think)
        finally:
            await readers[n].close()

    await asyncio.gather(*(user(n) for n in range(len(users))), *(reader(n) for n in range(len(readers))))
    return recorder


def cpu_seconds(groups: set[int]) -> float:
    """CPU time (user + system) of the live processes of these process groups."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # after "pid (name)": state, ppid, pgrp, ...
        except OSError:
            continue
        if int(fields[2]) in groups:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def count_connections(database: str, done: threading.Event, peak: list) -> None:
    """The most connections to `database` seen, polled each second until `done`; then max_connections."""
    with psycopg.connect(bench.POSTGRES, autocommit=True) as admin:
        while not done.wait(1.0):
            query = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
            peak[0] = max(peak[0], admin.execute(query, (database,)).fetchone()[0])
        peak.append(admin.execute("SHOW max_connections").fetchone()[0])


def measured(
    sites: list,
    emails: list[str],
    tokens: list[str],
    args: argparse.Namespace,
    groups: set[int],
    database: str,
):
    """The load's Recorder and what the machine did meanwhile (it is shared: others' work counts too)."""
    load_before, app_before, client_before = os.getloadavg()[0], cpu_seconds(groups), time.process_time()
    began, done, peak = time.monotonic(), threading.Event(), [0]
    watcher = threading.Thread(target=count_connections, args=(database, done, peak))
    watcher.start()
    try:
        recorder = asyncio.run(load(sites, emails, tokens, args))
    finally:
        done.set()
        watcher.join()
    wall, app = time.monotonic() - began, cpu_seconds(groups) - app_before
    notes = [
        f"load average (1 min) before / after: {load_before:.1f} / {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} cores (shared with whatever else runs here)",
        f"CPU: instances + worker {app:.0f} s ({app / wall:.2f} cores over {wall:.0f} s), "
        f"this client {time.process_time() - client_before:.0f} s; PostgreSQL connections to the bench "
        f"database: at most {peak[0]} (the server's max_connections: {peak[1]})",
    ]
    return recorder, notes


def report(recorder, notes: list[str], args: argparse.Namespace) -> None:
    rows = recorder.table()
    done = sum(count for _, count, *_ in rows)
    print(f"\n{args.users} users, {args.readers} readers, {args.seconds:.0f} s, think {args.think:.1f} s")
    print("\n".join(notes))
    print(f"{'action':<36}{'count':>7}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for action, count, errors, p50, p95, worst in rows:
        print(f"{action:<36}{count:>7}{errors:>8}{p50:>9.0f}{p95:>9.0f}{worst:>9.0f}")
    print(f"{done / args.seconds:.1f} actions a second")
    for action, kinds in recorder.errors.items():
        for kind, times in kinds.most_common(3):
            print(f"  {action}: {times} x {kind}")
    errors = sum(row[2] for row in rows)
    slow = [f"{action} ({p95:.0f} ms)" for action, _, _, _, p95, _ in rows if p95 >= GOAL_MS]
    met = not errors and not slow and done > 0
    print(f"goal p95 < {GOAL_MS:.0f} ms and 0 errors: {'met' if met else 'NOT met'}", end="")
    print("" if met else f" ({errors} errors; p95 over the goal: {', '.join(slow) or 'none'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--readers", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--ramp", type=float, default=10.0)
    parser.add_argument("--think", type=float, default=2.0)
    args = parser.parse_args()
    os.environ.update(SEED_ENVIRONMENT)
    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    url, name = bench.database("postgresql", "", "load")
    root = Path(tempfile.mkdtemp(prefix="load-", dir="/tmp"))
    github, started = FakeGitHub(), []
    github.start()
    try:
        seeded = time.monotonic()
        projects, stories, emails, tokens = seed(url, max(1, args.users), args.readers)
        print(f"seeded {len(projects)} projects, {len(stories)} stories in {time.monotonic() - seeded:.0f} s")
        shared = scale_out.shared_environment(url, REDIS_URL) | LOGIN_FROM_ONE_ADDRESS | SHARED_MACHINE
        began = time.monotonic()
        instances = [scale_out.start_instance(root / side, github, shared) for side in ("a", "b")]
        started += [instance.process for instance in instances]
        started.append(scale_out.start_worker(root, shared)[0])
        if problem := scale_out.wait_ready(instances, began):
            raise SystemExit(f"an instance did not start: {problem}")
        print(f"two instances ready after {max(i.ready_after for i in instances):.0f} s", flush=True)
        from load_clients import compiled_site

        sites = [
            compiled_site(i.app.url, root / side / "web", projects, stories)
            for i, side in zip(instances, "ab", strict=True)
        ]
        groups = {process.pid for process in started}  # each started in a session of its own
        report(*measured(sites, emails[: args.users], tokens, args, groups, name), args)
    finally:
        for process in started:
            stop(process)
        github.stop()
        bench.drop(url, name)
        store.flushdb()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
