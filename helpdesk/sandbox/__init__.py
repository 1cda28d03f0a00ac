"""The sandbox back end: where sandboxes are stored and the operations on them.

Views use :mod:`helpdesk.sandbox.service`; rule messages for the UI and the API
come from :mod:`helpdesk.sandbox.messages`.
"""

from __future__ import annotations

from flask import Flask

from helpdesk.sandbox import store


def init_app(app: Flask) -> None:
    """Attach the sandbox store to the app (closed at each request's teardown)."""
    store.init_app(app)
