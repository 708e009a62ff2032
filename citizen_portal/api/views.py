"""The system-to-system API: tokens, plan bundles in, and its OpenAPI description."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from citizen_portal.api.limits import known_client_id, source_address
from citizen_portal.api.oauth import authorization_server, requires_client
from citizen_portal.api.openapi import openapi_document
from citizen_portal.audit.models import AuditTag
from citizen_portal.audit.services import record_event, record_refusal
from citizen_portal.db import get_session, retries_lost_races
from citizen_portal.fhir.outcome import InvalidBundle, Issue, outcome_response
from citizen_portal.fhir.plan_bundle import read_plan_bundle, refusal_issues
from citizen_portal.fhir.readback import citizen_input_bundle
from citizen_portal.fhir.related_person import read_registration
from citizen_portal.notifications import services as notifications
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
REFUSAL_STATUS = {RefusalKind.FORBIDDEN: 403, RefusalKind.CONFLICT: 422}


def _audit(tag: AuditTag, **details: str) -> None:
    db = get_session()
    record_event(db, tag=tag, actor_kind=ActorKind.SYSTEM, details=details)


@blueprint.post("/oauth/token")
@public  # the client authenticates itself inside (client_secret_basic or _post)
def token() -> Any:
    response = authorization_server().create_token_response()
    client_id = (request.authorization.username if request.authorization else None) or (
        request.form.get("client_id", "")
    )
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
    try:
        data = request.get_json(force=True)
    except RequestEntityTooLarge:
        raise
    except BadRequest:
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
        [Issue("Bundle", message, "informational")],
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
    try:
        data = request.get_json(force=True)
    except RequestEntityTooLarge:
        raise
    except BadRequest:
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
    system, _, value = request.args.get("plan", "").rpartition("|")
    # A NUL byte names no plan, and PostgreSQL refuses to compare it.
    if not system or not value or "\x00" in system + value:
        return outcome_response(
            [Issue("plan", _l("Name the plan as ?plan=system|value."), "required")], 400
        )
    db = get_session()
    plan = db.scalar(
        select(Plan).where(Plan.identifier_system == system, Plan.identifier_value == value)
    )
    if plan is None or not can(client, Permission.API_CITIZEN_INPUT_READ, plan):
        # The same answer for a plan of another organisation: nothing is revealed.
        return outcome_response(
            [Issue("plan", _l("No such plan for this system."), "not-found")], 404
        )
    bundle = citizen_input_bundle(db, plan)
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


@blueprint.get("/openapi.json")
@public
def openapi() -> Any:
    return jsonify(openapi_document())
