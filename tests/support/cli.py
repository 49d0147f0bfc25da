"""The `autodevhub` command run as a user runs it: a subprocess on a fresh SQLite database of its own, with
an admin and a project made through the CLI itself."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

CLI = os.path.join(os.path.dirname(sys.executable), "autodevhub")
ADMIN_PASSWORD = "correct horse battery staple"
Invoke = Callable[..., subprocess.CompletedProcess[str]]


def cli_in(folder: Path, project: str = "Clinic", extra: dict[str, str] | None = None) -> Invoke:
    """`invoke(*args, stdin=None)` running the CLI in `folder`, after `db upgrade`, an admin and `project`;
    `extra` sets environment variables (such as a fake Anthropic's) on top of the test's own."""
    ours = ("ANTHROPIC_", "REDIS_URL", "AUTODEVHUB_", "DATABASE_URL")
    env = {name: value for name, value in os.environ.items() if not name.startswith(ours)}
    env.update(DATABASE_URL=f"sqlite:///{folder / 'cli.db'}", AUTODEVHUB_DATA_DIR=str(folder / "data"))
    env.update(extra or {})

    def invoke(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CLI, *args], env=env, cwd=folder, input=stdin, capture_output=True, text=True, timeout=120
        )

    for args, stdin in (
        (("db", "upgrade"), None),
        (
            ("user", "create", "admin@example.com", "--role", "admin", "--password-stdin"),
            ADMIN_PASSWORD + "\n",
        ),
        (("project", "create", project), None),
    ):
        done = invoke(*args, stdin=stdin)
        assert done.returncode == 0, done.stderr
    return invoke
