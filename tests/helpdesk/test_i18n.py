"""Catalogs: complete, compiled, and Polish plural forms right."""

from __future__ import annotations

import pytest
from flask import render_template_string
from flask_babel import force_locale, format_number, gettext, ngettext
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import DictLoader
from markupsafe import escape

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


# --- templates: translations looked up once per rendering -------------------------

TEMPLATE = (
    "{{ _('Yes') }}|"
    "{{ ngettext('%(total)s article', '%(total)s articles', n, total=n) }}"
    "|{% trans count=n, total=n %}{{ total }} result{% pluralize %}{{ total }} results"
    "{% endtrans %}|{{ n|numberformat }}|{{ x|numberformat }}"
)


def _by_flask_babel(n: int, x: float) -> str:
    return "|".join(
        [
            gettext("Yes"),
            ngettext("%(total)s article", "%(total)s articles", n, total=n),
            ngettext("%(total)s result", "%(total)s results", n, total=n),
            format_number(n),
            format_number(x),
        ]
    )


@pytest.fixture(scope="module")
def i18n_app(tmp_path_factory):
    from helpdesk import create_app

    instance = tmp_path_factory.mktemp("i18n-instance")
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "INSTANCE_PATH": str(instance),
            "SEARCH_AUTO_BUILD": False,
        }
    )


@settings(max_examples=60, deadline=None)
@given(
    lang=st.sampled_from(["en", "nl", "pl"]),
    n=st.integers(-(10**9), 10**9),
    x=st.floats(-1e9, 1e9, allow_nan=False),
)
def test_templates_translate_and_format_as_flask_babel_does(i18n_app, lang, n, x):
    with i18n_app.test_request_context(f"/{lang}/"):
        rendered = render_template_string(TEMPLATE, n=n, x=x)
        assert rendered == str(escape(_by_flask_babel(n, x)))


@pytest.mark.parametrize("lang", ["nl", "pl"])
def test_a_forced_locale_reaches_the_templates_rendered_under_it(i18n_app, lang):
    with i18n_app.test_request_context("/en/"):
        english = render_template_string(TEMPLATE, n=1000, x=1.5)
        with force_locale(lang):
            forced = render_template_string(TEMPLATE, n=1000, x=1.5)
            assert forced == str(escape(_by_flask_babel(1000, 1.5)))
        assert forced != english
        assert render_template_string(TEMPLATE, n=1000, x=1.5) == english


def test_a_rendering_without_the_context_processors_still_translates(i18n_app):
    # As a macro imported without context renders: the callables ask Flask-Babel.
    with i18n_app.test_request_context("/pl/"):
        macro = "{% macro yes(n) %}{{ _('Yes') }} {{ n|numberformat }}{% endmacro %}"
        env = i18n_app.jinja_env.overlay(loader=DictLoader({"m.html": macro}))
        page = env.from_string("{% import 'm.html' as m %}{{ m.yes(1000) }}")
        assert page.render() == f"{gettext('Yes')} {format_number(1000)}"


def test_numbers_format_outside_the_app_as_flask_babel_formats_them(i18n_app):
    # No locale at all (no app context): Babel's default, as Flask-Babel does.
    page = i18n_app.jinja_env.from_string("{{ n|numberformat }} {{ x|numberformat }}")
    assert page.render(n=1000, x=1.5) == f"{format_number(1000)} {format_number(1.5)}"
