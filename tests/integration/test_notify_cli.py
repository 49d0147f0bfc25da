"""`autodevhub notify add` and `notify test` in a subprocess, sending to a local HTTP receiver."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.receivers import HttpReceiver

CLI = os.path.join(os.path.dirname(sys.executable), "autodevhub")


def test_add_then_test_a_channel_from_the_command_line(tmp_path):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("REDIS_URL", "AUTODEVHUB_", "DATABASE_URL"))
    }
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}", AUTODEVHUB_DATA_DIR=str(tmp_path / "data"))

    def invoke(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CLI, *args], env=env, cwd=tmp_path, input=stdin, capture_output=True, text=True, timeout=120
        )

    assert invoke("db", "upgrade").returncode == 0
    password = "correct horse battery staple\n"
    assert invoke(
        "user", "create", "admin@example.com", "--role", "admin", "--password-stdin", stdin=password
    )
    assert invoke("project", "create", "Clinic").returncode == 0
    receiver = HttpReceiver().start()
    try:
        url = receiver.json_url + "/secret-token"
        added = invoke(
            "notify", "add", "clinic", "team hook", "-", "--events", "run.failed", stdin=url + "\n"
        )
        assert added.returncode == 0, added.stderr
        channel_id, kind, masked, events = added.stdout.split()
        assert (kind, masked, events) == ("json", "json://127.0.0.1…", "run.failed")

        tested = invoke("notify", "test", channel_id)
        assert tested.returncode == 0 and tested.stdout.strip() == "sent", tested.stderr
        assert receiver.bodies[0]["title"] == "AutoDevHub test message for team hook"
        assert "secret-token" not in added.stdout + added.stderr + tested.stdout + tested.stderr
    finally:
        receiver.stop()

    refused = invoke("notify", "add", "clinic", "bad", "bogus://x", "--events", "run.failed")
    assert refused.returncode == 1 and "bogus://" in refused.stderr
    down = invoke("notify", "test", channel_id)
    assert down.returncode == 1 and down.stdout.startswith("failed")
