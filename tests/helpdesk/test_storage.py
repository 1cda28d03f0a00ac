"""Choosing the store by configuration, and several app servers sharing Redis."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from helpdesk import create_app, storage
from helpdesk.sandbox.redis_store import RedisSandboxStore
from helpdesk.sandbox.store import SQLiteSandboxStore
from helpdesk.sandboxes import store
from tests.helpdesk.sandbox.helpers import API, create, snapshot
from tests.redis_server import free_port, require_redis, running_redis


def redis_config(
    app_config: dict[str, object], url: str, prefix: str
) -> dict[str, object]:
    return {
        **app_config,
        "SANDBOX_STORE": url,
        "SANDBOX_REDIS_PREFIX": prefix,
        "RATELIMIT_KEY_PREFIX": f"{prefix}limits",
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "/inst/sandboxes.sqlite3"),
        ("sqlite:///boxes.db", "/inst/boxes.db"),
        ("sqlite:////srv/boxes.db", "/srv/boxes.db"),
    ],
)
def test_sqlite_paths_are_read_from_the_url(value: str | None, expected: str) -> None:
    assert storage.sqlite_path({"SANDBOX_STORE": value}, "/inst") == expected


@pytest.mark.parametrize("value", ["postgres://x/y", "boxes.db", "sqlite:///"])
def test_an_unusable_store_url_is_a_clear_start_up_error(
    app_config: dict[str, object], value: str
) -> None:
    with pytest.raises(storage.StoreConfigError, match="HELPDESK_SANDBOX_STORE"):
        create_app({**app_config, "SANDBOX_STORE": value})


@pytest.mark.parametrize(
    ("url", "password", "expected"),
    [
        ("redis://h:6379/0", None, "redis://h:6379/0"),
        ("redis://h:6379/0", "s3cr/t", "redis://:s3cr%2Ft@h:6379/0"),
        ("rediss://u:p@h:6380/1", "other", "rediss://u:p@h:6380/1"),
    ],
)
def test_the_redis_password_comes_from_the_url_or_the_setting(
    url: str, password: str | None, expected: str
) -> None:
    config = {"SANDBOX_STORE": url, "REDIS_PASSWORD": password}
    assert storage.redis_url(config) == expected
    assert storage.ratelimit_storage(config) == expected


def test_rate_limits_follow_the_store_unless_configured() -> None:
    assert storage.ratelimit_storage({}) == "memory://"
    assert storage.ratelimit_storage({"SANDBOX_STORE": "sqlite:///x"}) == "memory://"
    assert (
        storage.ratelimit_storage(
            {"SANDBOX_STORE": "redis://h/0", "RATELIMIT_STORAGE_URI": "memory://"}
        )
        == "memory://"
    )


def test_with_redis_the_app_refuses_to_start_without_a_shared_secret_key(
    app_config: dict[str, object],
) -> None:
    config = {**app_config, "SANDBOX_STORE": "redis://127.0.0.1:1/0"}
    config.pop("SECRET_KEY")
    with pytest.raises(storage.StoreConfigError, match="HELPDESK_SECRET_KEY"):
        create_app(config)


def test_the_default_store_is_sqlite_in_the_instance(app: Flask) -> None:
    with app.app_context():
        assert isinstance(store(), SQLiteSandboxStore)


def test_two_app_servers_on_one_redis_serve_the_same_sandboxes_and_limits(
    app_config: dict[str, object], redis_url: str, redis_prefix: str
) -> None:
    config = redis_config(app_config, redis_url, redis_prefix)
    config["SANDBOX_CREATE_LIMIT"] = "3/minute"
    first = create_app({**config, "INSTANCE_PATH": app_config["INSTANCE_PATH"]})
    second = create_app({**config})
    with first.app_context():
        assert isinstance(store(), RedisSandboxStore)
    one, two = first.test_client(), second.test_client()
    sid = create(one, "bulk")
    changed = two.put(
        f"{API}/{sid}/users/bartek@bulk.example/status", json={"action": "deactivate"}
    )
    assert changed.status_code == 200
    user = next(
        u for u in snapshot(one, sid)["users"] if u["email"] == "bartek@bulk.example"
    )
    assert user["status"] == "deactivated"
    # The creation limit counts on both servers: 3 in all, not 3 each.
    assert create(two, "clean") and create(one, "clean")
    refused = two.post(API, json={"scenario": "clean"})
    assert refused.status_code == 429


def _down_then_up(app: Flask, port: int, tmp_path: Path) -> dict[str, Any]:
    client = app.test_client()
    seen: dict[str, Any] = {}
    with running_redis(tmp_path / "first", port):
        sid = create(client, "clean")
    down = client.post(f"{API}/{sid}/clock?lang=nl", json={"days": 1})
    seen["down"] = down
    seen["ready_down"] = client.get("/readyz")
    with running_redis(tmp_path / "second", port):
        seen["ready_up"] = client.get("/readyz")
        seen["created_after"] = client.post(API, json={"scenario": "clean"})
    return seen


def test_redis_down_is_a_503_and_the_app_recovers_by_itself(
    app_config: dict[str, object], tmp_path: Path
) -> None:
    require_redis()
    port = free_port()
    config = redis_config(app_config, f"redis://127.0.0.1:{port}/0", "down:")
    config["SANDBOX_STORE_TIMEOUT"] = 0.5
    app = create_app(config)
    seen = _down_then_up(app, port, tmp_path)
    down = seen["down"]
    assert down.status_code == 503
    assert down.json["error"]["code"] == "store-busy"
    assert down.json["error"]["message"].startswith("De oefenomgeving is nu bezet.")
    assert int(down.headers["Retry-After"]) > 0
    assert seen["ready_down"].status_code == 503
    assert seen["ready_down"].json["checks"]["store"] == "unavailable"
    assert seen["ready_up"].status_code == 200
    assert seen["created_after"].status_code == 201


def test_redis_down_in_the_ui_is_a_503_page_not_a_500(
    app_config: dict[str, object], tmp_path: Path
) -> None:
    require_redis()
    port = free_port()
    config = redis_config(app_config, f"redis://127.0.0.1:{port}/0", "ui-down:")
    config["SANDBOX_STORE_TIMEOUT"] = 0.5
    client = create_app(config).test_client()
    response = client.post("/pl/sandbox/new", data={"scenario": "clean"})
    assert response.status_code == 503
    assert "Piaskownica jest teraz zajęta." in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0


def test_behind_a_trusted_proxy_limits_count_per_client_not_per_proxy(
    app_config: dict[str, object],
) -> None:
    app = create_app(
        {**app_config, "TRUSTED_PROXIES": 1, "SANDBOX_CREATE_LIMIT": "1/minute"}
    )
    client = app.test_client()

    def from_client(address: str) -> int:
        return client.post(
            API, json={"scenario": "clean"}, headers={"X-Forwarded-For": address}
        ).status_code

    assert from_client("198.51.100.1") == 201
    assert from_client("198.51.100.2") == 201
    assert from_client("198.51.100.1") == 429


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(
    app_config: dict[str, object],
) -> None:
    app = create_app({**app_config, "SANDBOX_CREATE_LIMIT": "1/minute"})
    client = app.test_client()
    for address, status in (("198.51.100.1", 201), ("198.51.100.2", 429)):
        response = client.post(
            API, json={"scenario": "clean"}, headers={"X-Forwarded-For": address}
        )
        assert response.status_code == status
