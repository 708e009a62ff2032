"""Each audit event in plain words, as the citizen reads it in their log.

The sentence follows the actor ("You", "Hanne Sørensen, on your behalf,", "A
professional system (...)"). Every tag is listed: a test fails for a new tag
without words, so the log never says "something happened".
"""

from __future__ import annotations

from collections.abc import Callable

from citizen_portal.audit.models import AuditEvent, AuditTag
from citizen_portal.i18n import lazy_gettext as _l

Describe = Callable[[AuditEvent, str | None], object]


def _received(event: AuditEvent, plan: str | None) -> object:
    if event.details.get("created") == "yes":
        return _l(
            "sent a new version (%(n)s) of your plan: %(plan)s.",
            n=event.details.get("version"),
            plan=plan,
        )
    return _l("sent your plan again, with no changes: %(plan)s.", plan=plan)


def _revoked(event: AuditEvent, plan: str | None) -> object:
    if event.details.get("client_id"):
        return _l("ended a representation registered by an authority.")
    return _l("took back a power of attorney.")


def _sharing(event: AuditEvent, plan: str | None) -> object:
    if event.details.get("only_for_me") == "yes":
        return _l("kept a part of your wishes only for you.")
    return _l("shared a part of your wishes with the professionals again.")


def _stance(event: AuditEvent, plan: str | None) -> object:
    if event.details.get("approved") == "yes":
        return _l("approved your plan: %(plan)s.", plan=plan)
    return _l("said what you think of your plan: %(plan)s.", plan=plan)


# None: the event never concerns a citizen's data, so it is never in a citizen's log.
DESCRIPTIONS: dict[AuditTag, Describe | None] = {
    AuditTag.ACCOUNT_SIGNED_IN: lambda e, p: _l("signed in."),
    AuditTag.HELP_CONTACTS_VIEWED: lambda e, p: _l("looked at who to call for help now."),
    AuditTag.CRISIS_CARD_VIEWED: lambda e, p: _l("looked at your crisis card."),
    AuditTag.CRISIS_CARD_KEPT: lambda e, p: _l("kept your crisis card on a phone."),
    AuditTag.ACCOUNT_SIGNED_OUT: lambda e, p: _l("signed out."),
    AuditTag.ACCOUNT_SIGN_IN_REFUSED: None,
    AuditTag.ACCOUNT_SESSION_EXPIRED: lambda e, p: _l("were signed out after a time without use."),
    AuditTag.PLANS_LISTED: lambda e, p: _l("looked at the list of your plans."),
    AuditTag.PLAN_VIEWED: lambda e, p: _l("read your plan: %(plan)s.", plan=p),
    AuditTag.PLAN_VERSION_VIEWED: lambda e, p: _l(
        "read an earlier version (%(n)s) of your plan: %(plan)s.",
        n=e.details.get("version"),
        plan=p,
    ),
    AuditTag.PLAN_DOWNLOADED: lambda e, p: _l(
        "downloaded your plan as PDF (version %(n)s): %(plan)s.", n=e.details.get("version"), plan=p
    ),
    AuditTag.API_TOKEN_ISSUED: None,
    AuditTag.API_TOKEN_REFUSED: None,
    AuditTag.API_PLAN_RECEIVED: _received,
    AuditTag.API_PLAN_REJECTED: None,
    AuditTag.API_CALL_REFUSED: None,
    AuditTag.API_CALL_RATE_LIMITED: None,
    AuditTag.AUDIT_LOG_VIEWED: lambda e, p: _l("looked at this list."),
    AuditTag.REPRESENTATION_USED: lambda e, p: _l("started acting for you."),
    AuditTag.REPRESENTATION_GRANTED: lambda e, p: _l("gave someone a power of attorney."),
    AuditTag.REPRESENTATION_ACCEPTED: lambda e, p: _l("accepted your power of attorney."),
    AuditTag.REPRESENTATION_DECLINED: lambda e, p: _l("said no to your power of attorney."),
    AuditTag.REPRESENTATION_REVOKED: _revoked,
    AuditTag.REPRESENTATION_REGISTERED: lambda e, p: _l(
        "registered a person who may act for you, as an authority decided."
    ),
    AuditTag.REPRESENTATIONS_VIEWED: lambda e, p: _l("looked at the powers of attorney."),
    AuditTag.MESSAGES_VIEWED: lambda e, p: _l("read the messages."),
    AuditTag.WISHES_VIEWED: lambda e, p: _l("read your wishes."),
    AuditTag.WISH_SAVED: lambda e, p: _l("saved your wishes."),
    AuditTag.WISH_SHARING_CHANGED: _sharing,
    AuditTag.PLAN_STANCE_RECORDED: _stance,
    AuditTag.CONSENTS_VIEWED: lambda e, p: _l("looked at your consents."),
    AuditTag.CONSENT_GIVEN: lambda e, p: _l("gave a consent."),
    AuditTag.CONSENT_WITHDRAWN: lambda e, p: _l("withdrew a consent."),
    AuditTag.API_CITIZEN_INPUT_READ: lambda e, p: _l(
        "fetched your wishes, your consents and what you think of your plan: %(plan)s.", plan=p
    ),
    AuditTag.PLAN_IMPORTED: lambda e, p: _l("imported your plan into the app: %(plan)s.", plan=p),
    AuditTag.PLANS_EXPORTED: lambda e, p: _l("exported a copy of your plans."),
    # In the organisation's own trail (audit.services.organisation_trail), not a citizen's.
    AuditTag.REFERENCE_DATA_CHANGED: lambda e, p: _l(
        "changed the name or contact details (%(fields)s) of %(what)s.",
        fields=e.details.get("changed"),
        what=e.details.get("identifier"),
    ),
    AuditTag.PLAN_HANDOVER_REQUESTED: lambda e, p: _l(
        "handed your plan over to %(org)s. %(giver)s stays responsible until %(org)s accepts: "
        "%(plan)s.",
        org=e.details.get("to"),
        plan=p,
        giver=e.details.get("from"),
    ),
    AuditTag.PLAN_HANDOVER_ACCEPTED: lambda e, p: _l(
        "accepted your plan from %(giver)s. %(org)s is now responsible for it: %(plan)s.",
        org=e.details.get("to"),
        plan=p,
        giver=e.details.get("from"),
    ),
}


def describe(event: AuditEvent, plan_name: str | None) -> object:
    found = DESCRIPTIONS.get(event.tag)
    if found is None:
        return _l("did something we cannot describe (%(code)s).", code=event.tag.value)
    return found(event, plan_name)
