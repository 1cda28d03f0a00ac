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


def test_purge_command_removes_only_expired_sandboxes(app, runner):
    import time

    with app.app_context():
        store = service.get_store()
        kept = service.create_sandbox("clean").id
        # Creating a sandbox purges too, so the idle one is made last.
        idle_since = time.time() - app.config["SANDBOX_TTL_SECONDS"] - 60
        store.clock = lambda: idle_since  # created, and last used, a day ago
        expired = service.create_sandbox("clean").id
        store.clock = time.time
    result = runner.invoke(args=["sandbox", "purge"])
    assert result.exit_code == 0
    assert "1 expired sandbox(es) removed" in result.output
    with app.app_context():
        assert service.get_sandbox(kept).id == kept
        assert store.get(expired) is None
        assert store.count() == 1
