"""The system-to-system API: tokens, plan bundles in, and its OpenAPI description."""

from __future__ import annotations

import binascii
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request
from sqlalchemy import select
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from citizen_portal.api.limits import claimed_client_id, known_client_id, source_address
from citizen_portal.api.oauth import authorization_server, requires_client
from citizen_portal.api.openapi import openapi_document
from citizen_portal.audit.models import AuditTag
from citizen_portal.audit.services import record_event, record_refusal
from citizen_portal.db import get_session, retries_lost_races
from citizen_portal.fhir.handover import read_handover_parameters
from citizen_portal.fhir.outcome import InvalidBundle, Issue, outcome_response
from citizen_portal.fhir.plan_bundle import read_plan_bundle, reference_issues, refusal_issues
from citizen_portal.fhir.raw_json import raw_json_issues
from citizen_portal.fhir.readback import citizen_input_bundle, reading_relation
from citizen_portal.fhir.related_person import read_registration
from citizen_portal.fhir.wording import wording_issues
from citizen_portal.i18n import lazy_gettext as _l
from citizen_portal.notifications import services as notifications
from citizen_portal.organisations.models import Organisation
from citizen_portal.plans import handover
from citizen_portal.plans.ingest import IncomingPlan, IngestRefused, RefusalKind, store_plan
from citizen_portal.plans.models import Plan
from citizen_portal.representation import registry
from citizen_portal.representation.rules import RepresentationRefused
from citizen_portal.security.actors import ActorKind
from citizen_portal.security.permissions import Permission
from citizen_portal.security.policy import can
from citizen_portal.security.web import public

blueprint = Blueprint("api", __name__, url_prefix="/api")
ACCEPTED_TYPES = ("application/fhir+json", "application/json")
# A plan this system may not write is forbidden; one that contradicts the stored
# plan is well-formed but unprocessable.
REFUSAL_STATUS = {
    RefusalKind.FORBIDDEN: 403,
    RefusalKind.CONFLICT: 422,
    RefusalKind.INCOMPLETE: 422,
}


def _audit(tag: AuditTag, **details: str) -> None:
    db = get_session()
    record_event(db, tag=tag, actor_kind=ActorKind.SYSTEM, details=details)


def _json_body() -> Any | None:
    """The request's JSON, or None when it cannot be read as JSON at all. JSON nested
    deeper than the parser goes counts as unreadable, not as a server error."""
    try:
        return request.get_json(force=True)
    except RequestEntityTooLarge:
        raise
    except (BadRequest, RecursionError):
        return None


@blueprint.post("/oauth/token")
@public  # the client authenticates itself inside (client_secret_basic or _post)
def token() -> Any:
    try:
        response = authorization_server().create_token_response()
    except (ValueError, TypeError, binascii.Error):
        # Credentials Authlib cannot read (not UTF-8, not base64, a scheme with nothing
        # after it) name no client: refused like a wrong secret.
        response = outcome_response(
            [Issue("Authorization", _l("Send a valid client id and secret."), "login")], 401
        )
    client_id = claimed_client_id()
    if response.status_code == 200:
        _audit(AuditTag.API_TOKEN_ISSUED, client_id=client_id[:100])
    else:
        # Counted per minute, client and address: refusals cannot flood the log.
        get_session().rollback()
        record_refusal(
            get_session(),
            tag=AuditTag.API_TOKEN_REFUSED,
            status=response.status_code,
            client_id=known_client_id(client_id),
            address=source_address(),
        )
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.post("/fhir/Bundle")
@requires_client(Permission.API_PLANS_WRITE)
@retries_lost_races  # the same bundle sent twice at once: the second run finds the first
def receive_bundle() -> Any:
    client = g.api_client
    if request.mimetype not in ACCEPTED_TYPES:
        return _rejected(
            415,
            Issue("Content-Type", _l("Send the bundle as application/fhir+json."), "not-supported"),
        )
    data = _json_body()
    if data is None:
        return _rejected(400, Issue("Bundle", _l("The body is not valid JSON."), "structure"))
    settings = current_app.config["SETTINGS"]
    try:
        plan = IncomingPlan(read_plan_bundle(data), data)
        result = store_plan(get_session(), plan, cpr_key=settings.cpr_hash_key, client=client)
    except InvalidBundle as error:
        return _rejected(422, *error.issues)
    except IngestRefused as refused:
        return _rejected(REFUSAL_STATUS[refused.kind], *refusal_issues(refused))
    message = (
        _l("Stored as version %(n)s of the plan.", n=result.version_number)
        if result.created
        else _l("Nothing changed: version %(n)s already has this content.", n=result.version_number)
    )
    return outcome_response(
        [
            Issue("Bundle", message, "informational"),
            *reference_issues(result.referred),
            *wording_issues(plan.parsed),
        ],
        201 if result.created else 200,
        severity="information",
        headers={"X-Plan-Version": str(result.version_number)},
    )


def _rejected(status: int, *issues: Issue) -> Any:
    get_session().rollback()
    _audit(
        AuditTag.API_PLAN_REJECTED,
        client_id=g.api_client.client_id,
        status=str(status),
        problems=str(len(issues)),
    )
    return outcome_response(list(issues), status)


@blueprint.post("/fhir/RelatedPerson")
@requires_client(Permission.API_REPRESENTATIONS_WRITE)
def register_representation() -> Any:
    client = g.api_client
    if request.mimetype not in ACCEPTED_TYPES:
        return _refused_registration(
            415,
            Issue(
                "Content-Type", _l("Send the resource as application/fhir+json."), "not-supported"
            ),
        )
    data = _json_body()
    if data is None:
        return _refused_registration(
            400, Issue("RelatedPerson", _l("The body is not valid JSON."), "structure")
        )
    db = get_session()
    try:
        registration = read_registration(data)
        result = registry.register(db, registration, current_app.config["SETTINGS"].cpr_hash_key)
    except InvalidBundle as error:
        return _refused_registration(422, *error.issues)
    except RepresentationRefused as refused:
        return _refused_registration(422, Issue("RelatedPerson", refused.message, "business-rule"))
    row = result.representation
    if result.outcome == "created":
        notifications.representation_created(db, row)  # both people are told
    record_event(
        db,
        tag=AuditTag.REPRESENTATION_REVOKED
        if result.outcome == "ended"
        else AuditTag.REPRESENTATION_REGISTERED,
        actor_kind=ActorKind.SYSTEM,
        subject_person_id=row.represented_id,
        resource_type="representation",
        resource_id=row.id,
        details={"client_id": client.client_id, "outcome": result.outcome},
    )
    messages = {
        "created": _l("Registered."),
        "updated": _l("The registration was changed."),
        "unchanged": _l("Nothing changed: it is already registered like this."),
        "ended": _l("Ended. It no longer gives any access."),
    }
    return outcome_response(
        [Issue("RelatedPerson", messages[result.outcome], "informational")],
        201 if result.outcome == "created" else 200,
        severity="information",
        headers={"Location": f"/api/fhir/RelatedPerson/{row.id}"},
    )


def _refused_registration(status: int, *issues: Issue) -> Any:
    get_session().rollback()
    _audit(
        AuditTag.API_CALL_REFUSED,
        client_id=g.api_client.client_id,
        path="/api/fhir/RelatedPerson",
        status=str(status),
        problems=str(len(issues)),
    )
    return outcome_response(list(issues), status)


@blueprint.get("/fhir/citizen-input")
@requires_client(Permission.API_CITIZEN_INPUT_READ)
def citizen_input() -> Any:
    """Wishes, stances and consents in effect for one plan, named by its business
    identifier (``?plan=system|value``), so no CPR number travels in a URL."""
    client = g.api_client
    # At the first "|": the system is a URI, the value may hold one (FHIR identifiers).
    system, _, value = request.args.get("plan", "").partition("|")
    # A NUL byte names no plan, and PostgreSQL refuses to compare it.
    if not system or not value or "\x00" in system + value:
        return outcome_response(
            [Issue("plan", _l("Name the plan as ?plan=system|value."), "required")], 400
        )
    db = get_session()
    # Identifiers are per author organisation, so several plans may carry this one:
    # the client's own first, then the first it takes part in. Any other answers
    # the same 404 as a plan that does not exist: nothing is revealed.
    candidates = db.scalars(
        select(Plan)
        .where(Plan.identifier_system == system, Plan.identifier_value == value)
        .order_by(Plan.id)
    ).all()
    plan, relation, facts = None, None, []
    for candidate in sorted(
        candidates, key=lambda c: c.author_identifier not in client.organisations
    ):
        candidate_relation, candidate_facts = reading_relation(db, candidate)
        if can(client, Permission.API_CITIZEN_INPUT_READ, candidate_relation):
            plan, relation, facts = candidate, candidate_relation, candidate_facts
            break
    if plan is None:
        return outcome_response(
            [Issue("plan", _l("No such plan for this system."), "not-found")], 404
        )
    bundle = citizen_input_bundle(db, plan, client, facts)
    if bundle["entry"]:
        # The first read by each of the client's organisations taking part: tell the citizen.
        assert relation is not None  # the policy allowed it
        readers = sorted(relation.organisations & client.organisations)
        notifications.citizen_input_read(
            db,
            plan.citizen_id,
            list(db.scalars(select(Organisation).where(Organisation.identifier.in_(readers)))),
        )
    record_event(
        db,
        tag=AuditTag.API_CITIZEN_INPUT_READ,
        actor_kind=ActorKind.SYSTEM,
        subject_person_id=plan.citizen_id,
        resource_type="plan",
        resource_id=plan.id,
        details={"client_id": client.client_id, "resources": str(len(bundle["entry"]))},
    )
    # Audited before the data leaves: the request's commit comes before the response is sent.
    response = jsonify(bundle)
    response.mimetype = "application/fhir+json"
    return response


def _parameters() -> Any:
    """The request's JSON body, or the answer to send instead."""
    if request.mimetype not in ACCEPTED_TYPES:
        return (
            None,
            Issue(
                "Content-Type", _l("Send the resource as application/fhir+json."), "not-supported"
            ),
            415,
        )
    data = _json_body()
    if data is None:
        return None, Issue("Parameters", _l("The body is not valid JSON."), "structure"), 400
    # The same raw checks as for bundles: control characters, invalid Unicode, depth.
    problems = raw_json_issues(data, "Parameters")
    if problems:
        return None, problems[0], 422
    return data, None, 0


HANDOVER_STATUS = {
    handover.HandoverProblem.NOT_FOUND: 404,
    handover.HandoverProblem.INVALID: 422,
    handover.HandoverProblem.CONFLICT: 422,
}
HANDOVER_CODES = {
    handover.HandoverProblem.NOT_FOUND: "not-found",
    handover.HandoverProblem.INVALID: "business-rule",
    handover.HandoverProblem.CONFLICT: "business-rule",
}


@blueprint.post("/fhir/CarePlan/$handover")
@requires_client(Permission.API_PLANS_WRITE)
def hand_over_plan() -> Any:
    """The author's system hands a plan to another organisation, which must accept."""
    data, problem, status = _parameters()
    if problem is not None:
        return _refused_call(status, problem)
    try:
        wanted = read_handover_parameters(data, receiver=True)
        result = handover.hand_over(
            get_session(),
            g.api_client,
            wanted.plan_system,
            wanted.plan_value,
            wanted.receiver or "",
        )
    except InvalidBundle as error:
        return _refused_call(422, *error.issues)
    except handover.HandoverRefused as refused:
        return _refused_handover(refused)
    receiver = result.handover.to_organisation.name
    return outcome_response(
        [
            Issue(
                "CarePlan",
                _l(
                    "Handed over to %(organisation)s. Until it accepts, your organisation "
                    "stays responsible and may still send new versions.",
                    organisation=receiver,
                ),
                "informational",
            )
        ],
        200,
        severity="information",
    )


@blueprint.post("/fhir/CarePlan/$accept-handover")
@requires_client(Permission.API_PLANS_WRITE)
@retries_lost_races  # the receiver's own plan with this identifier made at the same moment
def accept_plan_handover() -> Any:
    """The receiving organisation's system accepts a plan handed to it."""
    data, problem, status = _parameters()
    if problem is not None:
        return _refused_call(status, problem)
    try:
        wanted = read_handover_parameters(data, receiver=False)
        result = handover.accept_handover(
            get_session(), g.api_client, wanted.plan_system, wanted.plan_value
        )
    except InvalidBundle as error:
        return _refused_call(422, *error.issues)
    except handover.HandoverRefused as refused:
        return _refused_handover(refused)
    return outcome_response(
        [
            Issue(
                "CarePlan",
                _l(
                    "Accepted. %(organisation)s is now responsible and sends the plan's "
                    "new versions.",
                    organisation=result.handover.to_organisation.name,
                ),
                "informational",
            )
        ],
        200,
        severity="information",
    )


def _refused_handover(refused: handover.HandoverRefused) -> Any:
    return _refused_call(
        HANDOVER_STATUS[refused.problem],
        Issue("Parameters.parameter", refused.message, HANDOVER_CODES[refused.problem]),
    )


def _refused_call(status: int, *issues: Issue) -> Any:
    get_session().rollback()
    _audit(
        AuditTag.API_CALL_REFUSED,
        client_id=g.api_client.client_id,
        path=request.path[:200],
        status=str(status),
        problems=str(len(issues)),
    )
    return outcome_response(list(issues), status)


@blueprint.get("/openapi.json")
@public
def openapi() -> Any:
    return jsonify(openapi_document())
