"""Plain, translated error pages: never a stack trace, never a bare 500."""

from __future__ import annotations

from typing import Any

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from citizen_portal.db import UnitOfWorkFailed, rollback_request
from citizen_portal.fhir.outcome import Issue, outcome_response
from citizen_portal.i18n import lazy_gettext as _l

MESSAGES = {
    400: (_l("Something in the request was wrong"), _l("Go back and try again.")),
    403: (
        _l("You cannot see this page"),
        _l(
            "You are signed in, but this page is not for you. "
            "Some things only the citizen can do, such as approving a plan. "
            "If you act for someone, their power of attorney may have ended. "
            "Go to your plans, or ask the person to give you access again."
        ),
    ),
    404: (
        _l("Page not found"),
        _l("Check the address, or go to your plans."),
    ),
    405: (_l("Something in the request was wrong"), _l("Go back and try again.")),
    503: (
        _l("Nothing was saved"),
        _l(
            "We could not reach our records just now, so nothing was changed. Try again soon. "
            "If your life is in danger, call 112."
        ),
    ),
    500: (
        _l("Sorry, something went wrong on our side"),
        _l("Try again later. If you need help now, call the number on your plan."),
    ),
}


def _render(code: int) -> Any:
    title, body = MESSAGES.get(code, MESSAGES[500 if code >= 500 else 400])
    if request.path.startswith("/api/"):
        # Partner systems get FHIR's error shape, never an HTML page.
        message = API_MESSAGES.get(code, title)
        return outcome_response(
            [Issue(request.path, message, API_CODES.get(code, "exception"))], code
        )
    return render_template("errors/error.html", title=title, body=body, code=code), code


def error_link(code: int) -> tuple[str, Any]:
    """Where an error page sends the person: the place its text names."""
    if code in (403, 404):
        return "plans.my_plans", _l("Go to your plans")
    return "public.home", _l("Go to the front page")


API_MESSAGES = {
    404: _l("There is nothing at this address."),
    405: _l("This address does not accept that method."),
    413: _l("The request is larger than 1 MB."),
    503: _l("Nothing was stored. Try again later."),
}
API_CODES = {
    404: "not-found",
    405: "not-supported",
    413: "too-costly",
    500: "exception",
    503: "transient",
}


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError) -> Any:
        title = _l("Your page had expired")
        body = _l("For your safety, forms stop working after a while. Go back and try again.")
        return render_template("errors/error.html", title=title, body=body, code=400), 400

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Any:
        return _render(error.code or 500)

    # The database went away (or stayed locked) during the request or at its one
    # commit: the transaction was rolled back, so nothing of it is stored.
    @app.errorhandler(UnitOfWorkFailed)
    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _not_stored(_error: Exception) -> Any:
        app.logger.exception("the request's changes could not be stored")
        rollback_request()  # the error page must not find a broken transaction
        # The page itself must not ask the database again (who is signed in, the
        # unread messages): it may still be away.
        g.database_unreachable = True
        if "_login_user" not in g:
            g._login_user = app.login_manager.anonymous_user()  # type: ignore[attr-defined]
        return _render(503)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Any:
        app.logger.exception("unhandled error")
        rollback_request()  # nothing half-done is stored; the page can query again
        return _render(500)
