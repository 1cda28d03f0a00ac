"""Every rule, account problem, CSV reason and row error has a localized message."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import force_locale

from helpdesk.content import get_library
from helpdesk.sandbox import messages
from helpdesk.sandbox.errors import SandboxError
from simulator import RULES, AccountError, CsvRejected, RuleViolation

LANGS = ("en", "nl", "pl")
ROOT = Path(__file__).resolve().parents[3]
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


#: A word of each rule's statement, by language: its linked section must say it.
STATED = {
    "pending-user": {"en": "pending", "nl": "in behandeling", "pl": "oczekujący"},
    "admin-convert-first": {"en": "admin", "nl": "beheerder", "pl": "administrator"},
    "auto-delete-notice": {"en": "e-mail", "nl": "e-mail", "pl": "e-mail"},
}


@pytest.mark.parametrize("rule_id", sorted(STATED))
def test_a_rule_links_to_the_section_that_states_it(app: Flask, rule_id: str) -> None:
    rule = RULES[rule_id]
    with app.app_context():
        library = get_library()
        for lang, word in STATED[rule_id].items():
            article = library.get(rule.article, lang)
            assert article is not None
            (section,) = [s for s in article.sections if s.id == rule.section]
            assert word in f"{section.title} {section.text}".lower(), (lang, section.id)


@pytest.mark.parametrize(("problem", "params"), PROBLEMS)
def test_every_account_problem_names_the_field(
    app: Flask, problem: str, params: dict[str, object]
) -> None:
    error = AccountError("users[3].email", problem, **params)
    texts = in_languages(app, lambda: messages.account_error_message(error))
    assert all("users[3].email" in t for t in texts.values())
    assert len(set(texts.values())) == 3
    assert all("%(" not in t for t in texts.values())


@pytest.mark.parametrize(
    ("assigned", "expected"),
    [
        (1, {"en": "1 license is", "nl": "er is 1 licentie", "pl": "1 licencję"}),
        (2, {"en": "2 licenses are", "nl": "er zijn 2 licenties", "pl": "2 licencje"}),
        (5, {"en": "5 licenses are", "nl": "er zijn 5 licenties", "pl": "5 licencji"}),
        (22, {"en": "22 licenses", "nl": "22 licenties", "pl": "22 licencje"}),
    ],
)
def test_an_overfull_license_pool_counts_in_each_language_plural(
    app: Flask, assigned: int, expected: dict[str, str]
) -> None:
    error = AccountError("licenses.licensed", "license-pool", pool=0, assigned=assigned)
    texts = in_languages(app, lambda: messages.account_error_message(error))
    for lang, words in expected.items():
        assert words in texts[lang], texts[lang]


@pytest.mark.parametrize(("reason", "params"), CSV_REASONS)
def test_every_csv_reason_has_a_message(
    app: Flask, reason: str, params: dict[str, object]
) -> None:
    texts = in_languages(
        app, lambda: messages.csv_rejected_message(CsvRejected(reason, **params))
    )
    assert len(set(texts.values())) == 3
    assert all("%(" not in t for t in texts.values())


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


@pytest.mark.parametrize(
    "message_id", ["rule:nope", "account:nope", "csv:nope", "row:nope", "nope"]
)
def test_an_id_without_a_message_is_an_error_not_a_fallback(
    app: Flask, message_id: str
) -> None:
    with app.test_request_context(), pytest.raises(KeyError):
        messages.wording(message_id)


def test_the_tables_cover_every_id_the_code_raises() -> None:
    raised = raised_ids()
    assert raised  # the scan found the raising code
    missing = sorted(i for i in raised if not has_wording(i))
    assert missing == []


def test_the_id_scan_sees_each_kind_of_id() -> None:
    raised = raised_ids()
    for example in (
        "rule:managed-domain",
        "account:invalid-email",
        "csv:encoding",
        "row:duplicate-row",
        "input:out-of-range",
        "unknown-user",
        "store-busy",
        "too-many-sandboxes",
    ):
        assert example in raised, example


def _literal(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _ids_in(call: ast.Call) -> set[str]:
    """Return the message ids a call raises or records, if it is one of ours."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    args = [_literal(a) for a in call.args]
    keywords = {k.arg: _literal(k.value) for k in call.keywords}
    first = args[0] if args else None
    second = args[1] if len(args) > 1 else None
    if name in ("RuleViolation", "log_rule") and first:
        return {f"rule:{first}"}
    if name == "AccountError" and second:
        return {f"account:{second}"}
    if name == "CsvRejected" and first:
        return {f"csv:{first}"}
    if name in ("RowResult", "BulkResult") and keywords.get("error"):
        return {f"row:{keywords['error']}"}
    if name == "invalid_input" and second:
        return {f"input:{second}"}
    if name == "not_found" and first:
        return {f"unknown-{first}"}
    if name == "SandboxError" and first:
        if "message_id" in keywords:  # worded by a table the other cases cover
            return {keywords["message_id"]} if keywords["message_id"] else set()
        return {first}
    return set()


@cache
def raised_ids() -> frozenset[str]:
    """Return every message id a literal in simulator/ or helpdesk/ raises."""
    found: set[str] = set()
    for package in ("simulator", "helpdesk"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call):
                    found |= _ids_in(node)
    # Made from variables, so no literal names them: the service's shorthands.
    found |= {"store-busy", "too-many-sandboxes", "sandbox-too-large"}
    found |= {"unknown-sandbox", "bulk-refused"}
    return frozenset(found)


def has_wording(message_id: str) -> bool:
    try:
        messages.wording(message_id)
    except KeyError:
        return False
    return True


@pytest.mark.parametrize("error_id", sorted(set(messages.ERROR_MESSAGES) - {"request"}))
def test_every_error_has_a_message_in_every_language(app: Flask, error_id: str) -> None:
    error = SandboxError(error_id, 400, params={**PARAMS, "count": 2, "name": "x"})
    texts = in_languages(app, lambda: messages.message(error))
    assert len(set(texts.values())) == 3, texts
    assert all("%(" not in t for t in texts.values())
