"""The fix plan told to the reader: grouped steps linked to article sections."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from helpdesk.errorcodes import service

Enter = Callable[[str], None]


@pytest.fixture
def request_in(app: Flask) -> Iterator[Enter]:
    """Return a function that opens a request context in a language."""
    contexts = []

    def enter(lang: str) -> None:
        context = app.test_request_context(f"/{lang}/errors/1009")
        context.push()
        app.preprocess_request()
        contexts.append(context)

    yield enter
    for context in reversed(contexts):
        context.pop()


def page(lang: str, **answers: str) -> service.CodePage:
    """Return the page of code 1009 for these answers."""
    args = {"diagnose": "1", **answers} if answers else {}
    result = service.code_page("1009", args, lang)
    assert isinstance(result, service.CodePage)
    return result


def sections(result: service.CodePage) -> list[str]:
    """Return the procedure section of each plan group, as ``slug#section``."""
    assert result.plan is not None
    return [
        f"{g.link.slug}#{g.link.section}" if g.link else "-" for g in result.plan.groups
    ]


def test_only_a_zoom_room_links_to_deleting_a_room(request_in: Enter) -> None:
    request_in("en")
    result = page("en", rooms="1")
    assert result.plan is not None and result.plan.blocked
    assert sections(result) == ["remove-rooms#delete-room"]
    (group,) = result.plan.groups
    assert group.text == "Delete 1 Zoom Room"
    assert group.why is not None and group.why.section == "delete-rooms"


def test_an_admin_on_a_managed_domain_is_converted_then_deleted(
    request_in: Enter,
) -> None:
    request_in("en")
    result = page("en", users="1", admins="1", managed="1")
    assert sections(result) == [
        "remove-users#convert-admin",
        "remove-users#delete-single",
    ]
    assert result.plan is not None
    why = result.plan.groups[1].why
    assert why is not None
    assert (why.slug, why.section) == ("error-1009", "unlink-users")


def test_unlinking_links_to_single_or_multiple(request_in: Enter) -> None:
    request_in("en")
    assert sections(page("en", users="1")) == ["error-1009#unlink-single"]
    assert sections(page("en", users="3")) == ["error-1009#unlink-multiple"]


def test_add_ons_have_no_procedure(request_in: Enter) -> None:
    request_in("en")
    result = page("en", addons="yes")
    assert sections(result) == ["-"]
    assert result.plan is not None
    assert "own" in result.plan.groups[0].explanation


def test_nothing_answered_is_not_blocked(request_in: Enter) -> None:
    request_in("en")
    result = page("en", users="0")
    assert result.plan is not None
    assert not result.plan.blocked and result.plan.groups == ()


def test_without_answers_the_typical_plan_is_shown(request_in: Enter) -> None:
    request_in("en")
    result = page("en")
    assert result.plan is not None and result.plan.typical
    assert sections(result) == [
        "remove-users#convert-admin",
        "error-1009#unlink-multiple",
        "remove-users#delete-multiple",
        "remove-rooms#delete-room",
    ]
    assert result.reproduce == {}


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (1, "1 aktywny użytkownik oprócz Ciebie"),
        (2, "2 aktywni użytkownicy oprócz Ciebie"),
        (5, "5 aktywnych użytkowników oprócz Ciebie"),
        (22, "22 aktywni użytkownicy oprócz Ciebie"),
    ],
)
def test_polish_counts_use_the_right_plural(
    request_in: Enter, count: int, text: str
) -> None:
    request_in("pl")
    result = page("pl", users=str(count))
    assert result.plan is not None
    assert result.plan.blockers == (text,)


def test_fix_sections_start_with_the_solution(request_in: Enter) -> None:
    request_in("nl")
    from helpdesk.content import get_library

    links = service.fix_sections(get_library(), 1009, "nl")
    assert links[0].section == "solution"
    assert links[0].url == "/nl/articles/error-1009#solution"
    assert len({link.url for link in links}) == len(links)
