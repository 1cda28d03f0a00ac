"""The simulator's one fix table points at sections every translation has."""

from __future__ import annotations

import pytest

from helpdesk.content.library import ContentLibrary
from helpdesk.settings import LANGUAGES
from simulator import FIXES, RULES, SectionRef
from simulator.diagnosis import PLAN_ACTIONS
from tests.conftest import ARTICLES

LIBRARY = ContentLibrary.load(ARTICLES)


def _exists_everywhere(ref: SectionRef) -> bool:
    for lang in LANGUAGES:
        article = LIBRARY.get(ref.article, lang)
        if article is None or article.section(ref.section) is None:
            return False
    return True


def _fix_refs() -> list[tuple[str, SectionRef]]:
    refs = []
    for action in PLAN_ACTIONS:
        fix = FIXES[action]
        for count in (1, 2):
            refs.append((f"{action} x{count}", fix.section(count)))
            procedure = fix.procedure(count)
            if procedure is not None:
                refs.append((f"{action} x{count} procedure", procedure))
        refs.append((f"{action} why", fix.why))
    return refs


def _rule_refs() -> list[tuple[str, SectionRef]]:
    refs = []
    for rule in RULES.values():
        refs.append((rule.id, SectionRef(rule.article, rule.section)))
        for also in rule.also:
            article, _, section = also.partition("#")
            refs.append((f"{rule.id} also", SectionRef(article, section)))
    return refs


@pytest.mark.parametrize(("what", "ref"), _fix_refs() + _rule_refs())
def test_every_plan_action_and_rule_resolves_to_a_section_in_every_language(
    what: str, ref: SectionRef
) -> None:
    assert _exists_everywhere(ref), f"{what}: {ref} is missing in some language"


def test_a_procedure_section_is_a_procedure_in_the_articles() -> None:
    for fix in FIXES.values():
        for ref in (fix.one, fix.several):
            if ref is not None:
                section = LIBRARY.get(ref.article, "en").section(ref.section)
                assert section is not None and section.procedure, ref
