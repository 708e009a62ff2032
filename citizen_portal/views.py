from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from citizen_portal.db import get_session, rollback_request
from citizen_portal.security.web import public

blueprint = Blueprint("public", __name__)


@blueprint.get("/")
@public
def home() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("plans.my_plans"))
    return render_template("home.html")


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
