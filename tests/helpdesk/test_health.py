"""Liveness and readiness, as a load balancer asks for them."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient

from helpdesk import create_app


def test_healthz_answers_while_the_process_serves(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_is_200_when_the_store_and_the_index_are_ready(
    client: FlaskClient,
) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {
        "status": "ready",
        "checks": {"store": "ok", "search_index": "ok"},
    }


def test_readyz_is_503_without_a_search_index(tmp_path: Path) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "INSTANCE_PATH": str(tmp_path / "empty"),
            "SEARCH_AUTO_BUILD": False,
        }
    )
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["search_index"] == "missing"
    assert int(response.headers["Retry-After"]) > 0


def test_the_health_checks_are_not_localized_pages(client: FlaskClient) -> None:
    assert client.get("/en/healthz").status_code == 404
    assert client.post("/healthz").status_code == 405
