from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from citizen_portal.security.web import public

blueprint = Blueprint("public", __name__)


@blueprint.get("/")
@public
def home() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("plans.my_plans"))
    return render_template("home.html")


@blueprint.get("/healthz")
@public
def health() -> Any:
    return {"status": "ok"}
