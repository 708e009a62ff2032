"""The person's messages: what happened to the powers of attorney that concern them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_login import current_user

from citizen_portal.audit.models import AuditTag
from citizen_portal.audit.services import record_event
from citizen_portal.auth.sessions import session_row
from citizen_portal.consents.models import ConsentPurpose
from citizen_portal.consents.vocabulary import PURPOSE_NAMES
from citizen_portal.db import get_session
from citizen_portal.i18n import lazy_gettext as _l
from citizen_portal.notifications import push
from citizen_portal.notifications.models import Notification, NotificationKind
from citizen_portal.notifications.rules import Category
from citizen_portal.notifications.services import Message, ends, mark_read, messages_for
from citizen_portal.plans.vocabulary import PLAN_TYPE_NAMES
from citizen_portal.representation.models import kind_name
from citizen_portal.security.permissions import Permission
from citizen_portal.security.web import from_url, requires, signed_in_actor
from citizen_portal.wishes.models import StanceChoice, WishSection
from citizen_portal.wishes.vocabulary import SECTION_TITLES

blueprint = Blueprint("notifications", __name__)

_SECTIONS = {s.value for s in WishSection}
_PURPOSES = {p.value for p in ConsentPurpose}


def _representatives_change(message: Message) -> object:
    """What a representative changed for the citizen, naming them; no health details."""
    event = message.event
    name = message.actor.full_name if message.actor else "?"
    if event is None:
        return _l("Someone who acts for you changed something on your behalf.")
    details = event.details or {}
    section = details.get("section", "")
    section_title = SECTION_TITLES.get(WishSection(section)) if section in _SECTIONS else ""
    purpose = details.get("purpose", "")
    purpose_name = PURPOSE_NAMES.get(ConsentPurpose(purpose)) if purpose in _PURPOSES else ""
    if event.tag is AuditTag.WISH_SAVED:
        return _l(
            "%(name)s changed your wishes on your behalf: %(section)s.",
            name=name,
            section=section_title,
        )
    if event.tag is AuditTag.WISH_SHARING_CHANGED:
        return _l(
            "%(name)s kept part of your wishes only for you, on your behalf: %(section)s.",
            name=name,
            section=section_title,
        )
    if event.tag is AuditTag.PLAN_STANCE_RECORDED:
        choice = details.get("choice")
        if choice == StanceChoice.DISAGREE.value:
            return _l("%(name)s disagreed with your plan on your behalf.", name=name)
        if choice == StanceChoice.AGREE_WITH_COMMENTS.value:
            return _l("%(name)s agreed with your plan, with comments, on your behalf.", name=name)
        return _l("%(name)s agreed with your plan on your behalf.", name=name)
    if event.tag is AuditTag.CONSENT_GIVEN:
        return _l(
            "%(name)s gave a consent on your behalf: %(purpose)s.", name=name, purpose=purpose_name
        )
    return _l(
        "%(name)s withdrew a consent on your behalf: %(purpose)s.", name=name, purpose=purpose_name
    )


def _about_a_plan(message: Message) -> object:
    """A notice from the plans (notifications/rules.py), naming the plan by its type."""
    kind = message.notification.kind
    plan = message.plan
    words: object
    if plan is None:
        words = _l("A plan that no longer exists.")
        return words
    name = PLAN_TYPE_NAMES[plan.plan_type]
    if kind is NotificationKind.PLAN_NEW:
        words = _l("You have a new plan: %(plan)s.", plan=name)
    elif kind is NotificationKind.PLAN_VERSION:
        words = _l("There is a new version of your plan: %(plan)s.", plan=name)
    elif kind is NotificationKind.PLAN_HANDED_OVER:
        words = _l(
            "%(organisation)s is now responsible for your plan: %(plan)s.",
            organisation=plan.author_organisation.name,
            plan=name,
        )
    elif kind is NotificationKind.APPOINTMENT_TOMORROW:
        words = _l(
            "You have an appointment tomorrow. The plan says when and where: %(plan)s.", plan=name
        )
    elif kind is NotificationKind.REVIEW_PASSED:
        words = _l(
            "The date to look at your plan again has passed: %(plan)s. "
            "Ask your contact person when it will be.",
            plan=name,
        )
    else:  # TASK_OVERDUE
        words = _l("A task in your plan is late: %(plan)s.", plan=name)
    return words


def _not_about_a_representation(message: Message) -> object | None:
    """A consent that ends, or an organisation's first read; None for the rest."""
    if message.notification.resource_type == "plan":
        return _about_a_plan(message)
    if message.notification.kind is NotificationKind.REPRESENTATIVE_CHANGED:
        return _representatives_change(message)
    if message.consent is not None:
        consent = message.consent
        words: object = _l(
            "Your consent ends on %(date)s: %(purpose)s (%(recipient)s). "
            "Give it again if you still want it.",
            date=format_date(consent.expires_on, "long"),
            purpose=PURPOSE_NAMES[consent.purpose],
            recipient=consent.recipient,
        )
        return words
    if message.notification.kind is NotificationKind.CITIZEN_INPUT_FIRST_READ:
        words = _l(
            "The system of %(organisation)s read what you wrote for the first time: "
            "your wishes, consents or what you think of your plan. "
            "You can see every read in your access log.",
            organisation=message.organisation.name if message.organisation else "?",
        )
        return words
    return None


def describe(message: Message, me: int) -> object:
    """The message in plain words, for the person it was sent to."""
    other_words = _not_about_a_representation(message)
    if other_words is not None:
        return other_words
    row = message.representation
    if row is None:
        return _l("A power of attorney that no longer exists.")
    mine = row.represented_id == me  # the citizen, rather than the representative
    # To the citizen, the representative by the name the citizen typed until they accept.
    other = row.representative_name if mine else row.represented.full_name
    end = ends(row)
    until = format_date(end, "long") if end else ""
    kind = message.notification.kind
    if kind is NotificationKind.REPRESENTATION_OFFERED:
        return _l(
            "%(name)s has given you a power of attorney. Accept it before you can act for them.",
            name=other,
        )
    if kind is NotificationKind.REPRESENTATION_CREATED:
        return _l(
            "You gave %(name)s a power of attorney. It starts when they accept it.", name=other
        )
    if kind is NotificationKind.REPRESENTATION_ACCEPTED:
        return _l("%(name)s accepted your power of attorney. They can now act for you.", name=other)
    if kind is NotificationKind.REPRESENTATION_FIRST_USED:
        return _l("%(name)s used your power of attorney for the first time.", name=other)
    if kind is NotificationKind.REPRESENTATION_REGISTERED and mine:
        return _l(
            "%(name)s is now registered as acting for you: %(kind)s.",
            name=other,
            kind=kind_name(row.kind),
        )
    if kind is NotificationKind.REPRESENTATION_REGISTERED:
        return _l(
            "You are now registered as acting for %(name)s: %(kind)s.",
            name=other,
            kind=kind_name(row.kind),
        )
    if mine:  # REPRESENTATION_EXPIRING
        return _l(
            "The power of attorney you gave %(name)s ends on %(date)s.", name=other, date=until
        )
    return _l("Your right to act for %(name)s ends on %(date)s.", name=other, date=until)


@blueprint.get("/messages")
@requires(Permission.MESSAGES_READ)
def messages() -> Any:
    db = get_session()
    actor = signed_in_actor()
    found = messages_for(db, actor.person_id)
    # (message, words, new?). Reading changes nothing: "Mark as read" is a POST.
    texts = [(m, describe(m, actor.person_id), m.notification.read_at is None) for m in found]
    record_event(
        db,
        tag=AuditTag.MESSAGES_VIEWED,
        actor_kind=actor.kind,
        actor_person_id=actor.person_id,
        subject_person_id=actor.person_id,
        resource_type="messages",
    )
    settings = current_app.config["SETTINGS"]
    return render_template(
        "notifications/messages.html",
        messages=texts,
        any_new=any(new for _, _, new in texts),
        NotificationKind=NotificationKind,
        choices=push.choices(db, actor.person_id),
        category_names=CATEGORY_NAMES,
        vapid_public_key=push.public_key(settings.vapid_private_key),
    )


CATEGORY_NAMES = {
    Category.PLANS: _l("A new plan, a new version or a new team"),
    Category.APPOINTMENTS: _l("An appointment tomorrow"),
    Category.LATE: _l("A date or a task that is late"),
    Category.CONSENTS: _l("Consent that ends soon"),
    Category.OTHERS: _l("What others did for you, and powers of attorney"),
}


@blueprint.post("/messages/settings")
@requires(Permission.ACCOUNT_USE)
def save_settings() -> Any:
    """Which kinds of news this person's phones are told about (in the app: all)."""
    db = get_session()
    wanted = set(request.form.getlist("push"))
    chosen = {category for category in Category if category.value in wanted}
    push.set_choices(db, signed_in_actor().person_id, chosen)
    return redirect(url_for("notifications.messages") + "#notices", code=303)


def _user_session_id() -> int | None:
    row = session_row(current_user.get_id())
    return row.id if row is not None else None


@blueprint.post("/messages/push-subscription")
@requires(Permission.ACCOUNT_USE)
def subscribe() -> Any:
    """The page's script subscribed this device: store it for the signed-in person
    (never anyone else: the request names no person)."""
    body = request.get_json(silent=True)
    keys = body.get("keys") if isinstance(body, dict) else None
    endpoint = body.get("endpoint") if isinstance(body, dict) else None
    if not isinstance(keys, dict) or not isinstance(endpoint, str):
        return _refused()
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    if not isinstance(p256dh, str) or not isinstance(auth, str):
        return _refused()
    settings = current_app.config["SETTINGS"]
    try:
        push.subscribe(
            get_session(),
            signed_in_actor().person_id,
            _user_session_id(),
            endpoint,
            (p256dh, auth),
            str(get_locale() or "da"),
            allow_local=settings.push_allow_local,
        )
    except push.SubscriptionRefused:
        return _refused()
    return jsonify(ok=True), 201


@blueprint.post("/messages/push-subscription/remove")
@requires(Permission.ACCOUNT_USE)
def unsubscribe() -> Any:
    """Push turned off on this device (the script unsubscribed it first)."""
    body = request.get_json(silent=True)
    endpoint = body.get("endpoint") if isinstance(body, dict) else None
    if not isinstance(endpoint, str):
        return _refused()
    push.unsubscribe(get_session(), signed_in_actor().person_id, None, endpoint)
    return jsonify(ok=True), 200


def _refused() -> Any:
    message = _l("This phone could not be set up for notices. Your messages are still here.")
    return jsonify(ok=False, message=str(message)), 400


@blueprint.post("/messages/read")
@requires(Permission.MESSAGES_READ)
def mark_all_read() -> Any:
    mark_read(get_session(), signed_in_actor().person_id)
    return redirect(url_for("notifications.messages", read="all"), code=303)


@blueprint.post("/messages/<int:message_id>/read")
@requires(Permission.MESSAGES_READ, load=from_url(Notification, "message_id", as_="message"))
def mark_one_read(message: Notification) -> Any:
    mark_read(get_session(), message.person_id, message.id)
    return redirect(url_for("notifications.messages", _anchor=f"message-{message.id}"), code=303)
