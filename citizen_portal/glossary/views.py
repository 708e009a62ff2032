"""The glossary and one explainer page per plan type: public, they show nobody's data."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template
from flask_babel import force_locale

from citizen_portal.glossary.explainers import EXPLAINERS, HEADINGS
from citizen_portal.glossary.terms import TERMS
from citizen_portal.plans.types import PlanType
from citizen_portal.plans.vocabulary import PLAN_TYPE_LEGAL_NAMES, PLAN_TYPE_NAMES
from citizen_portal.security.web import public

blueprint = Blueprint("glossary", __name__)


def plan_type_slug(plan_type: PlanType) -> str:
    return plan_type.value.replace("_", "-")


@blueprint.get("/glossary")
@public
def glossary() -> Any:
    # Sorted by the name in the reader's language, each with the Danish word the
    # plans use beside it (plans are written in Danish).
    terms = sorted(TERMS, key=lambda t: str(t.name).casefold())
    with force_locale("da"):
        danish = {t.slug: str(t.name) for t in terms}
    return render_template("glossary/glossary.html", terms=terms, danish=danish)


@blueprint.get("/about/<slug>")
@public
def explainer(slug: str) -> Any:
    found = [t for t in PlanType if plan_type_slug(t) == slug]
    if not found:
        abort(404)
    plan_type = found[0]
    return render_template(
        "glossary/explainer.html",
        plan_type=plan_type,
        name=PLAN_TYPE_NAMES[plan_type],
        legal_name=PLAN_TYPE_LEGAL_NAMES[plan_type],
        sections=EXPLAINERS[plan_type],
        headings=HEADINGS,
    )
