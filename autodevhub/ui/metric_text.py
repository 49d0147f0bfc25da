"""How metric values read on every page (Workflows, the home page, a project's overview): one wording.

Pure functions, no reflex: durations, DORA tiles and their band colours.
"""

from __future__ import annotations

from typing import Any

NO_VALUE = "\u2013"  # an en dash
BAND_COLORS = {"elite": "#2da44e", "high": "#54aeff", "medium": "#bf8700", "low": "#cf222e", None: "#8c959f"}


def format_duration(seconds: float | None) -> str:
    """'45 s', '6.5 min', '3.2 h', '2.1 d'; an en dash without a value."""
    if seconds is None:
        return NO_VALUE
    for limit, unit, size in ((60, "s", 1), (3600, "min", 60), (86_400, "h", 3600)):
        if seconds < limit:
            return f"{seconds / size:.0f} {unit}" if unit == "s" else f"{seconds / size:.1f} {unit}"
    return f"{seconds / 86_400:.1f} d"


def dora_tiles(dora: dict[str, Any]) -> list[dict[str, str]]:
    """The four DORA tiles of a `dora` result and the stories' lead time beside them: key, label, value
    text, detail, band (elite/high/medium/low, by DORA's lead time bands for the stories; or empty) and its
    colour."""
    frequency = dora["deployment_frequency"]["per_day"]
    rate = dora["change_failure_rate"]["rate"]
    values = {
        "deployment_frequency": (
            "Deployment frequency",
            f"{frequency:.2f} / day" if frequency >= 1 else f"{frequency * 7:.1f} / week",
            f"{dora['deployments']} deployments",
        ),
        "lead_time": ("Lead time for changes", format_duration(dora["lead_time"]["seconds"]), "median"),
        "change_failure_rate": (
            "Change failure rate",
            NO_VALUE if rate is None else f"{100 * rate:.0f} %",
            f"{dora['failed_deployments']} failed deployments",
        ),
        "time_to_restore": (
            "Time to restore",
            format_duration(dora["time_to_restore"]["seconds"]),
            f"median of {dora['incidents']} incidents",
        ),
        "story_lead_time": (
            "Story lead time",
            format_duration(dora["story_lead_time"]["seconds"]),
            f"approval to deploy, median of {dora['story_lead_time']['stories']} stories",
        ),
    }
    tiles = []
    for key, (label, value, detail) in values.items():
        band = dora[key]["band"]
        tiles.append(
            {
                "key": key,
                "label": label,
                "value": value,
                "detail": detail,
                "band": band or "",
                "color": BAND_COLORS[band],
            }
        )
    return tiles
