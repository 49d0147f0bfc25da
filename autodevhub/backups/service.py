"""Create and restore backups of the configured database (the CLI and the scheduled job call these)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from autodevhub.backups import archive, databases
from autodevhub.backups.archive import BackupError, Encryption, Header
from autodevhub.core.settings import get_settings

NAME_PREFIX = "autodevhub-"
SUFFIX = ".backup"


@dataclass(frozen=True)
class Backup:
    """A backup file written or restored, and what its header says."""

    path: Path
    header: Header


def default_name(now: datetime | None = None) -> str:
    """autodevhub-<UTC time>.backup: names sort in time order."""
    return f"{NAME_PREFIX}{(now or datetime.now(UTC)):%Y%m%dT%H%M%SZ}{SUFFIX}"


def create(out: Path, *, encrypt: bool = False, passphrase: str | None = None) -> Backup:
    """Back up the configured database to `out` (written whole, then moved into place; mode 0600).

    `encrypt` uses a key derived from the instance secret; a `passphrase` is used instead when given."""
    url = get_settings().sqlalchemy_url
    encryption: Encryption = "passphrase" if passphrase is not None else "instance-key" if encrypt else "none"
    if passphrase is not None:
        archive.check_passphrase(passphrase)
    out = out.resolve()
    if out.is_dir():
        raise BackupError(f"{out} is a folder: give a file name.")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".autodevhub-backup-") as work:
        dump, partial = Path(work) / "dump", Path(work) / "backup"
        databases.dump(url, dump)
        header = archive.new_header(dump, databases.kind(url), encryption, databases.revision(url))
        archive.write(dump, partial, header, passphrase)
        os.chmod(partial, 0o600)
        os.replace(partial, out)
    return Backup(out, header)


def restore(path: Path, *, passphrase: str | None = None) -> Backup:
    """Restore the backup at `path` into the configured database, which must be empty. The file is
    decrypted and checked whole first: a wrong key or a damaged file restores nothing."""
    url = get_settings().sqlalchemy_url
    header = archive.read_header(path)
    if header.database != databases.kind(url):
        raise BackupError(
            f"This is a {header.database} backup; the configured database is {databases.kind(url)}."
        )
    if not databases.is_empty(url):
        raise BackupError(
            "The configured database is not empty: restore into a new database or data directory."
        )
    with tempfile.TemporaryDirectory(prefix=".autodevhub-restore-") as work:
        dump = Path(work) / "dump"
        archive.extract(path, dump, passphrase)
        databases.load(url, dump)
    return Backup(path, header)
