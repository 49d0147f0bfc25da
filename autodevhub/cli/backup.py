"""`autodevhub backup create|restore`: the whole database to one file and back."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from autodevhub.cli.app import main


def _passphrase(from_stdin: bool) -> str | None:
    return sys.stdin.readline().rstrip("\r\n") if from_stdin else None


def _run(action):
    """`action()` with a BackupError shown as a one-line error, exit 1."""
    from autodevhub.backups.archive import BackupError

    try:
        return action()
    except BackupError as error:
        raise click.ClickException(error.message) from None
    except OSError as error:
        raise click.ClickException(f"{error.strerror}: {error.filename}") from None


@main.group()
def backup() -> None:
    """Back up the database to a file, or restore one."""


@backup.command("create")
@click.option("--out", type=click.Path(path_type=Path), help="The file to write (default: a dated name).")
@click.option("--encrypt", is_flag=True, help="Encrypt with a key derived from the instance secret.")
@click.option("--passphrase-stdin", is_flag=True, help="Encrypt with a passphrase read from standard input.")
def backup_create(out: Path | None, encrypt: bool, passphrase_stdin: bool) -> None:
    """Write a backup of the configured database (SQLite or PostgreSQL) while the app runs."""
    from autodevhub.backups import service
    from autodevhub.core.settings import get_settings

    folder = Path(get_settings().backup_dir or ".")
    target = out or folder / service.default_name()
    passphrase = _passphrase(passphrase_stdin)
    made = _run(lambda: service.create(target, encrypt=encrypt, passphrase=passphrase))
    header = made.header
    click.echo(
        f"{made.path}: {header.database} backup, encryption {header.encryption}, schema {header.revision}"
    )


@backup.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--passphrase-stdin", is_flag=True, help="Read the backup's passphrase from standard input.")
def backup_restore(file: Path, passphrase_stdin: bool) -> None:
    """Restore FILE into the configured database, which must be empty (stop the app first)."""
    from autodevhub.backups import service

    passphrase = _passphrase(passphrase_stdin)
    restored = _run(lambda: service.restore(file, passphrase=passphrase))
    click.echo(
        f"restored {restored.header.database} backup of {restored.header.created_at} "
        f"(schema {restored.header.revision}); run `autodevhub db upgrade` if this version is newer"
    )
