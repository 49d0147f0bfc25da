"""Sentence-level patterns: conditions ('if ..., ...'), rules ('cannot', 'must be rejected'), value lists."""

from __future__ import annotations

import re
from dataclasses import dataclass

from autodevhub.stories.engine.rules import nlp, verbs

LEAD = re.compile(
    r"^(?:and |but |also )?(?P<keyword>when|whenever|if|unless|after|once|as soon as)\s+(?P<clause>[^,]+?)"
    r"(?:,\s*(?:then\s+)?|\s+then\s+)(?P<outcome>.+)$",
    re.IGNORECASE,
)
LEAD_NO_COMMA = re.compile(
    r"^(?P<keyword>after|when|if|once)\s+(?P<clause>\S+(?:\s+\S+)+?)\s+"
    r"(?P<outcome>(?:the|a|an|they|it|he|she|we|I|you|users?|their|its)\b.+)$",
    re.IGNORECASE,
)
TRAIL = re.compile(
    r"^(?P<outcome>.+?),?\s+(?P<keyword>when|whenever|if|unless|as soon as)\s+(?P<clause>.+)$", re.I
)
STATE = re.compile(
    r"\b(?:not|no|never|already|isn't|aren't|doesn't|don't|hasn't|haven't)\b|\b(?:is|are|has|have|was|were)\s+"
    r"(?!\w+ed\b)",
    re.IGNORECASE,
)
MODALS = r"(?:must|cannot|can not|can't|can|should|may|will|shall|is|are|need|needs)"
CLAUSE_SPLIT = re.compile(rf",\s*(?:and\s+)?(?={MODALS}\b)|,?\s+and\s+(?={MODALS}\b)|,\s+and\s+|;\s*", re.I)
FORBID = re.compile(
    r"^(?P<subject>.+?)\s+(?:cannot|can not|can't|must not|may not|should not|shall not|must never|"
    r"(?:is|are) not allowed to|never)\s+(?P<predicate>.+)$",
    re.IGNORECASE,
)
REJECT = re.compile(
    r"^(?P<subject>.+?)\s+(?:must|should|will|shall|are|is|get|gets)\s+(?:be\s+|always\s+be\s+)?"
    r"(?P<predicate>(?:rejected|refused|blocked|denied|flagged|skipped|ignored|hidden|discarded|declined)\b.*)$",
    re.IGNORECASE,
)
REQUIRED = re.compile(r"^(?P<subject>.+?)\s+(?:is|are)\s+(?:required|mandatory)\b", re.IGNORECASE)
MUST = re.compile(
    r"^(?P<subject>.+?)\s+(?:must|has to|have to|is required to|are required to)\s+(?!be\b|not\b|never\b)"
    r"(?P<predicate>.+)$",
    re.IGNORECASE,
)
SERIES = re.compile(r"((?:[^,;()]+,\s+)+[^,;()]+?,?\s+(?:and|or)\s+[^,;().]+)")
PAIR = re.compile(r"(?<=\s)([A-Z][\w+#]*)\s+(and|or)\s+([A-Z][\w+#]*)\b")
PARENS = re.compile(r"(?P<label>[\w-]+)\s+\((?P<items>[^()]+,[^()]+)\)")
RESTRICTIVE = re.compile(
    r"\b(only|supported|allowed|accepted|one of|can be|must be|either|permitted|valid)\b", re.I
)
CLASSES = {
    "format": "csv pdf xlsx xls json xml html txt docx doc png jpeg jpg gif svg mp4 mp3 zip md yaml ics webp",
    "language": "english french german spanish italian portuguese dutch japanese chinese korean polish",
    "currency": "usd eur gbp jpy chf cad aud inr",
    "day": "monday tuesday wednesday thursday friday saturday sunday",
    "status": "open pending resolved closed draft approved done active inactive archived cancelled failed",
}
OUTSIDE_VALUES = {
    "format": "EXE",
    "language": "Klingon",
    "currency": "XYZ",
    "role": "superuser",
    "status": "unknown",
}
CONNECTORS = {"by": "criterion", "as": "option", "in": "option", "to": "option", "with": "option"}


@dataclass
class Condition:
    keyword: str
    clause: str
    outcome: str
    state: bool


@dataclass
class Rule:
    kind: str  # forbid, reject, required, must
    subject: str
    predicate: str
    sentence: str


@dataclass
class ValueList:
    label: str
    items: list[str]
    span: str
    restrictive: bool
    in_goal: bool
    actions: bool = False

    @property
    def outside(self) -> str:
        return OUTSIDE_VALUES.get(self.label, "something else")


def find_condition(sentence: str) -> Condition | None:
    """'If the email is not registered, show a generic message' -> clause and outcome."""
    for pattern in (LEAD, LEAD_NO_COMMA, TRAIL):
        match = pattern.match(sentence)
        if (
            match
            and len(nlp.words(match.group("outcome"))) >= 2
            and len(nlp.words(match.group("clause"))) >= 2
        ):
            clause = match.group("clause").strip()
            return Condition(
                match.group("keyword").lower(),
                clause,
                match.group("outcome").strip(),
                bool(STATE.search(clause)),
            )
    return None


def clauses(sentence: str) -> list[tuple[str, str]]:
    """The sentence's clauses with their subject: 'The amount must be > 0 and must not exceed X' -> two."""
    pieces = [p.strip() for p in CLAUSE_SPLIT.split(sentence) if p and p.strip()]
    first = re.match(rf"^(.+?)\s+{MODALS}\b", pieces[0], re.I) if pieces else None
    subject = first.group(1) if first else ""
    found = []
    for piece in pieces:
        if re.match(rf"^{MODALS}\b", piece, re.I) and subject:
            piece = f"{subject} {piece}"
        found.append((subject, piece))
    return found


def _subject(text: str) -> str:
    text = re.sub(r"^(?:and|but|also|so|then)\s+", "", text.strip(), flags=re.I)
    return " ".join(nlp.words(text)[-8:]) if len(nlp.words(text)) > 8 else text


def find_rule(clause: str, subject: str = "") -> Rule | None:
    """A prohibition, a rejection, a required field or an obligation stated in one clause."""
    for kind, pattern in (("forbid", FORBID), ("reject", REJECT), ("required", REQUIRED), ("must", MUST)):
        match = pattern.match(clause)
        if match:
            predicate = match.groupdict().get("predicate") or ""
            return Rule(kind, _subject(match.group("subject") or subject), predicate.strip(), clause)
    return None


def _label(before: str, items: list[str], after: str) -> str:
    lowered = {item.lower() for item in items}
    for label, members in CLASSES.items():
        if lowered <= set(members.split()):
            return label
    if all(
        nlp.is_role(item) or item.lower() in {"admin", "viewer", "member", "maintainer"} for item in items
    ):
        return "role"
    words = nlp.words(before)
    while words and words[-1].lower() in {"be", "can", "are", "is", "must", "the", "of", "between"}:
        words.pop()
    if words and words[-1].lower() in CONNECTORS:
        return CONNECTORS[words[-1].lower()]
    if words and words[-1].lower() not in nlp.STOPWORDS:
        return nlp.singular(words[-1].lower())
    following = nlp.words(after)[:1]
    return (
        nlp.singular(following[0].lower())
        if following and following[0].lower() not in nlp.STOPWORDS
        else "option"
    )


def _trim_first(chunk: str, size: int) -> str:
    taken: list[str] = []
    for word in reversed(nlp.words(chunk)):
        if word.lower() in nlp.STOPWORDS or len(taken) >= size or (verbs.first_verb(word) and taken):
            break
        taken.insert(0, word)
    return " ".join(taken)


def _trim_last(chunk: str, size: int, at_stopword: bool = True) -> str:
    taken: list[str] = []
    for word in nlp.words(chunk):
        if (at_stopword and word.lower() in nlp.STOPWORDS and taken) or len(taken) >= size:
            break
        taken.append(word)
    return " ".join(taken)


def find_lists(sentence: str, in_goal: bool = False) -> list[ValueList]:
    """Lists of values ('as CSV, PDF or XLSX', 'status (open, closed)', 'JPEG and PNG') in a sentence."""
    found: list[ValueList] = []
    for match in PARENS.finditer(sentence):
        items = [i.strip() for i in re.split(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", match.group("items"))]
        label, span = nlp.singular(match.group("label").lower()), f"({match.group('items')})"
        restrictive = bool(RESTRICTIVE.search(sentence))
        found.append(ValueList(label, [i for i in items if i], span, restrictive, in_goal))
    if found:
        return found
    series = SERIES.search(sentence) or PAIR.search(sentence)
    if not series:
        return found
    chunks = re.split(r",\s+(?:and\s+|or\s+)?|,?\s+(?:and|or)\s+", series.group(0))
    middle = chunks[1:-1]
    if any(len(nlp.words(chunk)) > 4 for chunk in middle) or len(chunks) < 2:
        return found
    size = max((len(nlp.words(chunk)) for chunk in middle), default=1)
    actions = verbs.first_verb(chunks[1]) is not None and verbs.first_verb(chunks[0].split()[-1]) is not None
    first = _trim_first(chunks[0], size)
    last = _trim_last(chunks[-1], 6, at_stopword=False) if actions else _trim_last(chunks[-1], size)
    items = [first, *middle, last]
    if not all(items) or any(item.split()[0].lower() in {"a", "an", "the", "my"} for item in items):
        return found
    start = sentence.find(first, series.start())
    end = sentence.find(last, start) + len(last)
    label = "action" if actions else _label(sentence[:start], items, sentence[end:])
    found.append(
        ValueList(label, items, sentence[start:end], bool(RESTRICTIVE.search(sentence)), in_goal, actions)
    )
    return found
