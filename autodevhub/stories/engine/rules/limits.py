"""Scenarios at a stated limit: accepted and refused values, an outline over a range, triggered effects."""

from __future__ import annotations

from autodevhub.stories.engine.rules import nlp, verbs
from autodevhub.stories.engine.rules.bounds import Bound, is_duration, shift, with_unit
from autodevhub.stories.engine.rules.writer import Writer
from autodevhub.stories.engine.spec import Examples, Scenario


def _told(writer: Writer, bound: Bound, subject: str) -> str:
    """The rule as the user is told it: the bound's own sentence, or one built from the goal's wording."""
    if bound.sentence:
        return writer.told(bound.sentence)
    who = "I" if subject == "I" else f"the {subject}"
    if bound.kind == "exact":
        return f"I am told that {who} must have {with_unit(bound.values[0], bound.unit)}"
    return f"I am told that {who} must {'have' if bound.counted else 'be'} {bound.span}"


def _state(bound: Bound, subject: str, value: str) -> str:
    """A Given that puts the subject at one value: 'the export has 10,001 rows', 'I am 11 years old'."""
    amount = with_unit(value, bound.unit)
    if bound.kind == "expiry":
        return f"the {subject} was {'sent' if 'invit' in subject else 'issued'} {amount} ago"
    if bound.kind == "once":
        return (
            f"I have already used the {subject}" if value == "twice" else f"I have not used the {subject} yet"
        )
    long = " long" if bound.comparison in ("longer than", "shorter than") else ""
    if subject == "I":
        return f"I already have {amount}" if bound.counted else f"I am {amount}{long}"
    if bound.counted or bound.kind == "exact":
        return f"the {subject} has {amount}"
    return f"the {subject} is {amount}{long}"


def _range(writer: Writer, bound: Bound, subject: str) -> Scenario:
    """A Scenario Outline over both ends of a range and the values just outside it."""
    label = "time" if is_duration(bound) else subject if subject and subject != "I" else "value"
    placeholder = f"<{label}>"
    if bound.span in writer.a.goal:
        when, given = f"I {writer.goal_with(bound=bound, text=placeholder)}", writer.given()
    else:
        when, given = writer.action(), f"the {label} is {placeholder}"
    ok, bad = ("refused", "accepted") if bound.rejects else ("accepted", "refused")
    rows = [[with_unit(v, bound.unit), ok] for v in bound.inside]
    rows += [[with_unit(v, bound.unit), bad] for v in bound.outside]
    name = f"{label} {' '.join(bound.span.split())}: accepted and refused values"
    pairs = (("Given", given), ("When", when), ("Then", f"the {label} is <result>"))
    return writer.scenario(name, "negative", *pairs, examples=Examples([label, "result"], rows))


def _effects(writer: Writer, bound: Bound, subject: str, when: str) -> list[Scenario]:
    """'Transfers above 10000 EUR require a second confirmation': the effect on one side, not on the other."""
    effect = bound.consequence
    if effect.split(" ")[0] not in ("is", "are", "must", "can"):
        effect = verbs.third_person(effect)
    found = []
    for value, text in ((bound.inside[0], effect), (bound.outside[0], verbs.negate(effect, False))):
        name = f"{subject} {with_unit(value, bound.unit)} {text}"
        pairs = (("Given", _state(bound, subject, value)), ("When", when), ("Then", f"the {subject} {text}"))
        found.append(writer.scenario(name, "edge", *pairs))
    return found


def bound_scenarios(writer: Writer, bound: Bound) -> list[Scenario]:
    """An accepted and a refused (or triggering and not triggering) example at the limit."""
    subject = "I" if writer.is_me(bound.subject) else nlp.noun(bound.subject) or writer.obj
    if bound.kind == "range":
        return [_range(writer, bound, subject)]
    when = f"I use the {subject}" if bound.kind == "expiry" else writer.action()
    if bound.kind == "once":
        when = f"{writer.action()} again"
    if bound.special:
        return _effects(writer, bound, subject, when)
    ok, bad = (bound.outside[0], bound.inside[0]) if bound.rejects else (bound.inside[0], bound.outside[0])
    if subject == "I" and bound.counted and bound.kind == "max":
        ok, bad = shift(ok, -1), ok  # 'at most one appointment': having one already, the next is refused
    own = subject != "I" and bool(
        bound.kind == "expiry" or writer.a.result or writer.a.system or subject == writer.obj
    )
    accepted = f"the {subject} is accepted" if own else writer.outcome()
    refusal = f"the {subject} is {'rejected as expired' if bound.kind == 'expiry' else 'refused'}"
    good, bad_state = _state(bound, subject, ok), _state(bound, subject, bad)
    return [
        writer.scenario(f"Accepted when {good}", "edge", ("Given", good), ("When", when), ("Then", accepted)),
        writer.scenario(
            f"Refused when {bad_state}",
            "negative",
            ("Given", bad_state),
            ("When", when),
            ("Then", refusal if own else writer.outcome(True)),
            ("Then", _told(writer, bound, subject)),
        ),
    ]
