"""``POST /<lang>/articles/<slug>/feedback``: "Was this helpful?" answers.

Without JavaScript the form posts and is redirected (303) back to the article,
to the feedback block of the same section, which then says thank you
(``?feedback=thanks&section=<id>``). ``static/feedback.js`` posts the same form
with ``Accept: application/json`` and ``X-Requested-With``; the answer is then
JSON: ``{"ok": true, "message"}``, or the API's ``{"error": {...}}``.
Every refusal is a localized 400 that stores nothing; too many answers from one
address are a 429 with ``Retry-After``. No address or cookie id is stored.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, redirect, render_template, request, url_for
from flask_babel import format_number, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response

from helpdesk import ratelimit
from helpdesk.contentloop import content_loop
from helpdesk.database import StoreUnavailable
from helpdesk.errors import api_error
from helpdesk.feedback import service
from helpdesk.i18n import current_language, localized_blueprint
from helpdesk.views.pages import get_translation

bp = localized_blueprint("feedback", __name__)

#: What each refusal of :mod:`helpdesk.feedback.service` tells the reader.
MESSAGES = {
    "invalid-helpful": _l("Please answer “Yes” or “No”."),
    "invalid-section": _l("This article has no such section."),
    "invalid-reason": _l("Please choose one of the reasons listed."),
    "reason-without-no": _l("A reason can only be given with the answer “No”."),
    "comment-without-no": _l("A comment can only be given with the answer “No”."),
    "comment-too-long": _l(
        "Your comment is too long: please keep it to %(max)s characters."
    ),
    "control-characters": _l(
        "Your answer contains characters that cannot be used in a comment."
    ),
}

#: The reasons the form offers after "No", in its order.
REASON_LABELS = {
    "outdated": _l("Outdated"),
    "unclear": _l("Unclear"),
    "did-not-work": _l("It did not work for me"),
    "not-in-my-language": _l("Not in my language"),
    "other": _l("Other"),
}


def wants_json() -> bool:
    """Return whether the request was sent by the script (JSON, not a page)."""
    if "X-Requested-With" in request.headers:
        return True
    best = request.accept_mimetypes.best_match(("text/html", "application/json"))
    return best == "application/json"


def feedback_anchor(section: str) -> str:
    """Return the id of the feedback block of ``section`` ("" for the article)."""
    return f"feedback-{section}" if section else "feedback"


def _refused(
    status: int, message: str, code: str, slug: str, retry_after: int | None = None
) -> Any:
    if wants_json():
        body, status = api_error(status, message, code=code)
        response = current_app.make_response((body, status))
    else:
        section = request.form.get("section", "")
        back = url_for("pages.article", slug=slug)
        if isinstance(section, str) and section.isascii() and section.isprintable():
            back = url_for("pages.article", slug=slug, _anchor=feedback_anchor(section))
        response = current_app.make_response(
            (
                render_template(
                    "feedback_error.html", status=status, message=message, back=back
                ),
                status,
            )
        )
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


@bp.post("/articles/<slug>/feedback")
def submit(slug: str) -> Any:
    """Store one answer, then thank the reader (a redirect, or JSON for the script).

    :raise 404: when no article has this slug.
    """
    wait = ratelimit.hit("feedback", current_app.config["FEEDBACK_LIMIT"])
    if wait is not None:
        message = ngettext(
            "You have sent a lot of feedback in a short time. "
            "Please try again in %(num)d second.",
            "You have sent a lot of feedback in a short time. "
            "Please try again in %(num)d seconds.",
            wait,
        )
        return _refused(429, message, "too-many-requests", slug, retry_after=wait)
    article = get_translation(slug).article
    loop = content_loop()
    target = service.Target(current_language(), article.slug, set(article.section_ids))
    try:
        entry = service.submit(loop.feedback, target, request.form, loop.today())
    except service.FeedbackRefused as refused:
        params = {
            name: format_number(value) if isinstance(value, int) else value
            for name, value in refused.params.items()
        }
        message = str(MESSAGES[refused.refusal]) % params
        return _refused(400, message, refused.refusal, slug)
    except StoreUnavailable as busy:
        message = _("Your feedback could not be saved just now. Please try again.")
        return _refused(503, message, "store-busy", slug, busy.retry_after)
    thanks = _("Thank you for your feedback.")
    if wants_json():
        return {"ok": True, "message": thanks, "section": entry.section}
    target_url = url_for(
        "pages.article",
        slug=article.slug,
        feedback="thanks",
        section=entry.section or None,
        _anchor=feedback_anchor(entry.section),
    )
    return redirect(target_url, code=303)


@bp.context_processor
def article_language_urls() -> dict[str, Any]:
    # A refusal page's language switch leads to the article, not to this POST URL.
    slug = (request.view_args or {}).get("slug", "")

    def language_urls() -> dict[str, str]:
        return {
            code: url_for("pages.article", slug=slug, lang_code=code)
            for code in current_app.config["LANGUAGES"]
        }

    return {"language_urls": language_urls}


@bp.errorhandler(CSRFError)
def csrf_refused(error: CSRFError) -> Response | Any:
    """Answer a missing or expired CSRF token like any other refusal."""
    message = _("Your form expired or was not sent from this site. Please try again.")
    slug = (request.view_args or {}).get("slug", "")
    return _refused(400, message, "csrf", slug)


def init_app(app: Flask) -> None:
    """Register the feedback route and give templates the list of reasons."""
    app.register_blueprint(bp)

    @app.context_processor
    def feedback_context() -> dict[str, Any]:
        return {
            "FEEDBACK_REASONS": REASON_LABELS,
            "FEEDBACK_MAX_COMMENT": service.MAX_COMMENT_LENGTH,
        }
