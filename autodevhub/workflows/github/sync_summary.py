"""What one sync did and spent, as the sync answers it and as WorkflowSync.stats keeps it for the page."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from autodevhub.integrations.github import Quota
from autodevhub.models.workflows import SyncState, WorkflowSync
from autodevhub.workflows.github.reading import Skipped

COUNTS = (
    "workflows",
    "new_runs",
    "updated_runs",
    "jobs_fetched",
    "jobs_pending",
    "skipped",
    "unreadable_workflows",
    "not_modified",
    "quota_remaining",
    "quota_limit",
)


@dataclass
class SyncResult:
    """What one sync did and what it spent; `retryable` when GitHub was down and a later attempt may succeed.

    `quota_used` counts what GitHub charged (a 304 is free), `not_modified` the answers that were 304,
    `quota_remaining` of `quota_limit` what the token has left until `quota_reset`.
    """

    state: str = SyncState.ok.value
    message: str = ""
    workflows: int = 0
    new_runs: int = 0
    updated_runs: int = 0
    jobs_fetched: int = 0
    jobs_pending: int = 0
    skipped: int = 0
    unreadable_workflows: int = 0
    not_modified: int = 0
    quota_used: int = 0
    quota_remaining: int = -1
    quota_limit: int = -1
    quota_reset: str = ""
    retryable: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


def count_quota(result: SyncResult, quota: Quota, before: int) -> None:
    """What GitHub charged since `before` (requests left after the first answer, plus its cost), and what
    is left."""
    result.quota_used = max(0, before - quota.remaining)
    result.quota_remaining, result.quota_limit = quota.remaining, quota.limit
    result.quota_reset = quota.reset.isoformat()


def record(state: WorkflowSync, result: SyncResult, skipped: Skipped, etags: dict[str, str] | None) -> None:
    """Keep the summary in the sync row; the ETags only of a sync that succeeded (`etags` None keeps the
    last ones: what a failed sync read may not all be stored)."""
    result.skipped = skipped.count
    state.quota_used = result.quota_used
    state.stats = {
        **{name: getattr(result, name) for name in COUNTS},
        "quota_reset": result.quota_reset,
        "skipped_objects": skipped.first,
        "etags": etags if etags is not None else state.stats.get("etags") or {},
    }
