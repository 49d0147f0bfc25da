"""The `@story-<short id>` tag a pushed .feature file carries: added once, on the Feature's tag line, and
read by the official Gherkin parser as the Feature's tag."""

from __future__ import annotations

import uuid

from gherkin import Parser

from autodevhub.stories.feature_tags import feature_path, story_tag, tagged_feature

STORY = uuid.UUID("1a2b3c4d-0000-4000-8000-000000000000")
PLAIN = "Feature: Export invoices\n  As a manager\n\n  Scenario: CSV\n    Given a month\n    Then a file\n"


def tags_of(text: str) -> list[str]:
    return [tag["name"] for tag in Parser().parse(text)["feature"]["tags"]]


def test_the_tag_goes_above_the_feature_line_once() -> None:
    tagged = tagged_feature(PLAIN, STORY)
    assert story_tag(STORY) == "story-1a2b3c4d"
    assert tags_of(tagged) == ["@story-1a2b3c4d"]
    assert tagged_feature(tagged, STORY) == tagged


def test_existing_tags_are_kept_after_the_story_tag() -> None:
    tagged = tagged_feature("@billing @wip\n" + PLAIN, STORY)
    assert tags_of(tagged) == ["@story-1a2b3c4d", "@billing", "@wip"]


def test_the_file_is_named_after_the_feature() -> None:
    assert feature_path(PLAIN, STORY) == "features/export-invoices.feature"
    assert feature_path("Feature: ¡¿?\n", STORY) == "features/story-1a2b3c4d.feature"
