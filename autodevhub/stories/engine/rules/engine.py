"""The offline story engine: a Gherkin StorySpec from what `analysis` reads in the description."""

from __future__ import annotations

from autodevhub.stories.engine.rules import nlp
from autodevhub.stories.engine.rules.analysis import analyse
from autodevhub.stories.engine.rules.limits import bound_scenarios
from autodevhub.stories.engine.rules.scenarios import condition_scenario, fallbacks, rule_scenario
from autodevhub.stories.engine.rules.writer import Writer
from autodevhub.stories.engine.spec import StorySpec

VERSION = 1
MAX_SCENARIOS = 10


def generate(text: str) -> StorySpec:
    """A complete story for a normalized description: narrative, background, happy path, rules, edges."""
    analysis = analyse(text)
    writer = Writer(analysis)
    scenarios = [writer.happy()]
    for values in analysis.lists[:2]:
        scenarios += writer.value_list(values)
    for bound in analysis.bounds[:3]:
        scenarios += bound_scenarios(writer, bound)
    scenarios += [condition_scenario(writer, c) for c in analysis.conditions[:3]]
    scenarios += [s for s in (rule_scenario(writer, r) for r in analysis.rules[:3]) if s]
    scenarios += fallbacks(writer, scenarios)
    feature = analysis.title or nlp.capitalize(" ".join(nlp.words(writer.name_phrase())))
    return StorySpec(
        feature=feature,
        as_a=analysis.actor,
        i_want=f"the {analysis.system} to {analysis.goal}" if analysis.system else f"to {analysis.goal}",
        so_that=analysis.benefit,
        background=writer.background(),
        scenarios=scenarios[:MAX_SCENARIOS],
    )
