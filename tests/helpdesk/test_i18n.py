"""Catalogs: complete, compiled, and Polish plural forms right."""

from __future__ import annotations

import pytest
from flask_babel import force_locale, ngettext

from helpdesk.i18n_check import catalog_problems


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "1 artykuł"),
        (2, "2 artykuły"),
        (5, "5 artykułów"),
        (12, "12 artykułów"),
        (22, "22 artykuły"),
        (25, "25 artykułów"),
    ],
)
def test_polish_plurals_follow_the_three_forms(app, count, expected):
    with app.test_request_context("/pl/"), force_locale("pl"):
        assert (
            ngettext("%(total)s article", "%(total)s articles", count, total=count)
            == expected
        )


@pytest.mark.parametrize(
    ("count", "expected"), [(1, "1 artikel"), (2, "2 artikelen"), (12, "12 artikelen")]
)
def test_dutch_plurals(app, count, expected):
    with app.test_request_context("/nl/"), force_locale("nl"):
        assert (
            ngettext("%(total)s article", "%(total)s articles", count, total=count)
            == expected
        )


def test_no_catalog_message_is_untranslated_fuzzy_or_stale():
    assert catalog_problems() == []


def test_catalog_check_reports_untranslated_and_fuzzy_messages(tmp_path):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    from helpdesk.i18n_check import TRANSLATIONS

    (tmp_path / "messages.pot").write_bytes(
        (TRANSLATIONS / "messages.pot").read_bytes()
    )
    for lang in ("nl", "pl"):
        folder = tmp_path / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        catalog = Catalog(locale=lang)
        catalog.add("Articles", "Artikelen", flags=("fuzzy",))
        with open(folder / "messages.po", "wb") as fh:
            write_po(fh, catalog)
    problems = catalog_problems(tmp_path)
    assert any(p.startswith("nl: fuzzy 'Articles'") for p in problems)
    assert any(p.startswith("pl: untranslated 'Search'") for p in problems)
