"""Scheduled backups: only with AUTODEVHUB_BACKUP_DIR, at most one a day, the newest KEEP kept."""

from __future__ import annotations

import os
import time

import pytest

from autodevhub import features
from autodevhub.backups import schedule
from autodevhub.core import jobs
from autodevhub.core.settings import get_settings


def test_the_periodic_job_is_registered():
    features.register()
    assert "backups.schedule" in jobs.PERIODIC


def test_nothing_happens_without_a_backup_dir(app_db, tmp_path):
    assert schedule.scheduled_backup() is None
    assert not list(tmp_path.iterdir())


def test_one_backup_a_day_and_the_newest_kept(app_db, tmp_path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("AUTODEVHUB_BACKUP_DIR", str(tmp_path))
    monkeypatch.setenv("AUTODEVHUB_BACKUP_KEEP", "2")
    get_settings.cache_clear()
    two_days_ago = time.time() - 2 * schedule.EVERY_SECONDS
    old = [tmp_path / f"autodevhub-2026010{day}T000000Z.backup" for day in (1, 2, 3)]
    for path in old:
        path.write_bytes(b"old")
        os.utime(path, (two_days_ago, two_days_ago))
    unrelated = tmp_path / "notes.backup"
    unrelated.write_text("mine")

    made = schedule.scheduled_backup()
    assert made is not None and made.read_bytes().startswith(b"AUTODEVHUB-BACKUP\n")
    assert schedule.backups_in(tmp_path) == [old[2], made]
    assert unrelated.exists()
    assert schedule.scheduled_backup() is None  # the newest is less than a day old
    assert schedule.backups_in(tmp_path) == [old[2], made]
