"""Every rule, account problem, CSV reason and row error has a localized message."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_babel import force_locale

from helpdesk.sandbox import messages
from simulator import RULES, AccountError, CsvRejected, RuleViolation

LANGS = ("en", "nl", "pl")
PARAMS = {
    "actor": "ann@acme.example",
    "email": "ann@acme.example",
    "transfer_email": "ann@acme.example",
    "role": "member",
    "status": "active",
    "domain": "acme.example",
    "pool": 2,
    "assigned": 2,
    "license": "licensed",
    "reason": "unknown",
    "needs": "active",
    "privilege": "bulk_remove",
    "code": 1009,
    "blockers": [{"kind": "room", "id": "r1"}],
}
PROBLEMS = [
    ("type", {"expected": "integer"}),
    ("unknown-key", {"key": "colour"}),
    ("too-many", {"max": 5, "count": 6}),
    ("too-many-items", {"max": 5, "count": 6}),
    ("too-long", {"max": 5}),
    ("empty", {}),
    ("out-of-range", {"min": 1, "max": 5}),
    ("invalid-value", {"allowed": ["a", "b"]}),
    ("invalid-email", {}),
    ("invalid-domain", {}),
    ("missing", {}),
    ("duplicate", {"value": "x"}),
    ("owner-count", {"count": 2}),
    ("deactivated-licensed", {}),
    ("not-deactivated", {}),
    ("owner-not-active", {}),
    ("too-deep", {}),
    ("license-pool", {"pool": 1, "assigned": 2}),
]
CSV_REASONS = [
    ("empty", {}),
    ("binary", {}),
    ("too-large", {"max_bytes": 1048576}),
    ("too-many-rows", {"max_rows": 1000, "rows": 1001}),
    ("no-email-column", {"columns": ["Name"]}),
    ("encoding", {}),
    ("bad-action", {"action": "x", "allowed": ["delete"]}),
]
ROW_CODES = [
    "missing-email",
    "invalid-email",
    "invalid-transfer-email",
    "invalid-flag",
    "duplicate-row",
    "unknown-user",
]


def in_languages(app: Flask, make: object) -> dict[str, str]:
    with app.test_request_context():
        out = {}
        for lang in LANGS:
            with force_locale(lang):
                out[lang] = make()  # type: ignore[operator]
        return out


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_every_rule_has_a_message_in_every_language(app: Flask, rule_id: str) -> None:
    texts = in_languages(
        app, lambda: messages.rule_message(RuleViolation(rule_id, **PARAMS))
    )
    assert len(set(texts.values())) == 3, texts
    assert all("rule" not in t and "%(" not in t for t in texts.values())


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_every_rule_links_to_its_section(app: Flask, rule_id: str) -> None:
    rule = RULES[rule_id]
    with app.test_request_context():
        for lang in LANGS:
            url, title = messages.rule_source(rule_id, lang)
            assert url == f"/{lang}/articles/{rule.article}#{rule.section}"
            assert title and title != rule.section


@pytest.mark.parametrize(("problem", "params"), PROBLEMS)
def test_every_account_problem_names_the_field(
    app: Flask, problem: str, params: dict[str, object]
) -> None:
    error = AccountError("users[3].email", problem, **params)
    texts = in_languages(app, lambda: messages.account_error_message(error))
    generic = in_languages(
        app, lambda: messages.account_error_message(AccountError("f", "?"))
    )
    assert all("users[3].email" in t for t in texts.values())
    assert len(set(texts.values())) == 3
    assert texts["en"] != generic["en"].replace("f", "users[3].email")


@pytest.mark.parametrize(("reason", "params"), CSV_REASONS)
def test_every_csv_reason_has_a_message(
    app: Flask, reason: str, params: dict[str, object]
) -> None:
    texts = in_languages(
        app, lambda: messages.csv_rejected_message(CsvRejected(reason, **params))
    )
    generic = in_languages(app, lambda: messages.csv_rejected_message(CsvRejected("?")))
    assert len(set(texts.values())) == 3
    assert texts["en"] != generic["en"]


@pytest.mark.parametrize("code", ROW_CODES)
def test_every_row_error_has_a_message(app: Flask, code: str) -> None:
    texts = in_languages(app, lambda: messages.row_error_message(code, "x@y.example"))
    assert len(set(texts.values())) == 3
    assert code not in texts["en"]


def test_polish_plurals_use_three_forms(app: Flask) -> None:
    def pool(n: int) -> str:
        violation = RuleViolation("license-pool", email="a@b.example", pool=n)
        return messages.rule_message(violation)

    with app.test_request_context(), force_locale("pl"):
        assert "1 licencję" in pool(1)
        assert "3 licencje" in pool(3)
        assert "5 licencji" in pool(5)
