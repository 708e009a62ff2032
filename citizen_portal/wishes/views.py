"""Wishes (general or for one plan, in sections, every save a version) and the
citizen's stance on a plan version."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from citizen_portal.audit.models import AuditTag
from citizen_portal.audit.services import record_read_or_change
from citizen_portal.db import get_session
from citizen_portal.help.views import citizen_help
from citizen_portal.i18n import lazy_gettext as _l
from citizen_portal.notifications.services import representative_changed
from citizen_portal.plans import services as plan_services
from citizen_portal.plans.models import Plan
from citizen_portal.plans.vocabulary import PLAN_TYPE_NAMES
from citizen_portal.security.actors import Actor
from citizen_portal.security.permissions import Permission
from citizen_portal.security.policy import can
from citizen_portal.security.web import from_query, from_url, requires, signed_in_actor
from citizen_portal.wishes import services
from citizen_portal.wishes.forms import StanceForm, WishForm
from citizen_portal.wishes.models import OWN_WORDS, StanceChoice, WishSection
from citizen_portal.wishes.vocabulary import SECTION_HINTS, SECTION_TITLES, STANCE_NAMES

blueprint = Blueprint("wishes", __name__)


def _audit(actor: Actor, tag: AuditTag, plan: Plan | None, **details: str) -> None:
    event = record_read_or_change(
        actor, tag, "plan" if plan else "wishes", plan.id if plan else None, details or None
    )
    representative_changed(get_session(), event)  # the citizen is told of a representative's


def _section(name: str) -> WishSection:
    try:
        return WishSection(name)
    except ValueError:
        abort(404)


# ?plan=<id> narrows wishes to one plan; without it they are for every plan.
FOR_PLAN = from_query(Plan, "plan", as_="plan")


@blueprint.get("/wishes")
@requires(Permission.WISHES_READ, load=FOR_PLAN)
def overview(plan: Plan | None) -> Any:
    actor = signed_in_actor()
    db = get_session()
    plans = plan_services.plans_for_citizen(db, actor.subject_person_id, appointments=False)
    wishes = services.current_wishes(db, actor.subject_person_id, plan.id if plan else None)
    _audit(actor, AuditTag.WISHES_VIEWED, plan)
    return render_template(
        "wishes/overview.html",
        plan=plan,
        plans=plans,
        wishes=wishes,
        sections=list(WishSection),
        titles=SECTION_TITLES,
        plan_names=PLAN_TYPE_NAMES,
        may_write=can(actor, Permission.WISHES_WRITE, actor.subject_person_id),
        may_write_own_words=can(actor, Permission.WISHES_WRITE_OWN_WORDS, actor.subject_person_id),
        own_words=OWN_WORDS,
        may_share=can(actor, Permission.WISHES_SHARE, actor.subject_person_id),
        only_for_me=services.only_for_me(db, actor.subject_person_id, plan.id if plan else None),
        help=citizen_help(actor.subject_person_id, plans),
    )


@blueprint.route("/wishes/<name>", methods=["GET", "POST"])
@requires(Permission.WISHES_WRITE, load=FOR_PLAN)
def edit(name: str, plan: Plan | None) -> Any:
    section = _section(name)
    actor = signed_in_actor()
    if section in OWN_WORDS and not can(
        actor, Permission.WISHES_WRITE_OWN_WORDS, actor.subject_person_id
    ):
        title = _l("Only %(name)s can write this", name=current_user.acting_for_name)
        body = _l(
            "An advance statement must be in the person's own words. "
            "You can write the other wishes."
        )
        return render_template("errors/error.html", title=title, body=body, code=403), 403
    plan_id = plan.id if plan else None
    db = get_session()
    current = services.latest(db, actor.subject_person_id, plan_id, section)
    form = WishForm()
    form.text.label.text = str(SECTION_TITLES[section])
    conflict = None
    if form.validate_on_submit():
        try:
            saved = services.save_wish(
                db, actor, plan_id, section, form.text.data, form.based_on.data
            )
        except services.WishConflict as clash:
            db.rollback()
            conflict = clash.current
            # Saving again now replaces what the other device saved, knowingly.
            form.based_on.data = conflict.number if conflict else 0
        else:
            if saved is not None:
                _audit(actor, AuditTag.WISH_SAVED, plan, section=section.value)
                flash(str(_l("Saved: %(section)s", section=SECTION_TITLES[section])), "success")
            return redirect(url_for("wishes.overview", plan=plan_id) + f"#{section.value}")
    elif not form.is_submitted():
        form.text.data = current.text if current else ""
        form.based_on.data = current.number if current else 0
    if request.method == "GET" or conflict is not None:  # stored text is shown
        _audit(actor, AuditTag.WISHES_VIEWED, plan, section=section.value)
    status = 409 if conflict is not None else 400 if form.errors else 200
    return render_template(
        "wishes/edit.html",
        form=form,
        section=section,
        plan=plan,
        title=SECTION_TITLES[section],
        hint=SECTION_HINTS[section],
        conflict=conflict,
    ), status


@blueprint.post("/wishes/<name>/sharing")
@requires(Permission.WISHES_WRITE, load=FOR_PLAN)
def sharing(name: str, plan: Plan | None) -> Any:
    """Keep a section "only for me", or share it with the professionals again.

    Sharing again is the citizen's own choice: a representative may keep a section
    to the citizen, never share it wider (``Permission.WISHES_SHARE``)."""
    section = _section(name)
    actor = signed_in_actor()
    private = request.form.get("only_for_me") == "yes"
    if not private and not can(actor, Permission.WISHES_SHARE, actor.subject_person_id):
        abort(403)
    plan_id = plan.id if plan else None
    if services.set_only_for_me(get_session(), actor, plan_id, section, private):
        _audit(
            actor,
            AuditTag.WISH_SHARING_CHANGED,
            plan,
            section=section.value,
            only_for_me="yes" if private else "no",
        )
    return redirect(url_for("wishes.overview", plan=plan_id) + f"#{section.value}")


@blueprint.get("/wishes/<name>/history")
@requires(Permission.WISHES_READ, load=FOR_PLAN)
def history(name: str, plan: Plan | None) -> Any:
    section = _section(name)
    actor = signed_in_actor()
    entries = services.history(
        get_session(), actor.subject_person_id, plan.id if plan else None, section
    )
    _audit(actor, AuditTag.WISHES_VIEWED, plan, section=section.value, history="yes")
    return render_template(
        "wishes/history.html",
        entries=entries,
        section=section,
        plan=plan,
        title=SECTION_TITLES[section],
        me=actor.person_id,
    )


@blueprint.post("/plans/<int:plan_id>/stance")
@requires(Permission.WISHES_WRITE, load=from_url(Plan, "plan_id", as_="plan"))
def stance(plan: Plan) -> Any:
    """GOV.UK's pattern: the answer, then "check your answer" (nothing stored yet),
    then "send" stores it and shows what happens next. "Change" goes back to the
    question with the answer filled in."""
    db = get_session()
    actor = signed_in_actor()
    form = StanceForm()
    latest = plan.current_version
    if not form.validate_on_submit():
        return render_template("wishes/stance_error.html", form=form, plan=plan, changed=False), 400
    if form.version.data != latest.number:
        # The plan changed while they read it: their stance must be on what they read.
        return render_template("wishes/stance_error.html", form=form, plan=plan, changed=True), 409
    if request.form.get("change") == "yes":
        return render_template("wishes/stance_error.html", form=form, plan=plan, changed=False)
    if request.form.get("confirm") != "yes":
        return render_template(
            "wishes/stance_check.html",
            form=form,
            plan=plan,
            plan_name=PLAN_TYPE_NAMES[plan.plan_type],
            choice_name=STANCE_NAMES[StanceChoice(form.choice.data)],
            approves=services.stance_approves(actor, plan, StanceChoice(form.choice.data)),
        )
    recorded = services.record_stance(
        db, actor, plan, latest, StanceChoice(form.choice.data), form.comment.data
    )
    _audit(
        actor,
        AuditTag.PLAN_STANCE_RECORDED,
        plan,
        version=str(latest.number),
        choice=recorded.choice.value,
        approved="yes" if recorded.approves_plan else "no",
    )
    return redirect(url_for("wishes.stance_sent", plan_id=plan.id))


@blueprint.get("/plans/<int:plan_id>/stance/sent")
@requires(Permission.WISHES_READ, load=from_url(Plan, "plan_id", as_="plan"))
def stance_sent(plan: Plan) -> Any:
    """The confirmation panel: what was sent, and what happens next."""
    actor = signed_in_actor()
    stances = services.stances(get_session(), plan.id)
    found = [s for s in stances if s.author_person_id == actor.person_id]
    _audit(actor, AuditTag.WISHES_VIEWED, plan, stance="sent")
    return render_template(
        "wishes/stance_sent.html",
        plan=plan,
        plan_name=PLAN_TYPE_NAMES[plan.plan_type],
        stance=found[0] if found else None,  # None: nothing sent yet
        choice_name=STANCE_NAMES[found[0].choice] if found else "",
    )
