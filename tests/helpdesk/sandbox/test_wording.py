"""Sandbox wording that depends on numbers: days before and after the start."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_babel import force_locale

from helpdesk.sandbox.wording import deactivated_since, describe_event


@pytest.mark.parametrize(
    ("lang", "day", "expected"),
    [
        ("en", -1, "1 day before the start"),
        ("en", -12, "12 days before the start"),
        ("en", 0, "since the start"),
        ("en", 3, "since day 3"),
        ("en", 12345, "since day 12,345"),
        ("nl", -1, "1 dag voor de start"),
        ("nl", -12, "12 dagen voor de start"),
        ("nl", 0, "sinds de start"),
        ("nl", 3, "sinds dag 3"),
        ("nl", 12345, "sinds dag 12.345"),
        ("pl", -1, "1 dzień przed startem"),
        ("pl", -2, "2 dni przed startem"),
        ("pl", -12, "12 dni przed startem"),
        ("pl", -22, "22 dni przed startem"),
        ("pl", 0, "od startu"),
        ("pl", 3, "od dnia 3"),
        ("pl", 12345, "od dnia 12\xa0345"),
    ],
)
def test_the_day_a_user_was_deactivated_reads_naturally(
    app: Flask, lang: str, day: int, expected: str
) -> None:
    with app.test_request_context(), force_locale(lang):
        assert deactivated_since(day) == expected


@pytest.mark.parametrize(
    ("lang", "users", "expected"),
    [
        (
            "en",
            ["a@x.example"],
            "on day 9, 1 user will be deleted permanently: a@x.example.",
        ),
        (
            "en",
            ["a@x.example", "b@x.example"],
            "on day 9, 2 users will be deleted permanently: a@x.example, b@x.example.",
        ),
        (
            "nl",
            ["a@x.example"],
            "op dag 9 wordt 1 gebruiker definitief verwijderd: a@x.example.",
        ),
        (
            "nl",
            ["a@x.example", "b@x.example"],
            "op dag 9 worden 2 gebruikers definitief verwijderd: "
            "a@x.example, b@x.example.",
        ),
        (
            "pl",
            ["a@x.example"],
            "w dniu 9 zostanie trwale usunięty 1 użytkownik: a@x.example.",
        ),
        (
            "pl",
            ["a@x.example", "b@x.example"],
            "w dniu 9 zostaną trwale usunięci 2 użytkownicy: a@x.example, b@x.example.",
        ),
        (
            "pl",
            [f"u{i}@x.example" for i in range(5)],
            "w dniu 9 zostanie trwale usuniętych 5 użytkowników: u0@x.example,",
        ),
    ],
)
def test_the_auto_delete_notice_agrees_with_the_number_of_users(
    app: Flask, lang: str, users: list[str], expected: str
) -> None:
    event = {
        "day": 2,
        "actor": "system",
        "action": "auto-delete-notice",
        "target": "owner@x.example",
        "ok": True,
        "rule": "auto-delete-notice",
        "details": {"users": users, "delete_day": 9},
    }
    with app.test_request_context(), force_locale(lang):
        assert expected in describe_event(event)
