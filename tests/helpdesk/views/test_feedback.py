"""``POST /<lang>/articles/<slug>/feedback``: no-JS and JS flows, every refusal."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpdesk import create_app
from helpdesk.contentloop import content_loop
from helpdesk.feedback.service import MAX_COMMENT_LENGTH, REASONS
from helpdesk.feedback.store import FeedbackSummary
from helpdesk.settings import LANGUAGES

JSON = {"Accept": "application/json"}
URL = "/{lang}/articles/error-1009/feedback"


def stored(app: Flask, lang: str = "en") -> list[FeedbackSummary]:
    with app.app_context():
        return content_loop().feedback.summaries(lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_article_page_has_a_form_after_each_procedure_and_at_the_end(
    client: FlaskClient, lang: str
) -> None:
    for slug in ("error-1009", "remove-users", "remove-rooms"):
        page = client.get(f"/{lang}/articles/{slug}").get_data(as_text=True)
        with client.application.app_context():
            from helpdesk.content import get_library

            article = get_library().translation(slug, lang).article  # type: ignore[union-attr]
        expected = [f"feedback-{s.id}" for s in article.procedures] + ["feedback"]
        assert re.findall(r'id="(feedback(?:-[a-z0-9-]+)?)" lang=', page) == expected
        assert page.count('name="csrf_token"') >= 2 * len(expected)
        assert len(re.findall(r"/static/feedback\.[0-9a-f]{12}\.js", page)) == 1
        for reason in REASONS:
            assert f'value="{reason}"' in page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_without_script_a_yes_returns_to_the_section_with_a_thank_you(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    response = client.post(
        URL.format(lang=lang), data={"helpful": "yes", "section": "unlink-single"}
    )
    assert response.status_code == 303
    assert response.location == (
        f"/{lang}/articles/error-1009?feedback=thanks&section=unlink-single"
        "#feedback-unlink-single"
    )
    page = client.get(response.location).get_data(as_text=True)
    thanks = {"en": "Thank you for your feedback.", "nl": "Bedankt voor uw feedback.",
              "pl": "Dziękujemy za opinię."}[lang]  # fmt: skip
    block = page.split('id="feedback-unlink-single"')[1].split('id="feedback')[0]
    assert thanks in block
    assert "<form" not in block
    assert page.count('<form class="feedback-form') > 0  # other sections still ask
    assert stored(app, lang) == [FeedbackSummary("error-1009", "unlink-single", 1, 0)]


def test_without_script_a_no_with_reason_and_comment_for_the_article(
    app: Flask, client: FlaskClient
) -> None:
    response = client.post(
        URL.format(lang="nl"),
        data={"helpful": "no", "section": "", "reason": "outdated",
              "comment": "Het menu heet nu anders.\r\nZie screenshot."},
    )  # fmt: skip
    assert response.status_code == 303
    assert response.location == "/nl/articles/error-1009?feedback=thanks#feedback"
    assert stored(app, "nl") == [
        FeedbackSummary("error-1009", "", 0, 1, {"outdated": 1})
    ]
    with app.app_context():
        [comment] = content_loop().feedback.comments("nl")
    assert comment.comment == "Het menu heet nu anders.\nZie screenshot."
    assert comment.day == dt.datetime.now(dt.UTC).date()


@pytest.mark.parametrize("header", [JSON, {"X-Requested-With": "fetch"}])
def test_the_script_gets_json_and_stays_on_the_page(
    app: Flask, client: FlaskClient, header: dict[str, str]
) -> None:
    response = client.post(
        URL.format(lang="pl"),
        data={"helpful": "no", "section": "cause", "reason": "unclear"},
        headers=header,
    )
    assert response.status_code == 200
    assert response.json == {
        "ok": True, "message": "Dziękujemy za opinię.", "section": "cause"
    }  # fmt: skip
    assert stored(app, "pl")[0].no == 1


BAD = [
    ({"helpful": "maybe"}, "invalid-helpful"),
    ({}, "invalid-helpful"),
    ({"helpful": "yes", "section": "no-such-section"}, "invalid-section"),
    ({"helpful": "no", "reason": "boring"}, "invalid-reason"),
    ({"helpful": "yes", "reason": "unclear"}, "reason-without-no"),
    ({"helpful": "yes", "comment": "nice"}, "comment-without-no"),
    ({"helpful": "no", "comment": "x" * (MAX_COMMENT_LENGTH + 1)}, "comment-too-long"),
    ({"helpful": "no", "comment": "bad\x00byte"}, "control-characters"),
    ({"helpful": "no", "comment": "bell\x07"}, "control-characters"),
    ({"helpful": "no", "section": "cause\x1b"}, "control-characters"),
    # A right-to-left override would show staff other words than were sent.
    ({"helpful": "no", "comment": "ok \u202egnorw"}, "control-characters"),
    ({"helpful": "no", "comment": "\u2067isolated\u2069"}, "control-characters"),
]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("data,code", BAD)
def test_bad_input_is_a_localized_400_that_stores_nothing(
    app: Flask, client: FlaskClient, lang: str, data: dict[str, str], code: str
) -> None:
    response = client.post(URL.format(lang=lang), data=data, headers=JSON)
    assert response.status_code == 400
    assert response.json["error"]["code"] == code  # type: ignore[index]
    message = response.json["error"]["message"]  # type: ignore[index]
    if lang != "en":
        english = client.post(URL.format(lang="en"), data=data, headers=JSON)
        assert message != english.json["error"]["message"]  # type: ignore[index]
    page = client.post(URL.format(lang=lang), data=data)
    assert page.status_code == 400
    assert f'<html lang="{lang}">' in page.get_data(as_text=True)
    assert stored(app, lang) == []


def test_a_comment_of_the_longest_length_is_taken(
    app: Flask, client: FlaskClient
) -> None:
    comment = "ż" * MAX_COMMENT_LENGTH
    response = client.post(
        URL.format(lang="pl"), data={"helpful": "no", "comment": comment}
    )
    assert response.status_code == 303
    with app.app_context():
        assert content_loop().feedback.comments("pl")[0].comment == comment


def test_right_to_left_text_itself_is_taken(app: Flask, client: FlaskClient) -> None:
    comment = "שלום \u200f مرحبا"  # Hebrew, a right-to-left mark, Arabic
    response = client.post(
        URL.format(lang="en"), data={"helpful": "no", "comment": comment}
    )
    assert response.status_code == 303
    with app.app_context():
        assert content_loop().feedback.comments("en")[0].comment == comment


def test_the_too_long_message_formats_the_number_for_the_language(
    client: FlaskClient,
) -> None:
    data = {"helpful": "no", "comment": "x" * 1001}
    nl = client.post(URL.format(lang="nl"), data=data, headers=JSON)
    assert "1.000" in nl.json["error"]["message"]  # type: ignore[index]


def test_an_unknown_article_is_404(app: Flask, client: FlaskClient) -> None:
    response = client.post("/en/articles/no-such/feedback", data={"helpful": "yes"})
    assert response.status_code == 404
    assert stored(app) == []


def test_get_is_not_allowed(client: FlaskClient) -> None:
    assert client.get(URL.format(lang="en")).status_code == 405


def test_no_address_or_cookie_is_stored(app: Flask, client: FlaskClient) -> None:
    client.set_cookie("session", "cookie-value-123")
    client.post(
        URL.format(lang="en"),
        data={"helpful": "no", "comment": "hello"},
        environ_base={"REMOTE_ADDR": "203.0.113.77"},
        headers={"User-Agent": "agent-xyz"},
    )
    files = Path(app.instance_path).glob("content_loop.sqlite3*")
    raw = b"".join(path.read_bytes() for path in files)
    assert b"hello" in raw
    for secret in (b"203.0.113.77", b"cookie-value-123", b"agent-xyz"):
        assert secret not in raw


@pytest.fixture
def limited(app_config: dict[str, object]) -> tuple[Flask, FlaskClient]:
    app_config["FEEDBACK_LIMIT"] = "2/minute"
    application = create_app(app_config)
    return application, application.test_client()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_too_many_answers_are_a_localized_429_with_retry_after(
    limited: tuple[Flask, FlaskClient], lang: str
) -> None:
    app, client = limited
    for _ in range(2):
        assert (
            client.post(URL.format(lang=lang), data={"helpful": "yes"}).status_code
            == 303
        )
    page = client.post(URL.format(lang=lang), data={"helpful": "yes"})
    assert page.status_code == 429
    assert int(page.headers["Retry-After"]) >= 1
    assert f'<html lang="{lang}">' in page.get_data(as_text=True)
    answer = client.post(URL.format(lang=lang), data={"helpful": "yes"}, headers=JSON)
    assert answer.status_code == 429
    assert answer.json["error"]["code"] == "too-many-requests"  # type: ignore[index]
    if lang == "pl":
        assert "sekund" in answer.json["error"]["message"]  # type: ignore[index]
    assert stored(app, lang)[0].yes == 2


def test_other_addresses_have_their_own_limit(
    limited: tuple[Flask, FlaskClient],
) -> None:
    _app, client = limited
    for _ in range(2):
        client.post(URL.format(lang="en"), data={"helpful": "yes"})
    other = client.post(
        URL.format(lang="en"),
        data={"helpful": "yes"},
        environ_base={"REMOTE_ADDR": "198.51.100.2"},
    )
    assert other.status_code == 303


@pytest.fixture
def csrf_client(app_config: dict[str, object]) -> tuple[Flask, FlaskClient]:
    app_config["WTF_CSRF_ENABLED"] = True
    application = create_app(app_config)
    return application, application.test_client()


def token(client: FlaskClient, lang: str = "en") -> str:
    page = client.get(f"/{lang}/articles/error-1009").get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_without_the_csrf_token_nothing_is_stored(
    csrf_client: tuple[Flask, FlaskClient], lang: str
) -> None:
    app, client = csrf_client
    token(client, lang)
    page = client.post(URL.format(lang=lang), data={"helpful": "yes"})
    assert page.status_code == 400
    assert f'<html lang="{lang}">' in page.get_data(as_text=True)
    answer = client.post(URL.format(lang=lang), data={"helpful": "yes"}, headers=JSON)
    assert answer.status_code == 400
    assert answer.json["error"]["code"] == "csrf"  # type: ignore[index]
    assert stored(app, lang) == []


def test_with_the_csrf_token_of_the_form_both_flows_work(
    csrf_client: tuple[Flask, FlaskClient],
) -> None:
    app, client = csrf_client
    value = token(client)
    page = client.post(
        URL.format(lang="en"), data={"helpful": "yes", "csrf_token": value}
    )
    assert page.status_code == 303
    answer = client.post(
        URL.format(lang="en"),
        data={"helpful": "no", "reason": "other", "csrf_token": value},
        headers={"X-Requested-With": "fetch", "Accept": "application/json"},
    )
    assert answer.status_code == 200
    assert stored(app) == [FeedbackSummary("error-1009", "", 1, 1, {"other": 1})]


def test_a_busy_store_is_a_503_that_says_so(app: Flask, client: FlaskClient) -> None:
    from helpdesk.database import StoreUnavailable

    class Busy:
        def add(self, entry: object) -> None:
            raise StoreUnavailable(3)

    with app.app_context():
        loop = content_loop()
    import dataclasses

    app.extensions["helpdesk.contentloop"] = dataclasses.replace(loop, feedback=Busy())
    response = client.post(URL.format(lang="nl"), data={"helpful": "yes"}, headers=JSON)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "3"
    assert "opnieuw" in response.json["error"]["message"]  # type: ignore[index]


def test_the_script_is_a_static_file_and_pages_have_no_inline_script(
    client: FlaskClient,
) -> None:
    page = client.get("/en/articles/error-1009").get_data(as_text=True)
    assert "<script>" not in page
    with client.get("/static/feedback.js") as script:
        assert script.status_code == 200
        body = script.get_data(as_text=True)
    assert "X-Requested-With" in body and "application/json" in body
