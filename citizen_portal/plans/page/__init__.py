"""The plan page: one model, built once from a version and its reader, already redacted.

``model.py`` is what the page shows, ``redaction.py`` how a version is read for
a representative, ``changes.py`` what changed since the reader last looked,
``build.py`` puts them together. ``templates/plans/plan.html`` and
``plans/pdf.py`` render the model and decide nothing about who may see what.
"""

from citizen_portal.plans.page.build import build_plan_page, plan_cards
from citizen_portal.plans.page.model import PlanCard, PlanPage

__all__ = ["PlanCard", "PlanPage", "build_plan_page", "plan_cards"]
