"""The storage jobs, each run every sync interval: audit partitions created ahead, old runs archived."""

from __future__ import annotations

from autodevhub.core import jobs
from autodevhub.core.db import get_engine
from autodevhub.core.settings import get_settings
from autodevhub.models import utcnow
from autodevhub.storage import audit_partitions, run_archive


@jobs.periodic("storage.audit_partitions")
def create_audit_partitions() -> list[str]:
    """The current and next months' audit_logs partitions, on PostgreSQL; the names of those created."""
    engine = get_engine()
    if engine.dialect.name != "postgresql":
        return []
    with engine.begin() as connection:
        return audit_partitions.ensure_ahead(connection, utcnow())


@jobs.periodic("storage.archive_runs")
def archive_runs() -> int:
    """Move finished runs past the archive age to the archive, on PostgreSQL; the number moved."""
    return run_archive.archive_finished(get_engine(), utcnow() - run_archive.archive_age(get_settings()))
