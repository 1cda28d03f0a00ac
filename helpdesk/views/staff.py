"""``/staff/``: the sign-in area for the people who write the articles.

Accounts are made by ``helpdesk staff create <email>``; Flask-Login keeps the
session. Signing in starts a new session (the old one is cleared first, against
fixation), is rate-limited per client address and only follows ``next`` to a
local ``/staff/`` path. The area has no language prefix: its language comes from
``?lang=`` (remembered in the language cookie), the cookie or
``Accept-Language``; ``?content=`` chooses whose feedback and searches are shown
(the reader's language by default). Every table downloads as formula-safe CSV.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import (
    LoginManager,
    UserMixin,
    current_user,
    login_required,
    login_user,
    logout_user,
)
from werkzeug.wrappers import Response

from helpdesk import ratelimit
from helpdesk.content import freshness, get_library
from helpdesk.contentloop import content_loop, retention_days
from helpdesk.database import StoreUnavailable
from helpdesk.i18n import LANGUAGE_COOKIE, current_language
from helpdesk.settings import LANGUAGES
from helpdesk.staff import service
from helpdesk.staff.report import TABLES, Report, build_report, table_rows
from helpdesk.staff.store import StaffAccount
from helpdesk.views.feedback import REASON_LABELS
from simulator.csv_files import write_csv

bp = Blueprint("staff", __name__, url_prefix="/staff")
login_manager = LoginManager()
login_manager.login_view = "staff.sign_in"
# No flashed message: the sandbox queues its own notices in the same session, and
# reading the queue takes them all (the sign-in page says why from its URL).
login_manager.login_message = None

#: Column labels of the CSV downloads and the tables on the page.
COLUMN_LABELS = {
    "slug": _l("Article"),
    "section": _l("Section"),
    "yes": _l("Yes"),
    "no": _l("No"),
    "day": _l("Day"),
    "reason": _l("Reason"),
    "comment": _l("Comment"),
    "query": _l("Query"),
    "searches": _l("Searches"),
    "zero_results": _l("Searches without results"),
    "results": _l("Results (latest search)"),
    "source": _l("Source language"),
    "state": _l("State"),
    "state:OUTDATED": _l("outdated"),
    "state:MISSING": _l("missing"),
}


class StaffUser(UserMixin):
    """The signed-in account, as Flask-Login wants it."""

    def __init__(self, account: StaffAccount) -> None:
        self.account = account
        self.id = account.id
        self.email = account.email


@login_manager.user_loader
def load_user(user_id: str) -> StaffUser | None:
    """Return the account of the session, or ``None`` when it no longer exists."""
    try:
        account = content_loop().staff.get(int(user_id))
    except ValueError:
        return None
    return StaffUser(account) if account else None


def safe_next(target: str | None) -> str | None:
    """Return ``target`` when it is a local ``/staff/`` path, else ``None``."""
    if not target or not target.isprintable() or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/staff/"):
        return None
    if ".." in parts.path.split("/"):
        return None
    return target


def content_language() -> str:
    """Return the language whose feedback and searches are shown (``?content=``).

    :raise 404: for a language the site is not written in.
    """
    chosen = request.args.get("content") or current_language()
    if chosen not in LANGUAGES:
        abort(404)
    return chosen


def _report(lang: str) -> Report:
    loop = content_loop()
    return build_report(
        loop.feedback,
        loop.searches,
        lang,
        loop.today(),
        retention_days(),
        freshness.status(get_library()),
    )


def _headers() -> dict[str, str]:
    return {**{k: str(v) for k, v in COLUMN_LABELS.items()},
            **{k: str(v) for k, v in REASON_LABELS.items()}}  # fmt: skip


@bp.get("/")
@login_required
def dashboard() -> str:
    """Show feedback, comments, top and zero-result queries of one language."""
    lang = content_language()
    return render_template(
        "staff/dashboard.html",
        report=_report(lang),
        content_lang=lang,
        labels=_headers(),
        reasons=REASON_LABELS,
        retention=retention_days(),
    )


@bp.get("/<any({}):table>.csv".format(", ".join(f"'{t}'" for t in TABLES)))
@login_required
def download(table: str) -> Response:
    """Download one table of the dashboard as CSV (cells safe from formulas)."""
    lang = content_language()
    text = write_csv(table_rows(_report(lang), table, _headers()))
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{table}-{lang}.csv"'},
    )


@bp.get("/sign-in")
def sign_in() -> str | Response:
    """Show the sign-in form (or go on, when already signed in)."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or url_for(".dashboard"))
    target = safe_next(request.args.get("next"))
    if request.args.get("signed_out"):
        notice = _("You have signed out.")
    elif target:
        notice = _("Please sign in to see the staff area.")
    else:
        notice = None
    return render_template("staff/sign_in.html", next=target, notice=notice)


@bp.post("/sign-in")
def sign_in_post() -> Any:
    """Check the address and password; on success start a new session."""
    target = safe_next(request.form.get("next"))
    wait = ratelimit.hit("staff-sign-in", current_app.config["STAFF_SIGN_IN_LIMIT"])
    if wait is not None:
        error = ngettext(
            "Too many sign-in attempts. Please try again in %(num)d second.",
            "Too many sign-in attempts. Please try again in %(num)d seconds.",
            wait,
        )
        page = render_template("staff/sign_in.html", next=target, error=error)
        return page, 429, {"Retry-After": str(wait)}
    email = request.form.get("email", "")
    password = request.form.get("password", "")
    account = service.authenticate(content_loop().staff, email, password)
    if account is None:
        error = _("The e-mail address or the password is not correct.")
        page = render_template(
            "staff/sign_in.html", next=target, error=error, email=email
        )
        return page, 200
    # A new session: nothing set before signing in (by anyone) carries over.
    session.clear()
    login_user(StaffUser(account))
    return redirect(target or url_for(".dashboard"), code=303)


@bp.post("/sign-out")
def sign_out() -> Response:
    """Sign out and forget the session."""
    logout_user()
    session.clear()
    return redirect(url_for(".sign_in", signed_out=1), code=303)


@bp.errorhandler(StoreUnavailable)
def store_unavailable(error: StoreUnavailable) -> Any:
    """Answer a busy store with a localized 503 and ``Retry-After``."""
    message = _("The staff area is busy just now. Please try again in a moment.")
    page = render_template(
        "errors/error.html", status=503, message=message, lang=current_language()
    )
    return page, 503, {"Retry-After": str(error.retry_after)}


@bp.context_processor
def staff_context() -> dict[str, Any]:
    # The header's language switch stays in the staff area (?lang=, not a prefix).
    def language_urls() -> dict[str, str]:
        args = {k: v for k, v in request.args.items() if k != "lang"}
        endpoint = request.endpoint if request.method == "GET" else None
        values = request.view_args or {}
        return {
            code: url_for(endpoint or ".sign_in", **values, **args, lang=code)
            for code in LANGUAGES
        }

    return {"language_urls": language_urls, "LANGUAGE_CHOICES": LANGUAGES}


@bp.after_request
def private(response: Response) -> Response:
    """Keep staff pages out of caches; remember a language chosen by ``?lang=``."""
    response.headers["Cache-Control"] = "no-store"
    chosen = request.args.get("lang")
    if chosen in LANGUAGES and request.cookies.get(LANGUAGE_COOKIE) != chosen:
        response.set_cookie(
            LANGUAGE_COOKIE,
            chosen,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        )
    return response


def init_app(app: Flask) -> None:
    """Register the staff area and its session handling (Flask-Login)."""
    # Templates get the proxy, not the user: a page that never shows who is
    # signed in (every public page) does not load the user to render.
    login_manager.init_app(app, add_context_processor=False)
    app.context_processor(lambda: {"current_user": current_user})
    app.register_blueprint(bp)
