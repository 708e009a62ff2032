"""Consents: see them (in effect and the history), give one, withdraw one."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from citizen_portal.audit.models import AuditTag
from citizen_portal.audit.services import record_read_or_change
from citizen_portal.consents import services
from citizen_portal.consents.forms import SOMEONE_ELSE, ConsentForm
from citizen_portal.consents.models import Consent
from citizen_portal.consents.vocabulary import PURPOSE_HINTS, PURPOSE_NAMES
from citizen_portal.db import get_session, utcnow
from citizen_portal.i18n import lazy_gettext as _l
from citizen_portal.notifications.services import representative_changed
from citizen_portal.organisations.models import Organisation
from citizen_portal.people.models import Person
from citizen_portal.plans.models import Plan
from citizen_portal.plans.relations import organisations_taking_part
from citizen_portal.plans.services import plans_for_citizen
from citizen_portal.plans.vocabulary import PLAN_TYPE_NAMES
from citizen_portal.representation.rules import gives_own_consent
from citizen_portal.security.actors import Actor
from citizen_portal.security.permissions import Permission
from citizen_portal.security.policy import can
from citizen_portal.security.web import from_url, requires, signed_in_actor

blueprint = Blueprint("consents", __name__, url_prefix="/consents")


def _audit(actor: Actor, tag: AuditTag, consent: Consent | None = None) -> None:
    event = record_read_or_change(
        actor,
        tag,
        "consent" if consent else "consent_list",
        consent.id if consent else None,
        {"purpose": consent.purpose.value} if consent else None,
    )
    representative_changed(get_session(), event)  # the citizen is told of a representative's


def _too_young(actor: Actor) -> bool:
    """A citizen under 15 acting for themself: the person with custody gives consents."""
    if actor.is_representative:
        return False
    person = get_session().get(Person, actor.subject_person_id)
    return person is not None and not gives_own_consent(person.birth_date, utcnow().date())


def _too_young_page() -> Any:
    title = _l("The person with parental responsibility gives consent on your behalf")
    body = _l(
        "You can give consent yourself from the age of 15. "
        "Until then, the person with parental responsibility for you gives it."
    )
    return render_template("errors/error.html", title=title, body=body, code=403), 403


@blueprint.get("")
@requires(Permission.CONSENTS_READ)
def overview() -> Any:
    actor = signed_in_actor()
    db = get_session()
    consents = services.for_citizen(db, actor.subject_person_id)
    today = utcnow().date()
    _audit(actor, AuditTag.CONSENTS_VIEWED)
    return render_template(
        "consents/overview.html",
        current=[c for c in consents if c.in_effect(today)],
        plan_consents=[
            c for c in services.plan_consents(db, actor.subject_person_id) if c.in_effect
        ],
        earlier=[c for c in consents if not c.in_effect(today)],
        today=today,
        purpose_names=PURPOSE_NAMES,
        may_manage=can(actor, Permission.CONSENTS_MANAGE, actor.subject_person_id),
        too_young=_too_young(actor),
        me=actor.person_id,
    )


def _consent_form(actor: Actor) -> tuple[ConsentForm, list[Organisation], list[Plan]]:
    """The form, offering only what fits this person: their plans, the places taking
    part in them, and purposes for plan types they have."""
    db = get_session()
    plans = plans_for_citizen(db, actor.subject_person_id)
    form = ConsentForm()
    form.offer_purposes({p.plan_type for p in plans})
    form.plan.choices = [SelectChoice("", _l("No particular plan"))] + [
        SelectChoice(str(p.id), f"{PLAN_TYPE_NAMES[p.plan_type]}, {p.author_organisation.name}")
        for p in plans
    ]
    organisations = organisations_taking_part(db, actor.subject_person_id)
    form.recipient_organisation.choices = [
        SelectChoice(str(o.id), o.name) for o in organisations
    ] + [SelectChoice(SOMEONE_ELSE, _l("Someone else, for example a relative"))]
    if organisations:
        form.recipient.label.text = str(_l("If someone else: their name and phone number"))
    return form, organisations, plans


@blueprint.route("/new", methods=["GET", "POST"])
@requires(Permission.CONSENTS_MANAGE)
def give() -> Any:
    """Question page, then "Check your answers" (with a change button per answer), then
    the save and its confirmation. Nothing is stored before the person confirms."""
    actor = signed_in_actor()
    if _too_young(actor):
        return _too_young_page()
    db = get_session()
    form, organisations, plans = _consent_form(actor)
    if not form.is_submitted():
        form.recipient_organisation.data = SOMEONE_ELSE
        form.expires_on.data = ConsentForm.default_end(utcnow().date())
        # The form names the citizen's plans: that is a read of their plan list.
        record_read_or_change(actor, AuditTag.PLANS_LISTED, "plan_list")
    elif request.form.get("change"):  # back from "Check your answers" to one question
        return render_template("consents/give.html", form=form, hints=PURPOSE_HINTS)
    elif form.validate_on_submit():
        chosen = next((o for o in organisations if o.id == form.chosen_organisation), None)
        plan = next((p for p in plans if str(p.id) == form.plan.data), None)
        if request.form.get("confirmed") != "yes":
            return render_template(
                "consents/check.html",
                form=form,
                recipient=chosen.name if chosen else form.recipient.data,
                plan_name={c.value: c.label for c in form.plan.choices}[form.plan.data],
                purpose_names=PURPOSE_NAMES,
                for_plan=plan,
            )
        consent = services.give(
            db,
            actor,
            form.chosen_purpose,
            chosen.name if chosen else form.recipient.data,
            plan.id if plan else None,
            form.expires_on.data,
            chosen.id if chosen else None,
        )
        _audit(actor, AuditTag.CONSENT_GIVEN, consent)
        return redirect(url_for("consents.given", consent_id=consent.id), code=303)
    status = 400 if form.errors else 200
    return render_template("consents/give.html", form=form, hints=PURPOSE_HINTS), status


@blueprint.get("/<int:consent_id>/given")
@requires(Permission.CONSENTS_READ, load=from_url(Consent, "consent_id", as_="consent"))
def given(consent: Consent) -> Any:
    """The confirmation: shown for a consent that was stored, and what happens next."""
    actor = signed_in_actor()
    _audit(actor, AuditTag.CONSENTS_VIEWED, consent)
    return render_template(
        "consents/done.html", consent=consent, purpose_names=PURPOSE_NAMES, withdrawn=False
    )


@blueprint.get("/<int:consent_id>/withdraw")
@requires(Permission.CONSENTS_MANAGE, load=from_url(Consent, "consent_id", as_="consent"))
def check_withdrawal(consent: Consent) -> Any:
    """ "Do you want to withdraw this consent?": what it is, then one button."""
    actor = signed_in_actor()
    if consent.withdrawn_at is not None:
        return redirect(url_for("consents.withdrawn", consent_id=consent.id))
    _audit(actor, AuditTag.CONSENTS_VIEWED, consent)
    return render_template(
        "consents/check_withdrawal.html", consent=consent, purpose_names=PURPOSE_NAMES
    )


@blueprint.get("/<int:consent_id>/withdrawn")
@requires(Permission.CONSENTS_READ, load=from_url(Consent, "consent_id", as_="consent"))
def withdrawn(consent: Consent) -> Any:
    """The confirmation of a withdrawal; only for a consent that is withdrawn."""
    if consent.withdrawn_at is None:
        abort(404)
    actor = signed_in_actor()
    _audit(actor, AuditTag.CONSENTS_VIEWED, consent)
    return render_template(
        "consents/done.html", consent=consent, purpose_names=PURPOSE_NAMES, withdrawn=True
    )


@blueprint.post("/<int:consent_id>/withdraw")
@requires(Permission.CONSENTS_MANAGE, load=from_url(Consent, "consent_id", as_="consent"))
def withdraw(consent: Consent) -> Any:
    actor = signed_in_actor()
    if services.withdraw(consent, actor):
        _audit(actor, AuditTag.CONSENT_WITHDRAWN, consent)
    return redirect(url_for("consents.withdrawn", consent_id=consent.id), code=303)


@blueprint.post("/plans/<int:plan_id>/withdraw")
@requires(Permission.CONSENTS_MANAGE, load=from_url(Plan, "plan_id", as_="plan"))
def withdraw_plan_consent(plan: Plan) -> Any:
    """Withdraw the consent a coordinated action plan records, like any other."""
    actor = signed_in_actor()
    db = get_session()
    consent = services.withdraw_plan_consent(db, actor, plan)
    if consent is not None:
        _audit(actor, AuditTag.CONSENT_WITHDRAWN, consent)
    recorded = services.plan_consent(db, plan)
    if recorded is None or recorded.withdrawal is None:
        return redirect(url_for("consents.overview"))  # nothing recorded to withdraw
    return redirect(url_for("consents.withdrawn", consent_id=recorded.withdrawal.id), code=303)
