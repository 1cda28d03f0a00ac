"""Recoverable bulk refusals and previews that follow the form (issue 9, item 5)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from babel.support import Translations
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.i18n_check import TRANSLATIONS
from simulator import dump_account

from .sandbox_helpers import sandbox_account, start, text

LANGS = ["en", "nl", "pl"]
PIOTR, SANNE = "piotr@acme.example", "sanne@partner.example"
OWNER = "owner@acme.example"


def gettext(lang: str) -> Translations:
    """Return the compiled catalog of ``lang`` (the site's own)."""
    return Translations.load(str(TRANSLATIONS), [lang])


def bulk_dialog(
    client: FlaskClient, lang: str, action: str, *emails: str, **extra: str
):  # type: ignore[no-untyped-def]
    query = "&".join([f"action={action}", *(f"email={e}" for e in emails)])
    query += "".join(f"&{k}={v}" for k, v in extra.items())
    return client.get(f"/{lang}/sandbox/users/bulk?{query}")


def confirm_form(page: str) -> str:
    """Return the dialog's confirmation form (the POST form with the buttons)."""
    found = re.search(
        r'<form method="post"[^>]*class="sb-confirm-form".*?</form>', page, re.S
    )
    assert found is not None, "no confirmation form"
    return found.group(0)


@pytest.mark.parametrize("lang", LANGS)
def test_a_refused_selection_names_the_user_and_offers_to_continue(
    client: FlaskClient, lang: str
) -> None:
    _ = gettext(lang)
    start(client, lang)
    response = bulk_dialog(client, lang, "disassociate", PIOTR, SANNE)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    words = text(response)
    # The refusal names the refused user (and why), the others go on.
    refusal = _.ngettext(
        "This cannot be done for %(num)d selected user: %(users)s.",
        "This cannot be done for %(num)d of the selected users: %(users)s.",
        1,
    ) % {"num": 1, "users": PIOTR}
    assert refusal in words
    assert _.gettext("Continue without them") in words
    form = confirm_form(page)
    assert 'name="csrf_token"' in form
    assert re.findall(r'name="email" value="([^"]+)"', form) == [SANNE]
    assert 'value="disassociate"' in form
    # What will happen is said of the users left, in the future tense.
    assert (
        _.gettext("%(email)s will be unlinked from your account.") % {"email": SANNE}
        in words
    )
    assert (
        _.gettext("%(email)s will be unlinked from your account.") % {"email": PIOTR}
        not in words
    )


@pytest.mark.parametrize("lang", LANGS)
def test_delete_instead_goes_to_the_delete_dialog_with_a_permanence_warning(
    client: FlaskClient, lang: str
) -> None:
    _ = gettext(lang)
    start(client, lang)
    page = bulk_dialog(
        client,
        lang,
        "disassociate",
        PIOTR,
        SANNE,
        transfer_email=OWNER,
        transfer_recording="1",
    ).get_data(as_text=True)
    link = re.search(r'<a class="button button-secondary" href="([^"]+)">', page)
    assert link is not None
    url = link.group(1).replace("&amp;", "&")
    parts = urlsplit(url)
    assert parts.path == f"/{lang}/sandbox/users/{PIOTR}/delete"
    assert parse_qs(parts.query) == {
        "transfer_email": [OWNER],
        "transfer_recording": ["1"],
    }
    warning = _.gettext("Deleting is permanent: transfer their data first.")
    assert warning in text(client.get(url))  # the dialog it leads to warns too
    assert warning in text(bulk_dialog(client, lang, "disassociate", PIOTR, SANNE))


def test_several_managed_users_are_deleted_instead_in_one_bulk_dialog(
    client: FlaskClient,
) -> None:
    start(client)
    page = bulk_dialog(
        client, "en", "disassociate", PIOTR, "ann@acme.example", SANNE
    ).get_data(as_text=True)
    link = re.search(r'<a class="button button-secondary" href="([^"]+)">', page)
    assert link is not None
    parts = urlsplit(link.group(1).replace("&amp;", "&"))
    assert parts.path == "/en/sandbox/users/bulk"
    assert parse_qs(parts.query) == {
        "action": ["delete"],
        "email": [PIOTR, "ann@acme.example"],
    }


def test_nobody_left_means_no_form_only_delete_instead(client: FlaskClient) -> None:
    start(client)
    response = bulk_dialog(client, "en", "disassociate", PIOTR)
    page = response.get_data(as_text=True)
    assert 'class="sb-confirm-form"' not in page
    assert "Continue without them" not in text(response)
    assert f"/en/sandbox/users/{PIOTR}/delete" in page


def test_a_refusal_that_is_not_about_the_domain_offers_no_delete(
    client: FlaskClient,
) -> None:
    start(client)
    page = bulk_dialog(client, "en", "deactivate", "eve@acme.example", SANNE)
    assert "Delete them instead" not in text(page)
    form = confirm_form(page.get_data(as_text=True))
    assert re.findall(r'name="email" value="([^"]+)"', form) == [SANNE]


@pytest.mark.parametrize("lang", LANGS)
def test_the_single_unlink_of_a_managed_user_offers_delete_instead(
    client: FlaskClient, lang: str
) -> None:
    _ = gettext(lang)
    start(client, lang)
    response = client.get(f"/{lang}/sandbox/users/{PIOTR}/unlink")
    assert _.gettext("Delete them instead") in text(response)
    page = response.get_data(as_text=True)
    assert f"/{lang}/sandbox/users/{PIOTR}/delete" in page
    assert 'class="sb-confirm-form"' not in page


@pytest.mark.parametrize("lang", LANGS)
def test_continue_without_them_unlinks_the_others_with_their_recordings(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    start(client, lang)
    recordings = [r.id for r in sandbox_account(app, client).find(SANNE).recordings]
    assert recordings
    response = client.post(
        f"/{lang}/sandbox/users/bulk",
        data={
            "action": "disassociate",
            "email": [SANNE],
            "mode": "transfer",
            "transfer_email": OWNER,
            "transfer_recording": "1",
        },
    )
    assert response.status_code == 302
    account = sandbox_account(app, client)
    assert not account.has_user(SANNE)
    assert account.find(PIOTR).status.value == "active"
    owned = {r.id for r in account.find(OWNER).recordings}
    assert set(recordings) <= owned


@pytest.mark.parametrize("lang", LANGS)
def test_a_refused_post_changes_nothing_and_names_the_refused_user(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    _ = gettext(lang)
    start(client, lang)
    before = dump_account(sandbox_account(app, client), events=False)
    response = client.post(
        f"/{lang}/sandbox/users/bulk",
        data={"action": "disassociate", "email": [PIOTR, SANNE], "mode": "none"},
    )
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == f"/{lang}/sandbox/users/bulk"
    assert dump_account(sandbox_account(app, client), events=False) == before
    shown = client.get(response.headers["Location"])
    words = text(shown)
    notice = _.ngettext(
        "Nothing was changed: this cannot be done for %(num)d selected user: "
        "%(users)s.",
        "Nothing was changed: this cannot be done for %(num)d of the selected "
        "users: %(users)s.",
        1,
    ) % {"num": 1, "users": PIOTR}
    assert notice in words
    # Back on the dialog, which offers to go on without the refused user.
    assert _.gettext("Continue without them") in words
    form = confirm_form(shown.get_data(as_text=True))
    assert re.findall(r'name="email" value="([^"]+)"', form) == [SANNE]


def test_continue_without_them_needs_the_csrf_token(
    app: Flask, client: FlaskClient
) -> None:
    start(client)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(
            "/en/sandbox/users/bulk",
            data={"action": "disassociate", "email": [SANNE], "mode": "none"},
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert sandbox_account(app, client).has_user(SANNE)


# --- previews that follow the form -----------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_bulk_preview_fragment_follows_the_transfer_options(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    _ = gettext(lang)
    start(client, lang)
    before = dump_account(sandbox_account(app, client))
    url = f"/{lang}/sandbox/users/bulk/preview?action=disassociate&email={SANNE}"
    kept = client.get(url)
    moved = client.get(f"{url}&transfer_email={OWNER}&transfer_recording=1")
    assert kept.status_code == moved.status_code == 200
    # A fragment, not a page.
    assert "<html" not in moved.get_data(as_text=True)
    recording = _.ngettext("%(num)d cloud recording", "%(num)d cloud recordings", 1) % {
        "num": 1
    }
    transferred = _.gettext("Will be transferred to %(email)s: %(items)s.") % {
        "email": OWNER,
        "items": recording,
    }
    assert transferred in text(moved)
    assert transferred not in text(kept)
    assert recording in text(kept)  # the recording stays with the user
    assert _.gettext("%(email)s will be unlinked from your account.") % {
        "email": SANNE
    } in text(kept)
    # Reading a preview changes nothing, not even the event log.
    assert dump_account(sandbox_account(app, client)) == before


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("word", ["unlink", "delete"])
def test_the_single_removal_fragment_follows_the_options(
    app: Flask, client: FlaskClient, lang: str, word: str
) -> None:
    _ = gettext(lang)
    start(client, lang)
    before = dump_account(sandbox_account(app, client))
    url = f"/{lang}/sandbox/users/{SANNE}/{word}/preview"
    moved = client.get(f"{url}?transfer_email={OWNER}&transfer_recording=1")
    assert moved.status_code == 200
    heading = _.gettext("Will be transferred to %(email)s") % {"email": OWNER}
    assert heading in text(moved)
    assert heading not in text(client.get(url))
    assert dump_account(sandbox_account(app, client)) == before


@pytest.mark.parametrize("lang", LANGS)
def test_a_refused_transfer_shows_in_the_fragment(
    client: FlaskClient, lang: str
) -> None:
    _ = gettext(lang)
    start(client, lang)
    response = client.get(
        f"/{lang}/sandbox/users/{SANNE}/unlink/preview"
        "?transfer_email=nobody@acme.example&transfer_meeting=1"
    )
    assert response.status_code == 200
    assert _.gettext("This would be refused") in text(response)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/en/sandbox/users/bulk/preview?action=disassociate", 400),
        ("/en/sandbox/users/bulk/preview?action=explode&email=x@acme.example", 400),
        ("/en/sandbox/users/bulk/preview?action=delete&email=ghost@acme.example", 404),
        ("/en/sandbox/users/ghost@acme.example/unlink/preview", 404),
        ("/en/sandbox/users/ghost@acme.example/delete/preview", 404),
    ],
)
def test_bad_preview_requests_are_refused_cleanly(
    client: FlaskClient, path: str, status: int
) -> None:
    start(client)
    assert client.get(path).status_code == status


def test_previews_are_get_only(client: FlaskClient) -> None:
    start(client)
    response = client.post(f"/en/sandbox/users/{SANNE}/unlink/preview")
    assert response.status_code == 405


@pytest.mark.parametrize("lang", LANGS)
def test_without_script_the_dialog_says_it_may_be_out_of_date(
    client: FlaskClient, lang: str
) -> None:
    _ = gettext(lang)
    start(client, lang)
    response = client.get(f"/{lang}/sandbox/users/{SANNE}/unlink")
    page = response.get_data(as_text=True)
    note = _.gettext(
        "If you change the options, “What will happen” may be out of date — press "
        "Preview."
    )
    assert note in text(response)
    assert "data-stale-note" in page
    assert f'data-preview-url="/{lang}/sandbox/users/{SANNE}/unlink/preview"' in page
    assert re.search(r"/static/preview\.[0-9a-f]{12}\.js", page)
    assert f">{_.gettext('Preview')}</button>" in page


@pytest.mark.parametrize("lang", LANGS)
def test_every_preview_speaks_in_the_future_tense(
    client: FlaskClient, lang: str
) -> None:
    _ = gettext(lang)
    start(client, lang)
    past = [
        _.gettext("%(email)s was unlinked from your account.") % {"email": SANNE},
        _.gettext("%(email)s was deleted.") % {"email": SANNE},
        _.gettext("Kept by the unlinked user: %(items)s.").split(":")[0],
    ]
    pages = [
        bulk_dialog(client, lang, "disassociate", SANNE),
        bulk_dialog(client, lang, "delete", SANNE),
        client.get(f"/{lang}/sandbox/users/{SANNE}/unlink"),
        client.get(f"/{lang}/sandbox/users/{SANNE}/delete"),
        client.get(f"/{lang}/sandbox/users/{SANNE}/deactivate"),
    ]
    for page in pages:
        assert page.status_code == 200
        for line in past:
            assert line not in text(page)
    assert _.gettext("%(email)s will be deleted permanently.") % {
        "email": SANNE
    } in text(pages[1])
    assert _.gettext("Their license will go back to the pool.") in text(pages[4])
