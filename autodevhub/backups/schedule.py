"""Scheduled backups: with AUTODEVHUB_BACKUP_DIR set, one a day into it, keeping the newest
AUTODEVHUB_BACKUP_KEEP (checked at every periodic run; one process at a time through a lock file)."""

from __future__ import annotations

import fcntl
import logging
import time
from pathlib import Path

from autodevhub.backups import service
from autodevhub.backups.archive import BackupError
from autodevhub.core import jobs
from autodevhub.core.settings import get_settings

EVERY_SECONDS = 24 * 3600
LOCK_FILE = ".autodevhub-backup.lock"
logger = logging.getLogger(__name__)


def backups_in(folder: Path) -> list[Path]:
    """The scheduled backups in `folder`, oldest first (their names sort in time order)."""
    return sorted(folder.glob(f"{service.NAME_PREFIX}*{service.SUFFIX}"))


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups in `folder`; the deleted paths."""
    old = backups_in(folder)[:-keep]
    for path in old:
        path.unlink(missing_ok=True)
    return old


def due(folder: Path, now: float) -> bool:
    """True when `folder` holds no backup from the last day."""
    existing = backups_in(folder)
    return not existing or now - existing[-1].stat().st_mtime >= EVERY_SECONDS


@jobs.periodic("backups.schedule")
def scheduled_backup() -> Path | None:
    """A backup into AUTODEVHUB_BACKUP_DIR when one is due, then the old ones pruned; the new file."""
    settings = get_settings()
    if not settings.backup_dir:
        return None
    folder = Path(settings.backup_dir)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / LOCK_FILE).open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None  # another process is backing up right now
        if not due(folder, time.time()):
            return None
        try:
            made = service.create(folder / service.default_name())
        except BackupError as error:
            logger.warning("scheduled backup failed: %s", error.message)
            return None
        prune(folder, settings.backup_keep)
        return made.path
