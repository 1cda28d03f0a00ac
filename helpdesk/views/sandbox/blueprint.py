"""The sandbox UI's blueprint, in a module of its own so views import no package."""

from __future__ import annotations

from helpdesk.breaks import breakable
from helpdesk.i18n import localized_blueprint

bp = localized_blueprint("sandbox", __name__.rsplit(".", 1)[0], "/sandbox")

# Long addresses in headings and table cells wrap at "@" and "." on a phone.
bp.add_app_template_filter(breakable, "breakable")
