"""Static files under content-hashed names, cached for a year; the favicon.

At start every file of the static folder gets a name with a digest of its bytes
(``style.css`` -> ``style.3f2a1b9c8d7e.css``); ``url_for('static', ...)`` builds
that name, and the static view answers it with ``Cache-Control: public,
max-age=31536000, immutable``: a changed file has a new name, so a browser never
needs to ask again. The plain name keeps working (revalidated on every use, as
Flask does by default), and so does a hashed name whose digest is not the current
one (a page of a server still on the previous deploy): it gets the current file,
revalidated like a plain name.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, send_from_directory
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

#: A year: the longest max-age caches are asked to honour.
IMMUTABLE_MAX_AGE = 365 * 24 * 3600
#: How long a browser may keep ``/favicon.ico`` (its name cannot carry a hash).
SHORT_MAX_AGE = 24 * 3600
_HASHED = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{12})(?P<suffix>\.[^./]+)$")
_EXTENSION_KEY = "helpdesk.assets"


@dataclass(frozen=True)
class Manifest:
    """The hashed name of every static file, and the way back."""

    hashed: dict[str, str]
    original: dict[str, str]

    @classmethod
    def build(cls, folder: Path) -> Manifest:
        """Hash every file below ``folder`` (names relative to it, with ``/``)."""
        hashed = {}
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = path.relative_to(folder)
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            hashed[name.as_posix()] = name.with_name(
                f"{path.stem}.{digest}{path.suffix}"
            ).as_posix()
        return cls(hashed, {v: k for k, v in hashed.items()})

    def resolve(self, filename: str) -> tuple[str, bool]:
        """Return the file to send for ``filename`` and whether it is immutable."""
        if filename in self.original:
            return self.original[filename], True
        match = _HASHED.match(filename)
        if match and f"{match['stem']}{match['suffix']}" in self.hashed:
            return f"{match['stem']}{match['suffix']}", False
        return filename, False


def manifest() -> Manifest:
    """Return the current app's static manifest."""
    found: Manifest = current_app.extensions[_EXTENSION_KEY]
    return found


def send_static(filename: str) -> Response:
    """Send a static file; immutable for a year under its current hashed name."""
    name, immutable = manifest().resolve(filename)
    folder = current_app.static_folder
    if folder is None:
        raise NotFound()
    if not immutable:
        return send_from_directory(folder, name)  # revalidated on every use
    response = send_from_directory(folder, name, max_age=IMMUTABLE_MAX_AGE)
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response


def favicon() -> Response:
    """Send ``/favicon.ico``, which browsers ask for on their own."""
    folder = current_app.static_folder
    if folder is None:
        raise NotFound()
    response = send_from_directory(
        folder,
        "favicon.ico",
        mimetype="image/vnd.microsoft.icon",
        max_age=SHORT_MAX_AGE,
    )
    response.cache_control.public = True
    return response


def init_app(app: Flask) -> None:
    """Hash the static files; make ``url_for('static')`` and the static view use it."""
    if app.static_folder is None:
        return
    app.extensions[_EXTENSION_KEY] = Manifest.build(Path(app.static_folder))

    @app.url_defaults
    def hashed_static_name(endpoint: str, values: dict[str, str]) -> None:
        if endpoint == "static" and "filename" in values:
            values["filename"] = manifest().hashed.get(
                values["filename"], values["filename"]
            )

    app.view_functions["static"] = send_static
    app.add_url_rule("/favicon.ico", "favicon", favicon)
