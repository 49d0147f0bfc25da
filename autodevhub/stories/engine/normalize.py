"""Feature descriptions as the pipeline stores and caches them: one normal form, within the length limits."""

from __future__ import annotations

import re
import unicodedata

from autodevhub.core.errors import InvalidInput

MIN_LENGTH = 10
MAX_LENGTH = 10_000
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b\u200e\u200f\ufeff]")
BLANK_LINES = re.compile(r"\n{3,}")


def clean(text: str) -> str:
    """NFC, Unix newlines, no control characters, single spaces within lines, at most one blank line."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = CONTROL.sub("", text)
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def normalize_description(text: object) -> str:
    """The cleaned description; InvalidInput naming the limits when it is not 10 to 10,000 characters."""
    limits = f"between {MIN_LENGTH} and {MAX_LENGTH:,} characters"
    if not isinstance(text, str):
        raise InvalidInput(f"The feature description must be text, {limits}.")
    cleaned = clean(text)
    if not MIN_LENGTH <= len(cleaned) <= MAX_LENGTH:
        raise InvalidInput(f"The feature description must be {limits}; it has {len(cleaned):,}.")
    return cleaned
