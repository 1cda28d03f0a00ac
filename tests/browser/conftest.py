"""A live server on a free port and a headless Chromium driven by Playwright."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from helpdesk import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _require_browser() -> None:
    """Skip without Chromium, unless CI demands the browser tests (then fail)."""
    if CHROMIUM.exists():
        return
    reason = f"Chromium not found at {CHROMIUM}"
    if os.environ.get("HELPDESK_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}, and HELPDESK_REQUIRE_BROWSER=1 requires it")
    pytest.skip(f"{reason}: the browser tests need Debian's chromium package")


def browser_app(instance: Path) -> Flask:
    """The app the browser tests serve, keeping its data under ``instance``."""
    return create_app(
        {
            "TESTING": False,
            "SECRET_KEY": "browser-test-secret",
            "INSTANCE_PATH": str(instance),
        }
    )


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """Serve ``app`` with a real WSGI server in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[str]:
    """Serve the app with a real WSGI server in a thread; yield its base URL."""
    with serve(browser_app(tmp_path / "instance")) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A headless Debian Chromium (never a downloaded one), shared by the tests."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: object, live_server: str) -> Iterator[object]:
    """A fresh browser page whose relative URLs resolve against the live server."""
    context = browser.new_context(  # type: ignore[attr-defined]
        base_url=live_server,
        accept_downloads=True,
        viewport={"width": 1400, "height": 900},
    )
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    try:
        yield tab
    finally:
        context.close()
