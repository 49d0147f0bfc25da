"""Numeric limits in a description ('at most 5 MB', 'between 8:00 and 18:00', 'expires after 30 minutes')
and the boundary values that test them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from autodevhub.stories.engine.rules.nlp import (
    STOPWORDS,
    format_number,
    number_value,
    phrases,
    singular,
    words,
    wordset,
)

WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12,
}  # fmt: skip
NUM = r"(\d{1,2}:\d{2}|\d[\d,]*(?:\.\d+)?|" + "|".join(WORD_NUMBERS) + r")"
NOT_UNIT = r"(?!(?:" + "|".join(sorted(STOPWORDS - {"per"})) + r")\b)"
UNIT = (
    rf"(?:\s*({NOT_UNIT}[A-Za-z%€$][\w%€$-]*(?:\s+(?:old|long|per\s+\w+)|"
    rf"(?<=ing|ous|ive|ful|ent)\s+{NOT_UNIT}[a-z]+)?))?"
)
INCLUSIVE = phrases(
    "at most|no more than|up to|a maximum of|maximum of|limited to|not exceed|not more than|within|at least|"
    "a minimum of|minimum of|no less than|no fewer than"
)
MAX_WORDS = (
    r"at most|no more than|not more than|up to|a maximum of|maximum of|limited to|"
    r"(?:cannot|must not|may not|can not) exceed|less than|fewer than|under|below|shorter than|within"
)
MIN_WORDS = (
    r"at least|a minimum of|minimum of|no less than|no fewer than|more than|greater than|over|above|"
    r"longer than|older than|exceeds?|exceeding"
)
DURATION = re.compile(r"^(seconds?|minutes?|hours?|days?|weeks?|months?|years?)$", re.IGNORECASE)
PATTERNS = (
    (
        "range",
        re.compile(
            rf"\b(?:above|over|more than|greater than)\s+{NUM}{UNIT}\s+or\s+(?:below|under|less than)"
            rf"\s+{NUM}{UNIT}",
            re.I,
        ),
    ),
    ("range", re.compile(rf"\bbetween\s+{NUM}{UNIT}\s+and\s+{NUM}{UNIT}", re.I)),
    ("range", re.compile(rf"\bfrom\s+{NUM}{UNIT}\s+to\s+{NUM}{UNIT}", re.I)),
    ("expiry", re.compile(rf"\b(?:expires?|expiring|expired)\s+(?:after|in|within)\s+{NUM}{UNIT}", re.I)),
    ("expiry", re.compile(rf"\bvalid\s+for\s+(?:up to\s+)?{NUM}{UNIT}", re.I)),
    ("exact", re.compile(r"\b(\d+)-(digit|character|letter)\s+(\w+)", re.I)),
    ("once", re.compile(r"\b(?:only\s+)?once\s+per\s+(\w+)", re.I)),
    ("max", re.compile(rf"\b({MAX_WORDS})\s+{NUM}{UNIT}", re.I)),
    ("min", re.compile(rf"\b({MIN_WORDS})\s+{NUM}{UNIT}", re.I)),
)
ACCEPTED = wordset("accepted allowed permitted valid supported possible ok fine limited") | {""}
REJECTED = phrases("rejected|refused|blocked|denied|not allowed|invalid|declined")
AUXILIARY = wordset(
    """are is must be can should will not only have has hold contain include take last allowed limited may
    need needs up used of with to for"""
)
SIZE_UNITS = wordset(
    "kb mb gb tb b bytes % percent eur usd gbp chf € $ kg km m cm years year old seconds minutes hours days "
    "weeks months"
)


@dataclass
class Bound:
    """One stated limit; `inside` satisfies the stated comparison, `outside` just misses it."""

    kind: str
    subject: str
    unit: str
    values: list[str]
    inclusive: bool = True
    consequence: str = ""
    span: str = ""
    sentence: str = ""
    comparison: str = ""
    inside: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    @property
    def rejects(self) -> bool:
        """True when values matching the comparison are refused ('grades above 100 must be refused')."""
        return self.consequence in REJECTED

    @property
    def special(self) -> bool:
        """True when matching values trigger something other than acceptance ('require a confirmation')."""
        return self.consequence not in ACCEPTED and not self.rejects

    @property
    def counted(self) -> bool:
        """True for counts ('10,000 rows'), false for sizes, ages, money and durations ('5 MB')."""
        first = (self.unit.split() or [""])[0].lower()
        return bool(first) and first not in SIZE_UNITS and first != "per"


def _number(text: str) -> float | None:
    return WORD_NUMBERS.get(text.lower(), number_value(text))


def shift(text: str, delta: int) -> str:
    """The value one step away: '10,000' + 1 -> '10,001'; '18:00' + 1 -> '18:01'; '0.5' -> '0.51'."""
    if ":" in text:
        hours, minutes = (int(part) for part in text.split(":"))
        total = hours * 60 + minutes + delta
        return f"{total // 60}:{total % 60:02d}"
    value = _number(text) or 0.0
    step = 1 if value == int(value) else 0.01
    return format_number(round(value + delta * step, 2), grouped="," in text)


def with_unit(value: str, unit: str) -> str:
    """'1' + 'hours' -> '1 hour'; '0' + 'hour' -> '0 hours'."""
    if not unit:
        return value
    parts = unit.split(" ")
    at = 0 if len(parts) > 1 and parts[1] in ("per", "old", "long") else len(parts) - 1
    word = parts[at]
    if _number(value) == 1:
        word = singular(word)
    elif word.isalpha() and word.islower() and not word.endswith("s") and len(word) > 2:
        word += "s"
    parts[at] = word
    return f"{value} {' '.join(parts)}"


def _samples(bound: Bound) -> None:
    first = bound.values[0]
    if bound.kind == "range":
        low, high = sorted(bound.values[:2], key=lambda v: _number(v.replace(":", ".")) or 0.0)
        bound.inside, bound.outside = [low, high], [shift(low, -1), shift(high, 1)]
    elif bound.kind == "max":
        bound.inside = [first if bound.inclusive else shift(first, -1)]
        bound.outside = [shift(first, 1) if bound.inclusive else first]
    elif bound.kind == "min":
        bound.inside = [first if bound.inclusive else shift(first, 1)]
        bound.outside = [shift(first, -1) if bound.inclusive else first]
    elif bound.kind in ("expiry", "exact"):
        bound.inside = [shift(first, -1) if bound.kind == "expiry" else first]
        bound.outside = [shift(first, 1 if bound.kind == "expiry" else -1)]
    else:
        bound.inside, bound.outside = ["once"], ["twice"]


def _subject(before: str) -> str:
    """The noun phrase the limit applies to: the last content words before it ('Exports are' -> 'Exports')."""
    found = words(before)
    while found and found[-1].lower() in AUXILIARY:
        found.pop()
    phrase: list[str] = []
    for word in reversed(found):
        if word.lower() in STOPWORDS or len(phrase) == 3:
            break
        phrase.insert(0, word)
    if not phrase and found and found[-1].lower() in {"they", "he", "she", "it", "i", "we"}:
        return found[-1]
    while len(phrase) > 1 and phrase[0].isupper():
        phrase.pop(0)  # 'JPEG PNG files' -> 'files': list items, not the subject
    return " ".join(phrase)


def _consequence(after: str) -> str:
    text = re.split(r"[,;]|\band\b(?=\s+(?:a|an|the|must|can|will)\b)", after, maxsplit=1)[0].strip()
    text = re.sub(r"^(?:(?:must|should|will|shall|can|are|is|be|get|gets)\s+)+", "", text, flags=re.I)
    return text.strip().lower() if len(words(text)) <= 12 else ""


def word_form_range(kind: str, match: re.Match[str]) -> bool:
    """True for 'above 100 or below 0', a range named by its outside."""
    return kind == "range" and match.group(0).lower().startswith(
        ("above", "over", "more than", "greater than")
    )


def find_bounds(sentence: str) -> list[Bound]:
    """Every limit stated in one sentence, first match per stretch of text."""
    found: list[Bound] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(sentence):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            taken.append(match.span())
            found.append(_bound(kind, match, sentence))
    return [bound for bound in found if bound.values]


def _bound(kind: str, match: re.Match[str], sentence: str) -> Bound:
    groups = match.groups()
    before, after = sentence[: match.start()], sentence[match.end() :]
    if kind == "range":
        values, unit = [groups[0], groups[2]], groups[3] or groups[1] or ""
    elif kind in ("expiry",):
        values, unit = [groups[0]], groups[1] or ""
    elif kind == "exact":
        values, unit, before = [groups[0]], f"{groups[1]}s", before + " " + groups[2]
    elif kind == "once":
        values, unit = ["1"], f"per {groups[0]}"
    else:
        values, unit = [groups[1]], groups[2] or ""
    values = [str(WORD_NUMBERS.get(v.lower(), v)) for v in values if v]
    word = groups[0].lower() if kind in ("max", "min") else ""
    bound = Bound(
        kind=kind,
        subject="" if kind == "once" else _subject(before),
        unit=unit,
        values=[v for v in values if _number(v.replace(":", ".")) is not None],
        inclusive=word in INCLUSIVE or word.startswith(("cannot", "must not", "may not", "can not")),
        consequence=_consequence(after) if kind in ("max", "min") or word_form_range(kind, match) else "",
        span=match.group(0),
        sentence=sentence,
        comparison=word,
    )
    if bound.values:
        _samples(bound)
    if word_form_range(kind, match):
        bound.inside, bound.outside = bound.outside, bound.inside  # 'above 100 or below 0' names the outside
    return bound


def is_duration(bound: Bound) -> bool:
    return bool(DURATION.match(bound.unit.split(" ")[0])) if bound.unit else False


def typical(bound: Bound) -> str:
    """A value well inside a range: its midpoint ('0 to 100' -> '50', '8:00 to 18:00' -> '13:00')."""
    low, high = sorted(bound.values[:2], key=lambda v: _number(v.replace(":", ".")) or 0.0)
    if ":" in low:
        minutes = [int(h) * 60 + int(m) for h, m in (v.split(":") for v in (low, high))]
        middle = sum(minutes) // 2
        return f"{middle // 60}:{middle % 60:02d}"
    middle = ((_number(low) or 0.0) + (_number(high) or 0.0)) / 2
    return format_number(round(middle) if middle > 2 else middle, grouped="," in low + high)


def range_phrase(bound: Bound, value: str) -> str:
    """How a value stands in for the range in a sentence: '12 hours', 'at 13:00', 'of 50'."""
    placeholder = value.startswith("<")
    if is_duration(bound):
        return value if placeholder else with_unit(value, bound.unit)
    if ":" in bound.values[0]:
        return f"at {value}"
    return f"of {value if placeholder else with_unit(value, bound.unit)}"
