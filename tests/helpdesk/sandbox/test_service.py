"""Service helpers that need neither an app nor a store."""

from __future__ import annotations

from helpdesk.sandbox import service
from simulator import load_scenario


def test_users_tabs_split_pending_users_and_search_by_part_of_the_email():
    account = load_scenario("error-1009")
    listed = service.users_on_tab(account, "users")
    pending = service.users_on_tab(account, "pending")
    assert {u.email for u in listed} | {u.email for u in pending} == {
        u.email for u in account.users
    }
    assert all(u.status.value == "pending" for u in pending)
    assert all(u.status.value != "pending" for u in listed)
    assert [u.email for u in service.users_on_tab(account, "users", "ANN@")] == [
        "ann@acme.example"
    ]
