"""Whatever users type: never a 500, never markup from the query or content."""

from __future__ import annotations

import re
from urllib.parse import quote

from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

_TAG = re.compile(r"</?mark>")

nasty = st.one_of(
    st.text(max_size=300),
    st.lists(
        st.sampled_from(
            [
                '"',
                "'",
                "(",
                ")",
                "AND",
                "OR",
                "NOT",
                "*",
                "?",
                "~",
                "title:",
                "body_en:",
                "<script>",
                "</mark>",
                "<mark>",
                "&amp;",
                "1,009",
                "#1009",
                "użytkowników",
                "uzytkownikow",
                "unlink",
                "\x00",
                "\u202e",
                "%",
                "{{",
                "}}",
                "\\",
                "^2",
                "[a TO z]",
            ]
        ),
        max_size=20,
    ).map(" ".join),
)
_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@_SETTINGS
@given(text=nasty, lang=st.sampled_from(["en", "nl", "pl"]))
def test_search_page_never_fails(
    search_client: FlaskClient, text: str, lang: str
) -> None:
    response = search_client.get(f"/{lang}/search?q={quote(text)}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>" not in html.split("<main", 1)[1]
    for snippet in re.findall(r'<p class="snippet">(.*?)</p>', html, re.S):
        assert "<" not in _TAG.sub("", snippet)


@_SETTINGS
@given(text=nasty, lang=st.sampled_from(["en", "nl", "pl"]))
def test_search_api_never_fails(
    search_client: FlaskClient, text: str, lang: str
) -> None:
    response = search_client.get(f"/api/v1/search?q={quote(text)}&lang={lang}")
    assert response.status_code in (200, 400)
    body = response.get_json()
    if response.status_code == 200:
        for result in body["results"]:
            assert "<" not in _TAG.sub("", result["snippet"])
    else:
        assert body["error"]["code"] == "missing-query"


def test_ten_thousand_characters(search_client: FlaskClient) -> None:
    # Longer than any search box takes: the localized 400, on the page and the API.
    text = quote("użytkownik " * 1000)
    page = search_client.get(f"/pl/search?q={text}")
    assert page.status_code == 400
    assert "Wyszukiwany tekst jest za długi" in page.get_data(as_text=True)
    answer = search_client.get(f"/api/v1/search?q={text}&lang=pl")
    assert answer.status_code == 400
    assert answer.get_json()["error"]["code"] == "query-too-long"
