from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from citizen_portal.audit.models import AuditTag
from citizen_portal.audit.services import record_event
from citizen_portal.auth import drafts, services
from citizen_portal.auth.sessions import end_session, start_session
from citizen_portal.auth.sessions import keep_alive as keep_session
from citizen_portal.config import Settings
from citizen_portal.db import get_session, utcnow
from citizen_portal.notifications import push
from citizen_portal.notifications.services import send_expiry_reminders
from citizen_portal.people.services import InvalidCpr, find_or_create_by_cpr
from citizen_portal.security.actors import ActorKind
from citizen_portal.security.permissions import Permission
from citizen_portal.security.web import public, requires

blueprint = Blueprint("auth", __name__, url_prefix="/auth")

NEXT_KEY = "after_sign_in"
FRESH_KEY = "fresh_sign_in_asked_at"


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never an open redirect to another host.

    Browsers drop tabs and newlines from a URL, so "/<TAB>/host" becomes
    "//host": any control, format or space character refuses the target (and
    keeps CR/LF out of the Location header).
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(char.isspace() or unicodedata.category(char).startswith("C") for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _settings() -> Settings:
    settings: Settings = current_app.config["SETTINGS"]
    return settings


def _refused(reason: str) -> tuple[str, int]:
    db = get_session()
    db.rollback()
    record_event(
        db,
        tag=AuditTag.ACCOUNT_SIGN_IN_REFUSED,
        actor_kind=ActorKind.ANONYMOUS,
        details={"reason": reason[:200]},
    )
    current_app.logger.warning("sign-in refused: %s", reason)
    return render_template("auth/sign_in_failed.html"), 400


@blueprint.get("/sign-in")
@public
def sign_in() -> Any:
    fresh = request.args.get("fresh") == "1"
    if current_user.is_authenticated and not fresh:
        return redirect(url_for("plans.my_plans"))
    target = _safe_next(request.args.get("next"))
    if target:
        session[NEXT_KEY] = target
    extra: dict[str, Any] = {}
    if fresh:
        # Sensitive changes (e.g. a power of attorney) need proof of identity
        # now, not a session's memory of it: ask the provider to sign in again.
        session[FRESH_KEY] = int(utcnow().timestamp())
        extra = {"prompt": "login", "max_age": 0}
    try:
        return services.authorization_redirect(
            _settings().base_url + url_for("auth.callback"),
            ui_locales=str(request.accept_languages.best or "da"),
            **extra,
        )
    except services.SignInRefused as exc:
        return _refused(exc.reason)


@blueprint.get("/callback")
@public
def callback() -> Any:
    try:
        identity = services.complete_sign_in()
    except services.SignInRefused as exc:
        return _refused(exc.reason)
    db = get_session()
    try:
        person = find_or_create_by_cpr(
            db,
            identity.cpr,
            _settings().cpr_hash_key,
            given_name=identity.given_name,
            family_name=identity.family_name,
        )
    except InvalidCpr:
        return _refused("person identifier claim is not a CPR number")
    # The identity provider is the authority on a person's name: it replaces what a
    # partner's bundle (or nobody) gave before, and is corrected at the provider.
    if identity.given_name or identity.family_name:
        person.given_name = identity.given_name
        person.family_name = identity.family_name
    target = session.pop(NEXT_KEY, None)
    asked_at = session.pop(FRESH_KEY, None)
    if asked_at is not None and (identity.auth_time is None or identity.auth_time < asked_at - 60):
        return _refused("a fresh sign-in was asked for, but auth_time is older")
    # Without auth_time the provider may have reused an old sign-in (single
    # sign-on): then nothing counts as a fresh sign-in.
    authenticated_at = (
        datetime.fromtimestamp(identity.auth_time, UTC) if identity.auth_time else None
    )
    # A fresh session after sign-in: nothing from before survives (fixation), and
    # the earlier server session ends too, whoever else still holds its cookie.
    previous = session.get("_user_id")
    if previous:
        end_session(previous)
    session.clear()
    user = start_session(person, acr=identity.acr, authenticated_at=authenticated_at)
    # Text kept when an earlier session ended: pages look for it only while some waits
    # (one query here instead of one on every page).
    kept_until = drafts.waiting(db, person.id, utcnow())
    if kept_until is not None:
        session[drafts.DRAFTS_WAITING] = kept_until.timestamp()
    record_event(
        db,
        tag=AuditTag.ACCOUNT_SIGNED_IN,
        actor_kind=ActorKind.CITIZEN,
        actor_person_id=person.id,
        subject_person_id=person.id,
        details={"acr": identity.acr or ""},
    )
    # Between daily runs of send-reminders, signing in is when reminders matter.
    send_expiry_reminders(db, utcnow().date(), person.id)
    login_user(user)
    return redirect(_safe_next(target) or url_for("plans.my_plans"))


@blueprint.post("/sign-out")
@requires(Permission.ACCOUNT_USE)
def sign_out() -> Any:
    db = get_session()
    ended = end_session(current_user.get_id())
    # This device's push subscription goes: the one its script names, and any made
    # in this sign-in (so a phone handed on is not told there is news).
    endpoint = request.form.get("push_endpoint", "")[:1000] or None
    push.unsubscribe(db, current_user.person_id, ended.id if ended else None, endpoint)
    record_event(
        db,
        tag=AuditTag.ACCOUNT_SIGNED_OUT,
        actor_kind=ActorKind.CITIZEN,
        actor_person_id=current_user.person_id,
        subject_person_id=current_user.person_id,
    )
    logout_user()
    session.clear()
    signed_out = _settings().base_url + url_for("auth.signed_out")
    provider_url = services.end_session_url(signed_out)
    return redirect(provider_url or url_for("auth.signed_out"))


@blueprint.post("/keep-alive")
@requires(Permission.ACCOUNT_USE)
def keep_alive() -> Any:
    """ "Stay signed in" (static/js/app.js): the idle timeout starts again."""
    keep_session(current_user.get_id())
    return current_app.response_class(status=204, mimetype="text/plain")


@blueprint.get("/signed-out")
@public
def signed_out() -> Any:
    return render_template("auth/signed_out.html")
