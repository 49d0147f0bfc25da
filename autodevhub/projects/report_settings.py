"""A project's test-report settings (project.settings["results"]): which artifacts of its CI runs hold test
reports (glob patterns on the artifact's name, default `*cucumber*` and `*junit*`), and whether the
scenarios' results move its stories (off by default). Maintainers change them through PATCH /api/projects."""

from __future__ import annotations

import fnmatch
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

KEY = "results"
DEFAULT_PATTERNS = ("*cucumber*", "*junit*")
Pattern = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._*?\[\]-]+$")]


class ReportSettings(BaseModel):
    """Glob patterns (letters, digits, . _ - and * ? [ ]) matched on artifact names, case-insensitively."""

    model_config = ConfigDict(extra="forbid")

    artifact_patterns: list[Pattern] = Field(
        default_factory=lambda: list(DEFAULT_PATTERNS), min_length=1, max_length=10
    )
    status_from_results: bool = Field(
        False, description="all scenarios passed on the default branch: done; one failing after: in progress"
    )

    def reads(self, artifact_name: str) -> bool:
        """Whether an artifact of this name holds test reports."""
        name = artifact_name.lower()
        return any(fnmatch.fnmatchcase(name, pattern.lower()) for pattern in self.artifact_patterns)


def of(settings: dict[str, Any]) -> ReportSettings:
    """The project's report settings (the defaults when unset or no longer valid)."""
    try:
        return ReportSettings.model_validate(settings.get(KEY) or {})
    except ValidationError:
        return ReportSettings()
