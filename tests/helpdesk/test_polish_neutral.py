"""Polish addresses the reader without a grammatical gender.

Second-person past and conditional forms (``Zaakceptowałeś``, ``dołączyłaś``,
``mógłbyś``) and slash or bracket endings (``zalogował(a)``, ``gotowy/a``) say
the reader is a man (or make a woman an afterthought). The catalog and the
articles use impersonal or passive forms instead: "Zaproszenie zostało przyjęte",
"Użytkownik %(email)s zalogował się".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from helpdesk.i18n_check import TRANSLATIONS

ROOT = TRANSLATIONS.parent
PL_CATALOG = TRANSLATIONS / "pl" / "LC_MESSAGES" / "messages.po"

GENDERED = re.compile(
    r"""
    \w{2,}(?:łeś|łaś|łbyś|łabyś|łyście|łybyście|libyście)\b  # 2nd person past
    | \w[lł]iście\b                                       # zrobiliście, byliście
    | \w\((?:a|y|i|na|ła|o)\)                              # zalogował(a), gotowy(a)
    | \w/(?:a|na|ła|y)\b                                   # zalogował/a
    | \b(?:jesteś|jesteście|byłeś|byłaś)\s+(?:pewien|pewna|pewny|pewni|gotów|gotowy
        |gotowa|gotowi|zalogowany|zalogowana|zalogowani|sam|sama|sami)\b
    """,
    re.VERBOSE | re.IGNORECASE,
)


def gendered(text: str) -> list[str]:
    """Return the gendered second-person forms in ``text``."""
    return [m.group(0) for m in GENDERED.finditer(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Zaakceptowałeś zaproszenie.",
        "Dołączyłeś do konta.",
        "Dołączyłaś do konta.",
        "Użytkownik zalogował(a) się.",
        "Jeśli usunąłeś użytkownika",
        "Mógłbyś to zrobić",
        "Czy jesteś pewien?",
        "zalogował/a się",
        "Zrobiliście to",
    ],
)
def test_the_check_finds_gendered_forms(text: str) -> None:
    assert gendered(text)


@pytest.mark.parametrize(
    "text",
    [
        "Zaproszenie zostało przyjęte: dołączono do drugiego konta.",
        "Użytkownik %(email)s zalogował się.",
        "Przenieś dane na właściciela konta, a następnie usuń.",
        "Na koncie jesteś jego jedynym użytkownikiem.",
        "Liście spadają; właśnie wylogowano.",
    ],
)
def test_the_check_lets_neutral_forms_through(text: str) -> None:
    assert gendered(text) == []


def test_the_polish_catalog_is_gender_neutral() -> None:
    with PL_CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    found = {}
    for message in catalog:
        strings = (
            message.string if isinstance(message.string, tuple) else (message.string,)
        )
        forms = [form for s in strings if s for form in gendered(s)]
        if forms:
            found[str(message.id)] = forms
    assert found == {}


@pytest.mark.parametrize(
    "article", sorted(ROOT.glob("articles/*/pl*")), ids=lambda p: p.parent.name
)
def test_the_polish_articles_are_gender_neutral(article: Path) -> None:
    lines = {
        number: gendered(line)
        for number, line in enumerate(article.read_text("utf-8").splitlines(), 1)
    }
    assert {number: forms for number, forms in lines.items() if forms} == {}
