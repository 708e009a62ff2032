from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select
from sqlalchemy.orm import joinedload, with_expression

from citizen_portal.audit.models import AuditTag
from citizen_portal.audit.services import record_read_or_change
from citizen_portal.consents.services import withdrawn_plan_consent
from citizen_portal.db import get_session, utcnow
from citizen_portal.help.services import lines_for
from citizen_portal.organisations.models import DirectoryRevision, Organisation
from citizen_portal.people.models import Person
from citizen_portal.plans import pdf, services
from citizen_portal.plans.models import Plan, PlanHandover, PlanVersion
from citizen_portal.plans.page import build_plan_page, plan_cards
from citizen_portal.plans.page.model import ChangeKind
from citizen_portal.plans.version_cache import VersionContents
from citizen_portal.representation.services import as_representative
from citizen_portal.security.actors import Actor, ActorKind
from citizen_portal.security.permissions import Permission
from citizen_portal.security.policy import can
from citizen_portal.security.web import (
    from_url,
    parse_id,
    requires,
    signed_in_actor,
    typed_text_given_back,
)
from citizen_portal.wishes import services as stance_services
from citizen_portal.wishes.forms import StanceForm
from citizen_portal.wishes.models import PlanStance, StanceChoice
from citizen_portal.wishes.vocabulary import STANCE_NAMES

blueprint = Blueprint("plans", __name__, url_prefix="/plans")


def _audit(
    actor: Actor, tag: AuditTag, plan: Plan | None = None, version: int | None = None
) -> None:
    record_read_or_change(
        actor,
        tag,
        "plan" if plan else "plan_list",
        plan.id if plan else None,
        {"version": str(version)} if version is not None else None,
    )


@blueprint.get("")
@requires(Permission.PLANS_READ)
def my_plans() -> Any:
    actor = signed_in_actor()
    db = get_session()
    plans = services.plans_for_citizen(db, actor.subject_person_id)
    cards = plan_cards(plans, utcnow(), actor.kind is ActorKind.REPRESENTATIVE)
    seen = services.seen_versions(db, actor.person_id)
    _audit(actor, AuditTag.PLANS_LISTED)
    # Someone who was given a power of attorney sees it here, right after signing in,
    # and a relative finds whose plans they can open, one tap from signing in.
    for_self = actor.person_id == actor.subject_person_id
    offers, represented = (
        as_representative(db, actor.person_id, utcnow().date()) if for_self else ([], [])
    )
    return render_template(
        "plans/my_plans.html",
        cards=cards,
        seen=seen,
        offers=offers,
        represented=represented,
    )


def _instead(plan: Plan) -> str:
    """What to call when the plan's contact is closed: the region's 24/7 line for
    the plan's organisation (configured), else 112."""
    lines = lines_for(current_app.config["SETTINGS"].emergency_lines, [plan.author_identifier])
    return lines[0].phone if lines else "112"


def version_contents() -> VersionContents:
    """This app's kept version content (one per app: its own database's ids)."""
    kept: VersionContents = current_app.extensions.setdefault("version_contents", VersionContents())
    return kept


def _version_numbered(plan: Plan, number: int | None) -> PlanVersion | None:
    """The plan's version ``number`` (None: the newest), from its loaded list."""
    if number is None:
        return plan.current_version if plan.versions else None
    return next((v for v in plan.versions if v.number == number), None)


@dataclass(frozen=True)
class StanceShown:
    """The newest stance on the version shown, as its section of the page says it."""

    choice_name: str
    comment: str
    created_at: datetime
    version_number: int
    by_reader: bool
    by_representative: bool
    author_name: str
    approves_plan: bool
    disagrees: bool


def _stance_shown(stance: PlanStance | None, reader_id: int) -> StanceShown | None:
    if stance is None:
        return None
    by_reader = stance.author_person_id == reader_id
    return StanceShown(
        choice_name=str(STANCE_NAMES[stance.choice]),
        comment=stance.comment,
        created_at=stance.created_at,
        version_number=stance.version_number,
        by_reader=by_reader,
        by_representative=stance.author_kind is ActorKind.REPRESENTATIVE,
        # The author is read only when the page names them.
        author_name="" if by_reader else stance.author.full_name,
        approves_plan=stance.approves_plan,
        disagrees=stance.choice is StanceChoice.DISAGREE,
    )


def _plan_page(plan: Plan, number: int | None) -> Any:
    """The plan's page in a few queries whatever its size: the plan with its
    versions, citizen, author and hand-overs in one (the loader's), what the
    reader has seen, the versions' content (kept per version id: it never
    changes), the functions it names as they are now (kept while the directory's
    revision, read with the plan, is unchanged), stances, the audit record."""
    db = get_session()
    actor = signed_in_actor()
    listed = _version_numbered(plan, number)
    if listed is None:
        abort(404)
    newest = plan.current_version
    # What the reader has seen, and their stance on this version, in one query.
    seen_at_all, stance = stance_services.seen_and_stance(
        db, actor.person_id, plan.id, listed.number
    )
    seen_number = None
    if number is None and seen_at_all is not None and seen_at_all < listed.number:
        seen_number = seen_at_all
    seen_listed = _version_numbered(plan, seen_number) if seen_number is not None else None
    wanted = [v.id for v in (listed, newest, seen_listed) if v is not None]
    contents = version_contents().get(db, wanted)
    version = contents[listed.id]
    seen_version = contents[seen_listed.id] if seen_listed is not None else None
    shown = [v for v in (version, seen_version) if v is not None]
    functions = version_contents().functions_named_by(db, shown, plan.directory_revision)
    _audit(
        actor,
        AuditTag.PLAN_VIEWED if number is None else AuditTag.PLAN_VERSION_VIEWED,
        plan,
        version.number,
    )
    if number is None and seen_at_all is None:
        # A first look: there is nothing to compare with, so nothing is lost by
        # remembering it (the plan is no longer "new" on "My plans"). What changed
        # since an earlier look stays until the person says they have seen it (POST).
        services.mark_seen(db, actor.person_id, plan.id, version.number, None, looked_up=True)
    page = build_plan_page(
        version,
        actor.kind is ActorKind.REPRESENTATIVE,
        seen_version,
        utcnow(),
        plan=plan,
        newest=contents[newest.id],
        functions=functions,
    )
    withdrawn = withdrawn_plan_consent(db, plan)
    if (
        withdrawn is not None
        and withdrawn.withdrawn_at
        and version.consent_date == withdrawn.starts_on
    ):
        details = replace(page.details, consent_withdrawn_on=withdrawn.withdrawn_at.date())
        page = replace(page, details=details)
    may_state = can(actor, Permission.WISHES_WRITE, plan)
    return render_template(
        "plans/plan.html",
        page=page,
        instead=_instead(plan),
        ChangeKind=ChangeKind,
        Late=services.Late,
        mine=_stance_shown(stance, actor.person_id),
        may_state=may_state,
        may_approve=can(actor, Permission.PLANS_APPROVE, plan),
        StanceForm=StanceForm,  # the kept content builds it blank, once per language
        # With typed text given back after a timeout, the form shows it: built for
        # this request (form_guard() puts the CSRF token in; the POST's form checks it).
        stance_form_data=(
            StanceForm(formdata=None, meta={"csrf": False})
            if may_state and page.is_latest and typed_text_given_back()
            else None
        ),
    )


# The plan is loaded and authorized by @requires; a version is looked up only
# within that plan, so its number needs no check of its own.
THE_PLAN = from_url(Plan, "plan_id", as_="plan")
# The plan page's plan: with what the page shows of it besides the versions' content.
THE_PLAN_PAGE = from_url(
    Plan,
    "plan_id",
    as_="plan",
    options=(
        # Of the people and organisations, the columns the page reads.
        joinedload(Plan.citizen).load_only(Person.given_name, Person.family_name),
        joinedload(Plan.author_organisation).load_only(Organisation.identifier, Organisation.name),
        # Of each version, what the list of versions and the plan's consent read;
        # the content of the versions shown comes from the version cache.
        joinedload(Plan.versions).load_only(
            PlanVersion.id,
            PlanVersion.plan_id,
            PlanVersion.number,
            PlanVersion.issued_at,
            PlanVersion.consent_given,
            PlanVersion.consent_date,
        ),
        joinedload(Plan.handovers)
        .joinedload(PlanHandover.to_organisation)
        .load_only(Organisation.name),
        # The functions' revision: while it is unchanged, the functions the page
        # showed before are shown again without reading them (plans/version_cache.py).
        with_expression(
            Plan.directory_revision,
            select(DirectoryRevision.revision).where(DirectoryRevision.id == 1).scalar_subquery(),
        ),
    ),
)


@blueprint.post("/<int:plan_id>/changes-seen")
@requires(Permission.PLANS_READ, load=THE_PLAN)
def changes_seen(plan: Plan) -> Any:
    """ "I have seen the changes": what changed up to the version the person read
    is no longer highlighted (reading the page alone never clears it)."""
    db = get_session()
    actor = signed_in_actor()
    number = request.form.get("version", type=parse_id)  # ASCII digits only
    version = services.get_version(db, plan, number) if number is not None else None
    if version is None:
        abort(400)
    seen = services.seen_versions(db, actor.person_id).get(plan.id)
    if seen is None or seen < version.number:
        services.mark_seen(db, actor.person_id, plan.id, version.number)
    return redirect(url_for("plans.plan", plan_id=plan.id), code=303)


@blueprint.get("/<int:plan_id>")
@requires(Permission.PLANS_READ, load=THE_PLAN_PAGE)
def plan(plan: Plan) -> Any:
    return _plan_page(plan, None)


@blueprint.get("/<int:plan_id>/versions/<int:number>")
@requires(Permission.PLANS_READ, load=THE_PLAN_PAGE)
def plan_version(plan: Plan, number: int) -> Any:
    return _plan_page(plan, number)


@blueprint.get("/<int:plan_id>/versions/<int:number>/pdf")
@requires(Permission.PLANS_READ, load=THE_PLAN)
def plan_pdf(plan: Plan, number: int) -> Any:
    db = get_session()
    actor = signed_in_actor()
    version = services.get_version(db, plan, number)
    if version is None:
        abort(404)
    page = build_plan_page(version, actor.kind is ActorKind.REPRESENTATIVE, None, utcnow())
    plan_id, number = plan.id, version.number
    # Everything the PDF shows is in the page model now. End the read before the
    # (slow) drawing, so it holds no database lock (SQLite's one writer) meanwhile;
    # the audit record is written after, in the request's one commit.
    db.rollback()
    document = pdf.plan_pdf(page)
    _audit(actor, AuditTag.PLAN_DOWNLOADED, db.get(Plan, plan_id) or plan, number)
    response = make_response(document)
    response.mimetype = "application/pdf"
    filename = f"plan-{plan_id}-version-{number}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
