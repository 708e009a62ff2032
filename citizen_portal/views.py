from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from citizen_portal.db import get_session, rollback_request
from citizen_portal.security.permissions import Permission
from citizen_portal.security.web import public, requires

blueprint = Blueprint("public", __name__)


@blueprint.get("/")
@public
def home() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("plans.my_plans"))
    return render_template("home.html")


@blueprint.get("/more")
@requires(Permission.ACCOUNT_USE)
def more() -> Any:
    """The menu's fifth item: everything that does not fit in the bottom bar."""
    return render_template("more.html")


@blueprint.get("/accessibility")
@public
def accessibility() -> Any:
    """The accessibility statement (the Danish model, Digitaliseringsstyrelsen)."""
    settings = current_app.config["SETTINGS"]
    return render_template("accessibility.html", feedback_email=settings.feedback_email)


# For the load balancer, from any host name (app.py): /healthz says the process
# answers (no database), /readyz that it can reach the database too.
@blueprint.get("/healthz")
@public
def health() -> Any:
    return {"status": "ok"}


@blueprint.get("/readyz")
@public
def ready() -> Any:
    try:
        get_session().execute(text("SELECT 1"))
    except SQLAlchemyError:
        rollback_request()
        return {"status": "database unreachable"}, 503
    return {"status": "ok"}
