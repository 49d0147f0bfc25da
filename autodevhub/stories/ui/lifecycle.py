"""Where a story can go next (its status moves) and where it has been (its history), in words."""

from __future__ import annotations

import dataclasses
from typing import Any

from autodevhub.models import StoryStatus
from autodevhub.stories.status import FLOW, MUST_PARSE
from autodevhub.stories.ui.rows import STATUS_LABELS, percent
from autodevhub.ui.rows import when

WORKFLOW = ("draft", "approved", "in_progress", "done")
ORDER = (*WORKFLOW, "archived")
# (target status, is the move forward?) -> button label
MOVES = {
    ("approved", True): "Approve",
    ("approved", False): "Back to approved",
    ("in_progress", True): "Start work",
    ("in_progress", False): "Reopen",
    ("done", True): "Mark done",
    ("draft", False): "Back to draft",
    ("archived", True): "Archive",
}


@dataclasses.dataclass(frozen=True)
class HistoryRow:
    what: str
    who: str
    when: str


@dataclasses.dataclass(frozen=True)
class StatusMove:
    status: str
    label: str
    allowed: bool
    reason: str
    primary: bool


def status_moves(status: str, parses: bool) -> list[StatusMove]:
    """The statuses a story may move to next, forward moves first; approving needs valid Gherkin."""
    current = StoryStatus(status)
    moves = []
    rank = ORDER.index(status)
    for target in sorted(
        FLOW[current],
        key=lambda s: (s == StoryStatus.archived, ORDER.index(s.value) < rank, ORDER.index(s.value)),
    ):
        forward = target == StoryStatus.archived or ORDER.index(target.value) > rank
        if status == "archived":
            label = "Restore as draft"
        else:
            label = MOVES.get((target.value, forward), STATUS_LABELS[target.value])
        blocked = target in MUST_PARSE and not parses
        reason = "Fix the Gherkin first: an unparseable story cannot be approved." if blocked else ""
        primary = forward and target != StoryStatus.archived
        moves.append(StatusMove(target.value, label, not blocked, reason, primary))
    return moves


def _history_what(action: str, details: dict[str, Any]) -> str:
    engine = {"claude": "Claude", "rules": "the rule engine"}.get(details.get("engine", ""), "")
    by = f" by {engine}" if engine else ""
    if action == "story.generate":
        return f"Generated{by}" + (" (from the cache)" if details.get("cached") else "")
    if action == "story.regenerate":
        return f"Regenerated{by}"
    if action == "story.update":
        changes = []
        if "gherkin_output" in (details.get("fields") or []):
            changes.append("Edited the Gherkin")
        if details.get("status_to"):
            source = STATUS_LABELS.get(details.get("status_from", ""), "?")
            changes.append(f"Moved from {source} to {STATUS_LABELS.get(details['status_to'], '?')}")
        return "; ".join(changes) or "Updated"
    return action


def history_rows(entries: list[dict[str, Any]]) -> list[HistoryRow]:
    """Newest first, in words."""
    rows = []
    for entry in reversed(entries):
        details = entry.get("details") or {}
        score = details.get("confidence")
        what = _history_what(entry["action"], details)
        rows.append(
            HistoryRow(
                what=what + (f" · score {percent(score)}%" if isinstance(score, int | float) else ""),
                who=entry.get("user") or "(deleted user)",
                when=when(entry["at"]),
            )
        )
    return rows
