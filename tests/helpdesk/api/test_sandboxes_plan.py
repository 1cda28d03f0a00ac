"""The diagnosis plan, executed over HTTP as the owner, clears error 1009."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from simulator import SCENARIOS
from tests.helpdesk.sandbox.helpers import API, XHR, create


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_running_the_plan_makes_the_invitation_acceptable(
    client: FlaskClient, scenario: str
) -> None:
    sid = create(client, scenario)
    diagnosis = client.get(f"{API}/{sid}/diagnosis?code=1009").json
    assert diagnosis["blocked"] is bool(diagnosis["plan"])
    for call in diagnosis["plan"]:
        # A step without a body (DELETE) carries the header, as a script would.
        kwargs = {"headers": XHR} if call["body"] is None else {"json": call["body"]}
        response = client.open(call["path"], method=call["method"], **kwargs)
        assert response.status_code == 200, (call, response.json)
    after = client.get(f"{API}/{sid}/diagnosis").json
    assert after["blocked"] is False
    assert after["plan"] == []
    response = client.post(f"{API}/{sid}/invitation/accept", headers=XHR)
    assert response.status_code == 200, response.json
    assert response.json == {"accepted": True, "event": response.json["event"]}


def test_blocked_scenarios_are_blocked_before_the_plan(client: FlaskClient) -> None:
    for scenario in ("error-1009", "bulk", "auto-delete", "addons"):
        sid = create(client, scenario)
        response = client.post(f"{API}/{sid}/invitation/accept", headers=XHR)
        assert response.status_code == 409
        assert response.json["error"]["code"] == 1009
