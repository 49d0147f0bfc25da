"""GitHub's REST objects (workflows, runs, jobs) as plain data; an object we cannot use is skipped and noted.

The REST API sends the same run and job objects as the webhooks, so both are checked by the payload models
(the same bounds, the same defaults for what an object lacks: a job of an older GitHub Enterprise has no
created_at). Nothing here asks GitHub for more: an object without what we cannot do without (an id, a
run's creation time) is skipped and recorded in the sync's summary, so one never stops a sync.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from autodevhub.integrations.github_data import JobData, RunData, WorkflowData
from autodevhub.workflows.github import payloads

KEPT = 20  # skipped objects described in the summary; the count goes on
M = TypeVar("M", bound=BaseModel)


class WorkflowObject(BaseModel):
    """The fields of GitHub's workflow object that we use."""

    id: payloads.Id
    name: str | None = None
    path: str | None = None
    state: str | None = None
    html_url: str | None = None
    updated_at: payloads.Time | None = None

    def data(self) -> WorkflowData:
        return WorkflowData(
            self.id, self.name or "", self.path or "", self.state or "", self.html_url or "", self.updated_at
        )


@dataclass
class Skipped:
    """Objects left out of one sync: how many, and the first few (kind, id, reason)."""

    count: int = 0
    first: list[dict[str, Any]] = field(default_factory=list)

    def note(self, kind: str, raw: Any, error: ValidationError) -> None:
        self.count += 1
        if len(self.first) < KEPT:
            found = raw.get("id") if isinstance(raw, dict) else None
            self.first.append(
                {"object": kind, "id": found if isinstance(found, int) else None, "reason": _reason(error)}
            )


def _reason(error: ValidationError) -> str:
    first = error.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}"[:200] if where else first["msg"][:200]


def _valid(model: type[M], kind: str, raw: Any, skipped: Skipped) -> M | None:
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        skipped.note(kind, raw, error)
        return None


def workflows(raws: Iterable[Any], skipped: Skipped) -> list[WorkflowData]:
    return [found.data() for raw in raws if (found := _valid(WorkflowObject, "workflow", raw, skipped))]


def runs(raws: Iterable[Any], skipped: Skipped) -> Iterator[RunData]:
    """The usable runs, as the caller iterates (pages are requested meanwhile)."""
    for raw in raws:
        if (found := _valid(payloads.Run, "run", raw, skipped)) is not None:
            yield found.data("")


def jobs(raws: Iterable[Any], skipped: Skipped) -> list[JobData]:
    return [found.data() for raw in raws if (found := _valid(payloads.Job, "job", raw, skipped))]
