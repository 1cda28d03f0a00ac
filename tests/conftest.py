"""Shared fixtures: an app on temporary paths, its test client and CLI runner."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from helpdesk import create_app
from helpdesk.settings import LANGUAGES, PROJECT_ROOT
from tests.redis_server import require_redis, running_redis

ARTICLES = PROJECT_ROOT / "articles"


@pytest.fixture(scope="session")
def languages() -> tuple[str, ...]:
    """Every language the site is written in."""
    return LANGUAGES


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A private copy of the articles that a test may break."""
    target = tmp_path / "articles"
    shutil.copytree(ARTICLES, target)
    return target


@pytest.fixture(scope="session")
def search_index_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A search index of the shipped articles, built once per test session."""
    instance = tmp_path_factory.mktemp("search-template")
    create_app({"TESTING": True, "INSTANCE_PATH": str(instance)})
    return instance / "search"


@pytest.fixture
def app_config(tmp_path: Path, search_index_template: Path) -> dict[str, object]:
    """Configuration for a test app; tests may add keys before ``app`` is built.

    The instance folder starts with a copy of the session's search index, so an app
    only rebuilds it when a test changes the content.
    """
    instance = tmp_path / "instance"
    shutil.copytree(search_index_template, instance / "search", symlinks=True)
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "INSTANCE_PATH": str(instance),
        "WTF_CSRF_ENABLED": False,
    }


@pytest.fixture
def app(app_config: dict[str, object]) -> Iterator[Flask]:
    """An application on temporary paths (CSRF off; tests of CSRF turn it on)."""
    application = create_app(app_config)
    yield application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for ``app``."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A CLI runner for ``app``'s commands."""
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a real ``redis-server`` shared by the session's tests.

    Tests keep apart by key prefix (:func:`redis_prefix`).
    """
    require_redis()
    with running_redis(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def redis_prefix() -> str:
    """A key prefix of this test's own in the shared Redis."""
    return f"test:{uuid.uuid4().hex}:"
