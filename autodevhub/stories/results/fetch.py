"""The GitHub side of reading a run's results: its artifacts whose names the project's patterns match,
downloaded (bounded) and parsed. Every artifact, read or skipped, is told in the notes with the reason; one
bad artifact or report file never keeps the others from being read. No database access here."""

from __future__ import annotations

from github.Repository import Repository

from autodevhub.integrations import github, github_artifacts
from autodevhub.projects.report_settings import ReportSettings
from autodevhub.stories.results import archive, reports
from autodevhub.stories.results.reports import ScenarioOutcome, UnreadableReport

MAX_ARTIFACTS = 20  # matching artifacts read per run


def read_reports(
    repo: Repository, run_id: int, settings: ReportSettings
) -> tuple[list[ScenarioOutcome], list[dict]]:
    """The run's scenario outcomes and one note per matching artifact ({id, name, outcome}). GitHubDown and
    GitHubRateLimited go up (try the run again later); other refusals skip the artifact."""
    outcomes: list[ScenarioOutcome] = []
    notes: list[dict] = []
    matching = [item for item in github_artifacts.list_artifacts(repo, run_id) if settings.reads(item.name)]
    for artifact in matching[:MAX_ARTIFACTS]:
        found, outcome = _artifact(repo, artifact)
        outcomes += found
        notes.append({"id": artifact.id, "name": artifact.name[:200], "outcome": outcome[:300]})
    return outcomes, notes


def _artifact(repo: Repository, artifact: github_artifacts.ArtifactData) -> tuple[list[ScenarioOutcome], str]:
    try:
        files = archive.report_files(github_artifacts.download_zip(repo, artifact))
    except (github.GitHubDown, github.GitHubRateLimited):
        raise
    except (github.GitHubError, UnreadableReport) as error:
        return [], f"skipped: {error.message if isinstance(error, github.GitHubError) else error}"
    if not files:
        return [], "skipped: no .json or .xml report in the zip"
    found: list[ScenarioOutcome] = []
    skipped = []
    for name, data in files:
        try:
            found += reports.parse(name, data)
        except UnreadableReport as error:
            skipped.append(f"{name}: {error}")
    if not found and skipped:
        return [], "skipped: " + "; ".join(skipped)
    told = f"read: {len(found)} scenarios"
    return found, told + (f" (skipped {'; '.join(skipped)})" if skipped else "")
