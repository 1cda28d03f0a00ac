"""The sandbox UI's blueprint, in a module of its own so views import no package."""

from __future__ import annotations

from helpdesk.i18n import localized_blueprint

bp = localized_blueprint("sandbox", __name__.rsplit(".", 1)[0], "/sandbox")
