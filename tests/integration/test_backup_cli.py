"""`autodevhub backup create|restore` as a user runs them: a subprocess, one-line errors, no tracebacks."""

from __future__ import annotations

import os
import subprocess

from tests.support.cli import CLI, cli_in

PASSPHRASE = "correct horse battery staple"


def cli_on(folder):
    """The CLI on a database and data directory of its own in `folder` (not created yet)."""
    ours = ("ANTHROPIC_", "REDIS_URL", "AUTODEVHUB_", "DATABASE_URL")
    env = {name: value for name, value in os.environ.items() if not name.startswith(ours)}
    env.update(DATABASE_URL=f"sqlite:///{folder / 'restored.db'}", AUTODEVHUB_DATA_DIR=str(folder / "data"))

    def invoke(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([CLI, *args], env=env, input=stdin, capture_output=True, text=True, timeout=120)

    return invoke


def test_create_then_restore_from_the_command_line(tmp_path):
    (tmp_path / "source").mkdir()
    source = cli_in(tmp_path / "source")
    file = tmp_path / "clinic.backup"
    made = source("backup", "create", "--out", str(file), "--passphrase-stdin", stdin=PASSPHRASE + "\n")
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith(f"{file}: sqlite backup, encryption passphrase, schema ")

    target = cli_on(tmp_path)
    wrong = target("backup", "restore", str(file), "--passphrase-stdin", stdin="not the passphrase at all\n")
    assert wrong.returncode == 1 and "wrong passphrase" in wrong.stderr
    assert "Traceback" not in wrong.stderr and not (tmp_path / "restored.db").exists()
    missing = target("backup", "restore", str(file))
    assert missing.returncode == 1 and "--passphrase-stdin" in missing.stderr

    done = target("backup", "restore", str(file), "--passphrase-stdin", stdin=PASSPHRASE + "\n")
    assert done.returncode == 0, done.stderr
    token = target("token", "create", "admin@example.com")  # the restored database serves the CLI
    assert token.returncode == 0 and token.stdout.strip(), token.stderr
    again = target("backup", "restore", str(file), "--passphrase-stdin", stdin=PASSPHRASE + "\n")
    assert again.returncode == 1 and "not empty" in again.stderr


def test_bad_input_gets_one_line_errors(tmp_path):
    invoke = cli_in(tmp_path)
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    for args, stdin, message in (
        (("backup", "create", "--passphrase-stdin"), "short\n", "at least 12 characters"),
        (("backup", "create", "--out", str(tmp_path)), None, "is a folder"),
        (("backup", "restore", str(not_a_backup)), None, "Not an AutoDevHub backup file."),
        (("backup", "restore", str(tmp_path / "absent.backup")), None, "does not exist"),
    ):
        done = invoke(*args, stdin=stdin)
        assert done.returncode != 0 and message in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr
    plain = invoke("backup", "create")  # a dated name in the current folder
    assert plain.returncode == 0, plain.stderr
    (made,) = tmp_path.glob("autodevhub-*.backup")
    assert plain.stdout.startswith(f"{made}: sqlite backup, encryption none")
