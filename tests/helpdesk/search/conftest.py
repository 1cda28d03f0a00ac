"""Search fixtures: one index built per test session, shared by read-only tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpdesk import create_app


@pytest.fixture(scope="session")
def search_instance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An instance folder whose search index is built once for the session."""
    return tmp_path_factory.mktemp("search-instance")


@pytest.fixture(scope="session")
def search_app(search_instance: Path) -> Iterator[Flask]:
    """An app over the real articles with a built index (tests must not rebuild)."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "INSTANCE_PATH": str(search_instance),
            "WTF_CSRF_ENABLED": False,
            "SEARCH_AUTO_BUILD": True,
            # Tests here swap the search function for fakes on this shared app:
            # a cached answer would outlive them. test_cache.py turns it on.
            "SEARCH_CACHE_ENTRIES": 0,
        }
    )
    yield app


@pytest.fixture(scope="session")
def search_client(search_app: Flask) -> FlaskClient:
    """A test client of :func:`search_app`."""
    return search_app.test_client()
