"""/help (anyone: who to call now), the offline page, and the crisis card the
citizen may keep on their phone."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale
from flask_login import current_user

from citizen_portal.audit.models import AuditTag
from citizen_portal.audit.services import record_read_or_change
from citizen_portal.auth.sessions import session_row
from citizen_portal.config import EmergencyLine, Settings
from citizen_portal.db import get_session, utcnow
from citizen_portal.help.services import ContactNow, HelpNow, help_now, plan_contacts
from citizen_portal.plans.models import Plan
from citizen_portal.security.permissions import Permission
from citizen_portal.security.policy import can
from citizen_portal.security.web import current_actor, public, requires, signed_in_actor
from citizen_portal.wishes import services as wish_services
from citizen_portal.wishes.models import WishSection
from citizen_portal.wishes.vocabulary import SECTION_TITLES

blueprint = Blueprint("help", __name__)

# The parts of the citizen's general wishes on the card, in this order.
CARD_SECTIONS = (WishSection.EARLY_SIGNS, WishSection.WHAT_HELPS, WishSection.CONTACTS)
# Set by "Keep on this phone"; the card for the phone is handed out once per choice.
KEEP_CHOICE = "crisis_card_keep"


def now() -> datetime:
    """The moment "open now" is decided at; tests set PORTAL_CLOCK."""
    clock: Callable[[], datetime] = current_app.config.get("PORTAL_CLOCK") or utcnow
    return clock()


def _settings() -> Settings:
    settings: Settings = current_app.config["SETTINGS"]
    return settings


def emergency_lines() -> tuple[EmergencyLine, ...]:
    return _settings().emergency_lines


def citizen_help(subject_person_id: int, plans: Sequence[Plan] | None = None) -> HelpNow:
    """Who the person acted for can call now (reads their plans: the caller audits).
    ``plans``: theirs, if the page has loaded them already."""
    contacts = plan_contacts(get_session(), subject_person_id, plans)
    return help_now(contacts, emergency_lines(), now())


@blueprint.get("/help")
@public
def help_page() -> Any:
    actor = current_actor()
    if actor is not None and can(actor, Permission.PLANS_READ):
        shown = citizen_help(actor.subject_person_id)
        record_read_or_change(actor, AuditTag.HELP_CONTACTS_VIEWED, "plans")
    else:
        shown = help_now(None, emergency_lines(), now())
    may_keep_card = actor is not None and can(actor, Permission.CRISIS_CARD_KEEP)
    return render_template("help/help.html", help=shown, may_keep_card=may_keep_card)


@blueprint.get("/offline")
@public
def offline() -> Any:
    """What the service worker shows without a network, in the remembered language."""
    return _offline_page()


@blueprint.get("/offline/<lang>")
@public
def offline_in(lang: str) -> Any:
    """The same in one language: the service worker keeps one per language."""
    if lang not in _settings().languages:
        abort(404)
    with force_locale(lang):
        return _offline_page(lang)


def _offline_page(lang: str | None = None) -> Any:
    # Nobody's data: the lines of every region, never the signed-in person's plans.
    return render_template("help/offline.html", lines=emergency_lines(), page_lang=lang)


def _card(include_statement: bool) -> dict[str, Any]:
    actor = signed_in_actor()
    wishes = wish_services.current_wishes(get_session(), actor.subject_person_id, None)
    sections = [(SECTION_TITLES[s], wishes[s].text) for s in CARD_SECTIONS if s in wishes]
    statement = wishes.get(WishSection.ADVANCE_STATEMENT)
    # Read later, offline: whether a place is open is left to its hours, not this moment.
    contacts = plan_contacts(get_session(), actor.subject_person_id)
    shown = help_now(contacts, emergency_lines(), now())
    everyone = (*shown.open_contacts, *shown.closed_contacts)
    return {
        "sections": [(title, text) for title, text in sections if text],
        "help": HelpNow(tuple(ContactNow(c.contact, None) for c in everyone), shown.lines, ()),
        "statement": statement.text if statement and include_statement else None,
        "has_statement": bool(statement and statement.text),
    }


@blueprint.get("/crisis-card")
@requires(Permission.CRISIS_CARD_KEEP)
def crisis_card() -> Any:
    actor = signed_in_actor()
    card = _card(include_statement=True)
    record_read_or_change(actor, AuditTag.CRISIS_CARD_VIEWED, "wishes")
    return render_template(
        "help/crisis_card.html", **card, keep_now=KEEP_CHOICE in session, kept=None
    )


@blueprint.post("/crisis-card/keep")
@requires(Permission.CRISIS_CARD_KEEP)
def keep_crisis_card() -> Any:
    """The citizen's explicit choice: the next fetch of the phone's card is allowed."""
    session[KEEP_CHOICE] = "with-statement" if request.form.get("statement") == "yes" else "yes"
    return redirect(url_for("help.crisis_card") + "#keep", code=303)


@blueprint.get("/crisis-card/for-this-phone")
@requires(Permission.CRISIS_CARD_KEEP)
def crisis_card_for_phone() -> Any:
    """The card as the phone keeps it; only once after "Keep on this phone"."""
    choice = session.pop(KEEP_CHOICE, None)
    if choice is None:
        abort(404)
    actor = signed_in_actor()
    card = _card(include_statement=choice == "with-statement")
    record_read_or_change(actor, AuditTag.CRISIS_CARD_KEPT, "wishes")
    response = current_app.make_response(
        render_template("help/crisis_card_offline.html", **card, kept=now())
    )
    # The service worker deletes the card when the session would have ended.
    row = session_row(current_user.get_id())
    if row is not None:
        ends = row.created_at + timedelta(hours=_settings().session_absolute_hours)
        response.headers["X-Card-Ends"] = ends.isoformat()
    return response
