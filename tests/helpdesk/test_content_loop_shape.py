"""The content loop's services and stores run without Flask; every refusal has words."""

from __future__ import annotations

import grimp
import pytest
from flask import Flask
from flask_babel import force_locale

from helpdesk.feedback.service import REASONS, REFUSALS
from helpdesk.settings import LANGUAGES
from helpdesk.views.feedback import MESSAGES, REASON_LABELS

NO_FLASK = (
    "helpdesk.database",
    "helpdesk.feedback.store",
    "helpdesk.feedback.service",
    "helpdesk.analytics.normalize",
    "helpdesk.analytics.store",
    "helpdesk.analytics.service",
    "helpdesk.staff.store",
    "helpdesk.staff.service",
    "helpdesk.staff.report",
)


@pytest.mark.parametrize("module", NO_FLASK)
def test_services_and_stores_never_import_flask(module: str) -> None:
    graph = grimp.build_graph("helpdesk", "simulator", include_external_packages=True)
    for package in ("flask", "flask_babel", "flask_login"):
        assert graph.find_shortest_chain(importer=module, imported=package) is None


def test_every_refusal_and_reason_has_a_message() -> None:
    assert set(MESSAGES) == set(REFUSALS)
    assert tuple(REASON_LABELS) == REASONS


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_every_refusal_and_reason_is_translated(app: Flask, lang: str) -> None:
    with app.test_request_context(), force_locale(lang):
        for table in (MESSAGES, REASON_LABELS):
            for key, message in table.items():
                with force_locale("en"):
                    english = str(message)
                assert str(message) != english, (lang, key)


def test_the_content_loop_settings_are_read_from_the_environment() -> None:
    from helpdesk.settings import defaults, from_environment

    assert defaults()["ANALYTICS_RETENTION_DAYS"] == 90
    assert from_environment(
        {
            "HELPDESK_ANALYTICS_RETENTION_DAYS": "30",
            "HELPDESK_FEEDBACK_LIMIT": "1/minute",
            "HELPDESK_STAFF_SIGN_IN_LIMIT": "2/hour",
        }
    ) == {
        "ANALYTICS_RETENTION_DAYS": 30,
        "FEEDBACK_LIMIT": "1/minute",
        "STAFF_SIGN_IN_LIMIT": "2/hour",
    }
