"""Small, deterministic English helpers for the rule engine and similarity: no models, no downloads."""

from __future__ import annotations

import re


def wordset(text: str) -> frozenset[str]:
    """A set of words written as one string."""
    return frozenset(text.split())


def phrases(text: str) -> frozenset[str]:
    """A set of phrases written as one '|'-separated string."""
    return frozenset(text.split("|"))


STOPWORDS = wordset(
    """a an the and or but if then else when while of to in on at by for with from into onto as is are was
    were be been being am do does did have has had having i me my we our you your he she it its they them
    their this that these those there here so such than too very can could should would may might must will
    shall not no nor only own same just also about above after again against all any both each few more most
    other some up down out off over under once further what which who whom whose why how where because until
    per via within without between through during before etc e g i e need needs want wants able"""
)
ROLE_WORDS = wordset(
    """user customer admin administrator manager member visitor guest employee patient student teacher driver
    agent clerk owner subscriber moderator shopper buyer seller editor author reviewer developer operator
    traveller traveler doctor nurse tenant client blogger recruiter candidate approver accountant analyst
    tester maintainer player host organizer organiser attendee passenger courier cashier librarian reader
    writer viewer contributor volunteer parent applicant staff supervisor auditor vendor supplier merchant
    partner investor borrower lender landlord resident citizen"""
)
MASS_NOUNS = wordset(
    """money data information stock feedback software equipment access traffic time content music advice
    evidence luggage baggage mail news progress research work inventory storage cash credit insurance"""
)
SYSTEM_WORDS = frozenset({"system", "app", "application", "service", "platform", "server", "website", "site"})
IRREGULAR_PARTICIPLES = {
    "send": "sent", "pay": "paid", "set": "set", "reset": "reset", "write": "written", "get": "got",
    "make": "made", "find": "found", "buy": "bought", "choose": "chosen", "give": "given", "hide": "hidden",
    "show": "shown", "take": "taken", "see": "seen", "sell": "sold", "build": "built", "run": "run",
    "put": "put", "read": "read", "leave": "left", "hold": "held", "keep": "kept", "lock": "locked",
    "upload": "uploaded", "begin": "begun", "forget": "forgotten", "rebuild": "rebuilt", "split": "split",
    "shut": "shut", "cut": "cut", "win": "won", "bring": "brought", "lose": "lost", "mean": "meant",
}  # fmt: skip
REGULAR_E_VERBS = wordset(
    """archive schedule invite create update delete remove save share place store close configure approve
    import use manage rate receive restore subscribe free enable disable change move issue type state
    validate generate compare purchase release merge continue complete describe retrieve organize organise
    queue upgrade raise reserve provide exclude include require refuse grade note score price size rename
    execute trade file name date file sample exchange charge combine decline"""
)
DOUBLED = frozenset({"submit", "commit", "admit", "permit", "refer", "prefer", "occur", "transfer", "omit"})
PRONOUN_SHIFT = {
    "they": "I", "their": "my", "theirs": "mine", "themselves": "myself",
    "he": "I", "she": "I", "his": "my", "her": "my", "himself": "myself", "herself": "myself",
}  # fmt: skip
MAX_SENTENCE = 300
MAX_SENTENCES = 60
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\u2019_+-]*")
ABBREVIATIONS = re.compile(r"\b(e\.g|i\.e|etc|vs|approx|incl|no)\.", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z0-9\"'(])|\n+")
BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


def sentences(text: str) -> list[str]:
    """The text cut into sentences and list items, without bullets or final punctuation. Work stays bounded:
    at most MAX_SENTENCES, each cut at a word boundary to at most MAX_SENTENCE characters."""
    protected = ABBREVIATIONS.sub(lambda m: m.group(0).replace(".", "\0"), text)
    found = []
    for piece in SENTENCE_END.split(protected):
        piece = BULLET.sub("", piece).replace("\0", ".").strip()
        while len(piece) > MAX_SENTENCE:
            cut = piece.rfind(" ", 0, MAX_SENTENCE)
            cut = cut if cut > 0 else MAX_SENTENCE
            found.append(piece[:cut].rstrip(".!?; ").strip())
            piece = piece[cut:].strip()
        piece = piece.rstrip(".!?; ").strip()
        if WORD.search(piece):
            found.append(piece)
    return [piece for piece in found if piece][:MAX_SENTENCES]


def words(text: str) -> list[str]:
    return WORD.findall(text)


def singular(word: str) -> str:
    """A plural noun's singular form, by common English rules."""
    lower = word.lower()
    if len(lower) <= 3 or lower.endswith(("ss", "us", "is", "ics")):
        return word
    if lower.endswith("ies") and len(lower) > 4:
        return word[:-3] + "y"
    if lower.endswith(("ches", "shes", "xes", "sses", "zes")):
        return word[:-2]
    if lower.endswith("s") and not lower.endswith("'s"):
        return word[:-1]
    return word


def is_plural(phrase: str) -> bool:
    last = (words(phrase) or [""])[-1].lower()
    if last in {"people", "data", "children", "criteria"}:
        return True
    return len(last) > 3 and last.endswith("s") and not last.endswith(("ss", "us", "is", "ics"))


def be(phrase: str) -> str:
    """'is' or 'are', agreeing with the phrase."""
    return "are" if is_plural(phrase) else "is"


def lemma(verb: str) -> str:
    """The base form of a third-person verb: 'transfers' -> 'transfer', 'applies' -> 'apply'."""
    lower = verb.lower()
    if lower in {"is", "has", "does", "was"} or len(lower) <= 3 or lower.endswith(("ss", "us", "is")):
        return lower
    if lower.endswith("ies"):
        return lower[:-3] + "y"
    if lower.endswith(("ches", "shes", "xes", "sses", "zes", "oes")):
        return lower[:-2]
    return lower[:-1] if lower.endswith("s") else lower


def participle(verb: str) -> str:
    """The past participle: 'export' -> 'exported', 'apply' -> 'applied', 'send' -> 'sent'."""
    head, _, rest = verb.lower().partition(" ")
    if head in IRREGULAR_PARTICIPLES:
        done = IRREGULAR_PARTICIPLES[head]
    elif head.endswith("e"):
        done = head + "d"
    elif head.endswith("y") and len(head) > 2 and head[-2] not in "aeiou":
        done = head[:-1] + "ied"
    elif re.fullmatch(r"[a-z]*[^aeiou][aeiou][bdgmnprt]", head) and (len(head) <= 4 or head in DOUBLED):
        done = head + head[-1] + "ed"
    else:
        done = head + "ed"
    return f"{done} {rest}".strip()


def base_of_participle(word: str) -> str:
    """The base verb of a regular participle: 'scheduled' -> 'schedule', 'double-booked' -> 'double-book'."""
    lower = word.lower()
    for base, done in IRREGULAR_PARTICIPLES.items():
        if lower == done or lower.endswith("-" + done):
            return lower[: len(lower) - len(done)] + base
    if not lower.endswith("ed"):
        return lower
    stem = lower[:-2]
    last_part = stem.rsplit("-", 1)[-1]
    if last_part + "e" in REGULAR_E_VERBS:
        return stem + "e"
    if stem.endswith("i"):
        return stem[:-1] + "y"
    if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
        return stem[:-1]
    return stem


def shift_to_first_person(text: str) -> str:
    """'cancel their subscription' -> 'cancel my subscription'."""
    return re.sub(
        r"\b(they|their|theirs|themselves|he|she|his|her|himself|herself)\b",
        lambda m: PRONOUN_SHIFT[m.group(0).lower()],
        re.sub(r"\b(his or her|his/her|their own)\b", "my", text, flags=re.IGNORECASE),
        flags=re.IGNORECASE,
    )


def is_role(word: str) -> bool:
    """A word naming a person's role: listed, or shaped like one (…er, …or, …ist, …ant)."""
    lower = singular(word.lower())
    if lower in ROLE_WORDS:
        return True
    return len(lower) > 5 and lower.endswith(("ist", "ant")) and lower not in {"constant", "assistant"}


def article(phrase: str) -> str:
    """'a' or 'an' for the phrase (by its first letter's sound, roughly)."""
    first = phrase.strip().lower()
    return "an" if first[:1] in "aeio" or re.match(r"u[^s]|h(our|onest)|[fhlmnrsx]\b|\d*8", first) else "a"


def head(phrase: str) -> str:
    """The noun phrase before a relative clause or preposition: 'rows with an invalid email' -> 'rows'."""
    return re.split(r"\s+(?=(?:that|which|who|with|without|from|in|of|for|on|at|by)\b)", phrase, maxsplit=1)[
        0
    ]


def with_article(phrase: str) -> str:
    """'barcode' -> 'a barcode'; plurals, mass nouns and phrases with a determiner stay as they are."""
    first = (words(phrase) or [""])[0].lower()
    last = (words(head(phrase)) or [""])[-1].lower()
    if first in {"a", "an", "the", "my", "our", "your", "each", "every", "some", "any"} or last in MASS_NOUNS:
        return phrase
    if is_plural(head(phrase)):
        return phrase
    return f"{article(phrase)} {phrase}"


def bare(phrase: str) -> str:
    """The phrase without a leading determiner or possessive."""
    return re.sub(
        r"^(?:a|an|the|my|our|your|their|his|her|its|each|every|some|any)\s+", "", phrase, flags=re.IGNORECASE
    )


def lower_first(text: str) -> str:
    """'The choice' -> 'the choice'; 'I can', 'CSV files' and 'JPEG' keep their case."""
    first = text.split(" ", 1)[0]
    return text if first == "I" or (len(first) > 1 and first[:2].isupper()) else text[:1].lower() + text[1:]


def noun(phrase: str) -> str:
    """A subject as a singular noun phrase: 'Exports' -> 'export'; acronyms keep their case."""
    found = words(bare(phrase))
    if not found:
        return ""
    found[-1] = singular(found[-1])
    return " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in found)


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def content_tokens(text: str) -> list[str]:
    """Lower-case word stems without stopwords: the unit of similarity between descriptions."""
    tokens = []
    for word in WORD.findall(text.lower()):
        if word in STOPWORDS or len(word) < 2:
            continue
        tokens.append(stem(word))
    return tokens


def stem(word: str) -> str:
    """A light suffix stripper: enough to match 'exports', 'exported' and 'exporting'."""
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ied", "ers", "er", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
    return word


def number_value(text: str) -> float | None:
    """'10,000' -> 10000.0; '0.5' -> 0.5; anything else -> None."""
    cleaned = text.replace(",", "").replace("_", "")
    try:
        return float(cleaned)
    except ValueError:
        return None


def format_number(value: float, grouped: bool = False) -> str:
    """10001.0 -> '10001' (or '10,001' when grouped); 0.51 -> '0.51'."""
    if value == int(value):
        return f"{int(value):,}" if grouped else str(int(value))
    return f"{value:g}"
