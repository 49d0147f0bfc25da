"""`autodevhub notify add` and `notify test` in a subprocess, sending to a local HTTP receiver."""

from __future__ import annotations

from tests.support.cli import cli_in
from tests.support.receivers import HttpReceiver


def test_add_then_test_a_channel_from_the_command_line(tmp_path):
    invoke = cli_in(tmp_path)
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
