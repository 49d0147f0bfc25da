"""The docs freshness gauge for /metrics: per project with docs, the % of pages true to their sources.

Freshness hashes the source files, so a scrape reuses the last figures for a minute.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlmodel import Session, select

from autodevhub.core.db import end_transaction, get_engine
from autodevhub.documentation import freshness
from autodevhub.models import Documentation, Project

NAME = "autodevhub_docs_freshness_percent"
HELP = "Pages whose sources are unchanged since their generation, % of the project's pages"
REUSE_SECONDS = 60.0
logger = logging.getLogger(__name__)


def measure(session: Session) -> list[tuple[str, str, float]]:
    """(project id, project name, freshness %) of every project with docs, by name."""
    query = select(Project.id, Project.name, Documentation.id, Documentation.version_info).join(
        Documentation, Documentation.project_id == Project.id
    )
    pages: dict[tuple[str, str], list[tuple[str, Any]]] = defaultdict(list)
    for project_id, name, page_id, info in session.exec(query):
        pages[(str(project_id), name)].append((str(page_id), info))
    end_transaction(session)  # hashing reads files: no transaction stays open meanwhile
    figures = []
    for (project_id, name), rows in sorted(pages.items(), key=lambda item: item[0][1]):
        percent = freshness.check(rows, freshness.Remote(project_id))[1]["percent"]
        if percent is not None:
            figures.append((project_id, name, float(percent)))
    return figures


class DocsFreshnessCollector(Collector):
    """One sample per project with docs; figures at most a minute old, none while the database is away."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._taken: tuple[str, float] = ("", 0.0)  # which database, when
        self._figures: list[tuple[str, str, float]] = []

    def describe(self) -> list:
        return []  # registration must not query the database

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(NAME, HELP, labels=["project_id", "project"])
        for project_id, name, percent in self._current():
            family.add_metric([project_id, name], percent)
        yield family

    def _current(self) -> list[tuple[str, str, float]]:
        engine = get_engine()
        with self._lock:
            url, when = self._taken
            if url != str(engine.url) or time.monotonic() - when >= REUSE_SECONDS:
                try:
                    with Session(engine) as session:
                        self._figures = measure(session)
                except Exception as error:  # a scrape must not fail because the database is away
                    logger.warning("docs freshness gauge unavailable: %s", type(error).__name__)
                    self._figures = []
                self._taken = (str(engine.url), time.monotonic())
            return self._figures
