"""The sandbox API modules run against every store: SQLite and a real Redis."""

from __future__ import annotations

import pytest

#: Modules whose every test runs once per store.
EVERY_STORE = {
    "test_sandboxes",
    "test_sandboxes_bounds",
    "test_sandboxes_csv",
    "test_sandboxes_plan",
    "test_sandboxes_rules",
    "test_sharing",
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    if module in EVERY_STORE and "app_config" in metafunc.fixturenames:
        metafunc.parametrize("sandbox_store", ["sqlite", "redis"], indirect=True)


@pytest.fixture
def sandbox_store(request: pytest.FixtureRequest) -> str:
    """The store this test's app keeps sandboxes in."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def app_config(
    app_config: dict[str, object], sandbox_store: str, request: pytest.FixtureRequest
) -> dict[str, object]:
    """The shared configuration, pointed at Redis for the Redis runs.

    Each test has its own key prefix, for sandboxes and rate-limit counts alike.
    """
    if sandbox_store == "redis":
        prefix = request.getfixturevalue("redis_prefix")
        app_config["SANDBOX_STORE"] = request.getfixturevalue("redis_url")
        app_config["SANDBOX_REDIS_PREFIX"] = prefix
        app_config["RATELIMIT_KEY_PREFIX"] = f"{prefix}limits"
    return app_config
