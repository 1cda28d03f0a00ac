"""The JSON API's blueprint, in a module of its own so areas import no package."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__.rsplit(".", 1)[0], url_prefix="/api/v1")
