"""The header's controls and a page's own have names that tell them apart."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient


@pytest.mark.parametrize("lang", ["en", "nl", "pl"])
def test_the_header_and_the_page_look_up_buttons_have_distinct_names(
    client: FlaskClient, lang: str
) -> None:
    for path in (f"/{lang}/", f"/{lang}/errors/", f"/{lang}/search?q=qqxxzzyy"):
        page = client.get(path).get_data(as_text=True)
        names = re.findall(r'<button type="submit" aria-label="([^"]+)"', page)
        assert len(names) == 2 and len(set(names)) == 2, path
