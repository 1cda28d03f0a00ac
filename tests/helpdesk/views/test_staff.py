"""``/staff/``: sign-in, sign-out, the tables per language, CSV, the CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask, g, render_template_string
from flask.testing import FlaskClient, FlaskCliRunner

from helpdesk import create_app
from helpdesk.contentloop import content_loop
from helpdesk.feedback.store import FeedbackEntry
from helpdesk.settings import LANGUAGES
from helpdesk.staff.store import StaffAccount
from helpdesk.views.staff import safe_next
from tests.clocks import ManualClock
from tests.helpdesk.content.test_freshness import change_a_sentence
from tests.helpdesk.views.sandbox_helpers import start

EMAIL = "ann@example.org"
PASSWORD = "correct horse battery staple"
TABLES = ("feedback", "comments", "top-queries", "zero-results")
PAGES = ["/staff/", *(f"/staff/{table}.csv" for table in (*TABLES, "translations"))]
TITLES = {"en": "Staff area", "nl": "Redactieomgeving", "pl": "Panel redakcji"}


def create_account(runner: FlaskCliRunner, email: str = EMAIL) -> None:
    result = runner.invoke(
        args=["staff", "create", email], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output


def sign_in(client: FlaskClient, **extra: str) -> object:
    return client.post(
        "/staff/sign-in", data={"email": EMAIL, "password": PASSWORD, **extra}
    )


@pytest.fixture
def signed_in(app: Flask, client: FlaskClient, runner: FlaskCliRunner) -> FlaskClient:
    create_account(runner)
    assert sign_in(client).status_code == 303  # type: ignore[attr-defined]
    return client


@pytest.mark.parametrize("path", PAGES)
def test_signed_out_every_page_redirects_to_the_sign_in(
    client: FlaskClient, path: str
) -> None:
    response = client.get(f"{path}?content=nl")
    assert response.status_code == 302
    assert response.location.startswith("/staff/sign-in?next=")
    assert "%2Fstaff%2F" in response.location


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_sign_in_page_speaks_the_chosen_language(
    client: FlaskClient, lang: str
) -> None:
    page = client.get(f"/staff/sign-in?lang={lang}")
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    # The choice is remembered: the next page without ?lang= keeps it.
    assert f'<html lang="{lang}">' in client.get("/staff/sign-in").get_data(
        as_text=True
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_accept_language_chooses_when_nothing_else_does(
    client: FlaskClient, lang: str
) -> None:
    page = client.get("/staff/sign-in", headers={"Accept-Language": lang})
    assert f'<html lang="{lang}">' in page.get_data(as_text=True)


def test_the_language_switch_stays_in_the_staff_area(signed_in: FlaskClient) -> None:
    page = signed_in.get("/staff/?content=nl&lang=en").get_data(as_text=True)
    for code in LANGUAGES:
        assert f'href="/staff/?content=nl&amp;lang={code}"' in page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_signing_in_shows_the_dashboard_in_every_language(
    signed_in: FlaskClient, lang: str
) -> None:
    page = signed_in.get(f"/staff/?lang={lang}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert f"<h1>{TITLES[lang]}</h1>" in body
    assert EMAIL in body
    assert page.headers["Cache-Control"] == "no-store"


def test_a_wrong_password_is_refused_in_the_readers_language(
    client: FlaskClient, runner: FlaskCliRunner
) -> None:
    create_account(runner)
    page = client.post(
        "/staff/sign-in?lang=nl", data={"email": EMAIL, "password": "wrong" * 3}
    )
    assert page.status_code == 200
    assert "Het e-mailadres of het wachtwoord is onjuist." in page.get_data(
        as_text=True
    )
    assert client.get("/staff/").status_code == 302


def test_an_unknown_address_is_refused_alike(client: FlaskClient) -> None:
    page = client.post("/staff/sign-in", data={"email": "x@y.org", "password": "p"})
    assert page.status_code == 200
    assert "is not correct" in page.get_data(as_text=True)


def test_sign_in_starts_a_new_session(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    create_account(runner)
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    sign_in(client)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"]


def test_sign_out_is_a_post_and_ends_the_session(signed_in: FlaskClient) -> None:
    assert signed_in.get("/staff/sign-out").status_code == 405
    response = signed_in.post("/staff/sign-out?lang=pl")
    assert response.status_code == 303
    assert response.location == "/staff/sign-in?signed_out=1"
    page = signed_in.get(response.location).get_data(as_text=True)
    assert "Wylogowano." in page
    assert signed_in.get("/staff/").status_code == 302


def test_signed_out_the_redirect_explains_itself_in_the_language(
    client: FlaskClient,
) -> None:
    response = client.get("/staff/?lang=nl")
    page = client.get(response.location).get_data(as_text=True)
    assert "Meld u aan om de redactieomgeving te zien." in page


@pytest.mark.parametrize(
    "target,expected",
    [
        ("/staff/?content=pl", "/staff/?content=pl"),
        ("/staff/feedback.csv", "/staff/feedback.csv"),
        ("https://evil.example/staff/", None),
        ("//evil.example/staff/", None),
        ("/\\evil.example", None),
        ("/en/articles/error-1009", None),
        ("/staff/../en/", None),
        ("javascript:alert(1)", None),
        ("/staff/\nSet-Cookie: x", None),
        ("", None),
    ],
)
def test_next_only_leads_to_local_staff_paths(
    target: str, expected: str | None
) -> None:
    assert safe_next(target) == expected


def test_sign_in_follows_a_safe_next_and_ignores_another(
    client: FlaskClient, runner: FlaskCliRunner
) -> None:
    create_account(runner)
    assert sign_in(client, next="/staff/?content=pl").location == "/staff/?content=pl"  # type: ignore[attr-defined]
    client.post("/staff/sign-out")
    assert sign_in(client, next="https://evil.example/").location == "/staff/"  # type: ignore[attr-defined]


def test_the_sign_in_form_carries_next(client: FlaskClient) -> None:
    page = client.get("/staff/sign-in?next=%2Fstaff%2F%3Fcontent%3Dnl")
    assert 'name="next" value="/staff/?content=nl"' in page.get_data(as_text=True)
    page = client.get("/staff/sign-in?next=https://evil.example/")
    assert 'name="next"' not in page.get_data(as_text=True)


@pytest.fixture
def limited(app_config: dict[str, object]) -> tuple[Flask, FlaskClient]:
    app_config["STAFF_SIGN_IN_LIMIT"] = "2/minute"
    application = create_app(app_config)
    return application, application.test_client()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sign_in_attempts_are_rate_limited_with_a_localized_message(
    limited: tuple[Flask, FlaskClient], lang: str
) -> None:
    app, client = limited
    create_account(app.test_cli_runner())
    for _ in range(2):
        client.post(
            f"/staff/sign-in?lang={lang}", data={"email": EMAIL, "password": "x"}
        )
    page = client.post(
        f"/staff/sign-in?lang={lang}", data={"email": EMAIL, "password": PASSWORD}
    )
    assert page.status_code == 429
    assert int(page.headers["Retry-After"]) >= 1
    body = page.get_data(as_text=True)
    expected = {"en": "Too many sign-in attempts", "nl": "Te veel aanmeldpogingen",
                "pl": "Zbyt wiele prób logowania"}[lang]  # fmt: skip
    assert expected in body
    assert client.get("/staff/").status_code == 302


@pytest.fixture
def csrf_client(app_config: dict[str, object]) -> tuple[Flask, FlaskClient]:
    app_config["WTF_CSRF_ENABLED"] = True
    application = create_app(app_config)
    return application, application.test_client()


def form_token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_every_staff_form_needs_the_csrf_token(
    csrf_client: tuple[Flask, FlaskClient],
) -> None:
    app, client = csrf_client
    create_account(app.test_cli_runner())
    assert sign_in(client).status_code == 400  # type: ignore[attr-defined]
    token = form_token(client.get("/staff/sign-in").get_data(as_text=True))
    assert sign_in(client, csrf_token=token).status_code == 303  # type: ignore[attr-defined]
    assert client.post("/staff/sign-out").status_code == 400
    assert client.get("/staff/").status_code == 200
    token = form_token(client.get("/staff/").get_data(as_text=True))
    assert client.post("/staff/sign-out", data={"csrf_token": token}).status_code == 303
    assert client.get("/staff/").status_code == 302


def add_feedback(app: Flask, **changes: object) -> None:
    values: dict[str, object] = {
        "day": dt.date(2026, 12, 1), "lang": "nl", "slug": "error-1009",
        "section": "unlink-single", "helpful": False, "reason": "unclear",
        "comment": "",
    }  # fmt: skip
    values.update(changes)
    with app.app_context():
        content_loop().feedback.add(FeedbackEntry(**values))  # type: ignore[arg-type]


def test_comments_are_escaped(app: Flask, signed_in: FlaskClient) -> None:
    add_feedback(app, comment='<script>alert("x")</script><img src=x onerror=1>')
    page = signed_in.get("/staff/?content=nl").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


def test_the_dashboard_shows_each_languages_own_tables(
    app: Flask, signed_in: FlaskClient
) -> None:
    add_feedback(app, comment="Menu heet anders")
    add_feedback(app, lang="pl", helpful=True, reason=None, section="cause")
    with app.app_context():
        searches = content_loop().searches
        today = content_loop().today()
        searches.record(today, "nl", "gebruiker ontkoppelen", 3)
        searches.record(today, "nl", "qwerty", 0)
        searches.record(today, "pl", "usun", 2)
    nl = signed_in.get("/staff/?content=nl&lang=nl").get_data(as_text=True)
    assert "Menu heet anders" in nl and "gebruiker ontkoppelen" in nl
    assert "qwerty" in nl and "usun" not in nl
    assert "Onduidelijk" in nl  # the reason, in the reader's language
    pl = signed_in.get("/staff/?content=pl&lang=en").get_data(as_text=True)
    assert "Menu heet anders" not in pl and "usun" in pl
    assert "No comments yet." in pl and "No search without results." in pl


def test_an_unknown_content_language_is_404(signed_in: FlaskClient) -> None:
    assert signed_in.get("/staff/?content=de").status_code == 404
    assert signed_in.get("/staff/feedback.csv?content=de").status_code == 404
    assert signed_in.get("/staff/other.csv").status_code == 404


def rows(response: object) -> list[list[str]]:
    text = response.get_data(as_text=True)  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_table_downloads_as_csv(
    app: Flask, signed_in: FlaskClient, lang: str
) -> None:
    add_feedback(app, lang=lang, comment="ok")
    with app.app_context():
        content_loop().searches.record(content_loop().today(), lang, "q", 0)
    for table in TABLES:
        response = signed_in.get(f"/staff/{table}.csv?content={lang}&lang={lang}")
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        assert (
            f'filename="{table}-{lang}.csv"' in response.headers["Content-Disposition"]
        )
        assert len(rows(response)) == 2
    header = rows(signed_in.get(f"/staff/feedback.csv?content={lang}&lang={lang}"))[0]
    assert header[0] == {"en": "Article", "nl": "Artikel", "pl": "Artykuł"}[lang]


@pytest.mark.parametrize("formula", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_are_safe_from_formulas(
    app: Flask, signed_in: FlaskClient, formula: str
) -> None:
    add_feedback(app, comment=formula.replace("\r", "\n"), slug=formula)
    with app.app_context():
        content_loop().searches.record(content_loop().today(), "nl", formula, 0)
    comments = rows(signed_in.get("/staff/comments.csv?content=nl"))
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
               for row in comments for cell in row)  # fmt: skip
    assert comments[1][1] == "'" + formula
    for table in ("top-queries", "zero-results"):
        [_header, row] = rows(signed_in.get(f"/staff/{table}.csv?content=nl"))
        assert row[0] == "'" + formula


# --- the CLI --------------------------------------------------------------------------


def accounts(app: Flask, email: str = EMAIL) -> StaffAccount | None:
    with app.app_context():
        return content_loop().staff.find(email)


def test_staff_create_asks_twice_and_stores_a_hash(
    app: Flask, runner: FlaskCliRunner
) -> None:
    result = runner.invoke(
        args=["staff", "create", "Ann@Example.org"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0
    assert "ann@example.org" in result.output
    account = accounts(app)
    assert account is not None
    assert account.password_hash.startswith(("scrypt:", "pbkdf2:"))
    assert PASSWORD not in account.password_hash


def test_staff_create_asks_again_when_the_passwords_differ(
    app: Flask, runner: FlaskCliRunner
) -> None:
    result = runner.invoke(
        args=["staff", "create", EMAIL],
        input=f"{PASSWORD}\nsomething else entirely\n{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0
    assert "do not match" in result.output
    assert accounts(app) is not None


def test_staff_create_reads_the_password_from_stdin(
    app: Flask, runner: FlaskCliRunner, client: FlaskClient
) -> None:
    result = runner.invoke(
        args=["staff", "create", EMAIL, "--password-stdin"], input=f"{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert sign_in(client).status_code == 303  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "email,password,message",
    [
        ("not-an-address", PASSWORD, "not an e-mail address"),
        (EMAIL, "short", "at least 12"),
    ],
)
def test_staff_create_refuses_bad_input(
    app: Flask, runner: FlaskCliRunner, email: str, password: str, message: str
) -> None:
    result = runner.invoke(
        args=["staff", "create", email, "--password-stdin"], input=f"{password}\n"
    )
    assert result.exit_code == 1
    assert message in result.output
    assert accounts(app, email) is None


def test_staff_create_refuses_an_existing_account(runner: FlaskCliRunner) -> None:
    create_account(runner)
    result = runner.invoke(
        args=["staff", "create", EMAIL.upper(), "--password-stdin"],
        input=f"{PASSWORD}\n",
    )
    assert result.exit_code == 1
    assert "already exists" in result.output


@pytest.fixture
def clocked(app_config: dict[str, object]) -> tuple[Flask, ManualClock[dt.datetime]]:
    clock = ManualClock(dt.datetime(2026, 12, 31, 12, tzinfo=dt.UTC))
    app_config["CONTENT_LOOP_CLOCK"] = clock
    app_config["ANALYTICS_RETENTION_DAYS"] = 30
    return create_app(app_config), clock


def test_analytics_purge_drops_counts_older_than_the_retention(
    clocked: tuple[Flask, ManualClock[dt.datetime]],
) -> None:
    app, clock = clocked
    client = app.test_client()
    days: Callable[[int], dt.timedelta] = lambda n: dt.timedelta(days=n)  # noqa: E731
    start = clock.now
    clock.now = start - days(31)
    client.get("/en/search?q=old+query")
    clock.now = start - days(30)
    client.get("/api/v1/search?q=kept+query")
    clock.now = start
    result = app.test_cli_runner().invoke(args=["analytics", "purge"])
    assert result.exit_code == 0
    assert "1 search count(s) older than 30 days removed" in result.output
    with app.app_context():
        kept = content_loop().searches.top_queries("en", dt.date.min)
    assert [q.query for q in kept] == ["kept query"]
    clock.now = start + days(1)
    app.test_cli_runner().invoke(args=["analytics", "purge"])
    with app.app_context():
        assert content_loop().searches.top_queries("en", dt.date.min) == []


TRANSLATION_STATES = {
    "nl": ("Vertalingen bij te werken", "verouderd", "Engels"),
    "pl": ("Tłumaczenia do aktualizacji", "nieaktualne", "angielski"),
}


@pytest.mark.parametrize("lang", sorted(TRANSLATION_STATES))
def test_outdated_translations_are_listed_with_links_to_both_versions(
    app_config: dict[str, object], content_dir: Path, lang: str
) -> None:
    change_a_sentence(content_dir, "remove-rooms", "en", "delete-room")
    app = create_app({**app_config, "CONTENT_DIR": str(content_dir)})
    client = app.test_client()
    create_account(app.test_cli_runner())
    assert sign_in(client).status_code == 303  # type: ignore[attr-defined]
    page = client.get(f"/staff/?content={lang}&lang={lang}").get_data(as_text=True)
    heading, state, source = TRANSLATION_STATES[lang]
    assert heading in page
    assert f'href="/{lang}/articles/remove-rooms#delete-room"' in page
    assert 'href="/en/articles/remove-rooms#delete-room" hreflang="en"' in page
    assert f">{state}<" in page and source in page
    assert "why-1009" not in page  # only the changed section
    table = rows(client.get(f"/staff/translations.csv?content={lang}&lang={lang}"))
    assert table[1] == ["remove-rooms", "delete-room", "en", state]
    # English is the source: it has nothing to update.
    english = client.get("/staff/?content=en&lang=en").get_data(as_text=True)
    assert "Every translated section is up to date." in english


def test_a_page_that_does_not_show_the_user_does_not_load_them(app: Flask) -> None:
    with app.test_request_context("/en/"):
        assert render_template_string("{{ lang }}") == "en"
        assert "_login_user" not in g
        shown = render_template_string("{{ current_user.is_authenticated }}")
        assert shown == "False" and "_login_user" in g


def test_sandbox_notices_stay_off_the_staff_pages(client: FlaskClient) -> None:
    # The sandbox queues its notices as plain data in the same session; the
    # staff pages show only their own ("You have signed out.", the sign-in hint).
    start(client, "pl", "clean")
    page = client.get("/staff/sign-in").get_data(as_text=True)
    assert "'code'" not in page and "{&#39;code&#39;" not in page
    assert 'class="notice"' not in page
    # ... and are not taken from the sandbox's queue: its page still shows it.
    sandbox = client.get("/pl/sandbox/").get_data(as_text=True)
    assert "Utworzono nową piaskownicę." in sandbox
