"""Plans, fix sections and answered pages kept by the error-code cache.

What is kept must equal what is worked out afresh, in every language and for any
answers, and no caller may change a kept value.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpdesk import create_app
from helpdesk.content import get_library
from helpdesk.errorcodes import memo, plan, questionnaire, service
from helpdesk.errorcodes.questionnaire import Answers, Parsed
from helpdesk.settings import LANGUAGES
from simulator import diagnose, load_account, load_scenario

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
ANSWERED = "/{lang}/errors/1009?users=4&admins=1&managed=2&deactivated=1&diagnose=1"


@st.composite
def answers(draw: st.DrawFn) -> Answers:
    """Answers the questionnaire accepts (admins and deactivated fit the users)."""
    users = draw(st.integers(0, 12))
    admins = draw(st.integers(0, users))
    return Answers(
        users=users,
        admins=admins,
        managed=draw(st.integers(0, users)),
        deactivated=draw(st.integers(0, users - admins)),
        rooms=draw(st.integers(0, 3)),
        addons=draw(st.booleans()),
    )


@contextmanager
def uncached(app: Flask) -> Iterator[None]:
    """Work everything out afresh inside: no error-code cache, no kept diagnosis."""
    kept = app.extensions.pop(memo._EXTENSION_KEY)
    plan._diagnosis.cache_clear()
    try:
        yield
    finally:
        app.extensions[memo._EXTENSION_KEY] = kept


def assert_deeply_frozen(value: Any) -> None:
    """Fail unless ``value`` is made only of frozen dataclasses, tuples and scalars."""
    if value is None or isinstance(value, str | int | float | bool):
        return
    if isinstance(value, tuple):
        for item in value:
            assert_deeply_frozen(item)
        return
    assert dataclasses.is_dataclass(value), f"{type(value).__name__} can be changed"
    assert type(value).__dataclass_params__.frozen, type(value).__name__  # type: ignore[attr-defined]
    for item in dataclasses.fields(value):
        assert_deeply_frozen(getattr(value, item.name))


@pytest.mark.parametrize("lang", LANGUAGES)
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(given_answers=st.one_of(st.none(), answers()))
def test_a_kept_plan_equals_one_worked_out_afresh(
    app: Flask, lang: str, given_answers: Answers | None
) -> None:
    parsed = (
        Parsed(submitted=False)
        if given_answers is None
        else Parsed(submitted=True, answers=given_answers)
    )
    with app.test_request_context(f"/{lang}/errors/1009"):
        app.preprocess_request()
        kept = plan.build_plan(1009, parsed, lang)
        assert plan.build_plan(1009, parsed, lang) is kept  # from the cache
        with uncached(app):
            fresh = plan.build_plan(1009, parsed, lang)
    assert kept is not None and kept == fresh
    assert kept is not fresh


@settings(max_examples=30, deadline=None)
@given(given_answers=st.one_of(st.none(), answers()))
def test_a_kept_diagnosis_equals_the_simulators_own(
    given_answers: Answers | None,
) -> None:
    if given_answers is None:
        account = load_scenario("error-1009")
    else:
        account = load_account(questionnaire.build_account(given_answers))
    assert plan._diagnosis(1009, given_answers) is plan._diagnosis(1009, given_answers)
    kept = plan._diagnosis(1009, given_answers)
    assert kept is not None
    assert kept.to_dict() == diagnose(account, 1009).to_dict()


def test_the_diagnosis_cache_is_bounded() -> None:
    plan._diagnosis.cache_clear()
    for users in range(plan.DIAGNOSES + 10):
        plan._diagnosis(1009, Answers(users=users % 201, rooms=users // 201))
    assert plan._diagnosis.cache_info().currsize == plan.DIAGNOSES


@pytest.mark.parametrize("lang", LANGUAGES)
def test_kept_fix_sections_equal_those_worked_out_afresh(app: Flask, lang: str) -> None:
    with app.test_request_context(f"/{lang}/errors/1009"):
        app.preprocess_request()
        library = get_library()
        kept = service.fix_sections(library, 1009, lang)
        again = service.fix_sections(library, 1009, lang)
        with uncached(app):
            fresh = service.fix_sections(library, 1009, lang)
    assert kept == again == fresh
    assert [link.lang for link in kept] == [lang] * len(kept)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_what_a_code_page_is_given_cannot_be_changed(app: Flask, lang: str) -> None:
    with app.test_request_context(f"/{lang}/errors/1009"):
        app.preprocess_request()
        for args in (
            {},
            {"users": "3", "admins": "1", "managed": "1", "diagnose": "1"},
        ):
            page = service.code_page("1009", args, lang)
            assert isinstance(page, service.CodePage)
            assert_deeply_frozen(page.plan)
            assert_deeply_frozen(page.fixes)
            assert page.plan is not None
            with pytest.raises(dataclasses.FrozenInstanceError):
                page.plan.groups[0].targets = ()  # type: ignore[misc]


def test_changing_the_fix_sections_list_leaves_the_kept_ones_alone(
    app: Flask,
) -> None:
    with app.test_request_context("/en/errors/1009"):
        app.preprocess_request()
        library = get_library()
        first = service.fix_sections(library, 1009, "en")
        expected = list(first)
        first.clear()
        first.append(expected[-1])
        assert service.fix_sections(library, 1009, "en") == expected
        assert service.api_error_code("1009", "en")["articles"] == [
            link.to_dict() for link in expected
        ]


def test_nothing_is_kept_outside_a_request(app: Flask) -> None:
    calls: list[int] = []

    def work() -> int:
        calls.append(1)
        return len(calls)

    with app.app_context():
        cache = memo.memo_cache()
        assert cache is not None
        assert [memo.remembered("x", 1, work) for _ in range(2)] == [1, 2]
        assert len(cache) == 0
    with app.test_request_context("/en/"):
        assert [memo.remembered("x", 1, work) for _ in range(2)] == [3, 3]
        assert len(cache) == 1


# --- answered pages ------------------------------------------------------------------


def without_tokens(body: str) -> str:
    return TOKEN.sub('name="csrf_token" value=""', body)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_kept_answered_page_is_the_page_rendered_afresh(
    app_config: dict[str, object], lang: str
) -> None:
    url = ANSWERED.format(lang=lang)
    cached = create_app(app_config)
    first = cached.test_client().get(url)
    again = cached.test_client().get(url)
    fresh = create_app(dict(app_config, ERRORCODE_CACHE_ENTRIES=0)).test_client()
    afresh = fresh.get(url)
    assert first.status_code == again.status_code == afresh.status_code == 200
    bodies = [r.get_data(as_text=True) for r in (first, again, afresh)]
    assert len({without_tokens(body) for body in bodies}) == 1
    assert len({TOKEN.search(body)[1] for body in bodies}) == 3  # type: ignore[index]
    assert 'href="/nl/errors/1009?users=4&amp;admins=1' in bodies[0]


def test_answered_pages_have_a_bounded_cache_of_their_own(
    app_config: dict[str, object],
) -> None:
    from helpdesk.pagecache import fragment_cache

    app = create_app(dict(app_config, ERRORCODE_CACHE_ENTRIES=3))
    client = app.test_client()
    client.get("/en/errors/1009")
    with app.app_context():
        pages, kept = fragment_cache(), memo.memo_cache()
        assert kept is not None
        before = len(pages)
    bodies = {}
    for users in range(8):
        response = client.get(f"/en/errors/1009?users={users}&diagnose=1")
        assert response.status_code == 200
        bodies[users] = response.get_data(as_text=True)
    assert len(kept) == 3
    assert len(pages) == before  # no entry per query string in the page cache
    assert (
        client.get("/en/errors/1009?users=0&diagnose=1").get_data(as_text=True)
        == (bodies[0])
    )
    assert "Unlink 7 users from your account" in bodies[7]


def test_answered_pages_are_not_kept_while_the_page_cache_is_off(
    app_config: dict[str, object],
) -> None:
    app = create_app(dict(app_config, PAGE_CACHE_ENTRIES=0))
    client = app.test_client()
    for _ in range(2):
        assert client.get(ANSWERED.format(lang="pl")).status_code == 200
    with app.app_context():
        kept = memo.memo_cache()
        assert kept is not None
        keys = list(kept._entries)
    assert keys and not [key for key in keys if key[0] == "page"]


def test_a_kept_answered_page_shows_nothing_of_the_readers_session(
    app_config: dict[str, object],
) -> None:
    app = create_app(dict(app_config, WTF_CSRF_ENABLED=True))
    url = ANSWERED.format(lang="nl")
    first = app.test_client().get(url).get_data(as_text=True)
    reader = app.test_client()
    with reader.session_transaction() as session:
        session["_flashes"] = [("info", "A message for this reader only")]
        session["sandbox"] = "a-private-capability"
    page = reader.get(url).get_data(as_text=True)
    assert "A message for this reader only" not in page
    assert "a-private-capability" not in page
    assert without_tokens(page) == without_tokens(first)
    assert TOKEN.findall(page) and TOKEN.findall(page) != TOKEN.findall(first)


def test_invalid_answers_are_rendered_each_time_with_a_400(client: Any) -> None:
    for _ in range(2):
        response = client.get("/pl/errors/1009?users=abc&diagnose=1")
        assert response.status_code == 400
        assert "csrf-placeholder" not in response.get_data(as_text=True)
