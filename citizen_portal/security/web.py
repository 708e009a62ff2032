"""The Flask side of security: who is signed in, what every route requires, and how
a route's object is found and authorized before its view runs.

A route declares its permission and, when its URL names something, the loader of
that thing: ``@requires(Permission.PLANS_READ, load=from_url(Plan, "plan_id"))``.
The view then receives the authorized object, never the raw id, so it cannot
forget to check it. Anything missing or not the actor's answers 404, the same
whether it exists or not. A test walks the URL map and fails for a route without
a declared permission, or with an id and no loader.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property, wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import Select, bindparam, inspect, select

from citizen_portal.auth import drafts
from citizen_portal.auth.models import SentForm
from citizen_portal.auth.sessions import session_row, signed_in_recently
from citizen_portal.db import LARGEST_STORED_INTEGER, RETRY_ATTRIBUTE, get_session, utcnow
from citizen_portal.fragments import rendering_kept, slot_marker
from citizen_portal.i18n import possessive
from citizen_portal.representation.rules import actor_for
from citizen_portal.representation.services import facts_between
from citizen_portal.security.actors import Actor
from citizen_portal.security.permissions import Permission
from citizen_portal.security.policy import can

F = TypeVar("F", bound=Callable[..., Any])

PERMISSION_ATTRIBUTE = "required_permission"
LOADER_ATTRIBUTE = "object_loader"
# Ids are positive and fit their 32-bit columns; anything else names nothing (and must
# not reach SQL: PostgreSQL answers a larger one with an error).
_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(value: object) -> int | None:
    """An id from a URL or query string, or None when it cannot name a row."""
    if isinstance(value, str):
        value = int(value) if _DIGITS.fullmatch(value) else None
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    if 0 < value <= LARGEST_STORED_INTEGER:
        return value
    return None


@dataclass(frozen=True)
class Loader:
    """Where a route's id is (a URL variable or a query parameter), which model it
    names, and the view argument the authorized object is passed as."""

    model: type[Any]
    id_argument: str
    view_argument: str
    in_query: bool = False
    optional: bool = False  # a query id may be left out; the view then gets None
    options: tuple[Any, ...] = ()  # loader options (eager loading) for the object's query

    @cached_property
    def _by_id(self) -> Select[Any]:
        """The object's query, built once (building it costs as much as running it)."""
        (key,) = inspect(self.model).primary_key
        return select(self.model).where(key == bindparam("id")).options(*self.options)

    def authorized(
        self, actor: Actor | None, permission: Permission, view_args: dict[str, Any]
    ) -> Any:
        """The object, if ``actor`` may use ``permission`` on it; else abort."""
        if self.in_query:
            raw = request.args.get(self.id_argument, "")
            if raw == "" and self.optional:
                return None
            if not _DIGITS.fullmatch(raw):
                abort(400)  # not an id at all: a broken link, not a missing thing
        else:
            raw = view_args.pop(self.id_argument)
        object_id = parse_id(raw)
        found = (
            get_session().execute(self._by_id, {"id": object_id}).unique().scalar_one_or_none()
            if object_id is not None
            else None
        )
        if found is None or not can(actor, permission, found):
            abort(404)  # nobody learns whether someone else's thing exists
        return found


def from_url(
    model: type[Any], id_argument: str, *, as_: str, options: tuple[Any, ...] = ()
) -> Loader:
    """The id is the URL variable ``id_argument``; the view gets the object as ``as_``
    (loaded with ``options``, e.g. what the page shows of it, in the same query)."""
    return Loader(model, id_argument, as_, options=options)


def from_query(model: type[Any], parameter: str, *, as_: str) -> Loader:
    """The id is the optional query parameter ``parameter`` (absent: the view gets None)."""
    return Loader(model, parameter, as_, in_query=True, optional=True)


def public(view: F) -> F:
    """Anyone may use this route, signed in or not."""
    setattr(view, PERMISSION_ATTRIBUTE, Permission.PUBLIC)
    return view


def requires(
    permission: Permission, *, load: Loader | None = None, fresh: bool = False
) -> Callable[[F], F]:
    """The signed-in person must hold ``permission`` (decided by the policy); with
    ``load``, on the object the request names; with ``fresh``, after proving who
    they are at the identity provider just now."""

    if permission.value.startswith("api:"):
        raise ValueError("API routes use @requires_client")

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return _to_sign_in()
            actor = current_actor()
            if not can(actor, permission):
                abort(403)
            if fresh and not signed_in_recently(current_user.get_id()):
                # Giving someone power over your information needs proof it is you, now.
                return redirect(url_for("auth.sign_in", fresh="1", next=request.path))
            refused = _form_refused(actor)
            if refused is not None:
                return refused
            if load is not None:
                kwargs[load.view_argument] = load.authorized(actor, permission, kwargs)
            if request.method == "GET" and actor is not None:
                _give_back_typed_text(actor)
            response = view(*args, **kwargs)
            _remember_sent_form(response)
            return response

        setattr(wrapped, PERMISSION_ATTRIBUTE, permission)
        setattr(wrapped, LOADER_ATTRIBUTE, load)
        # Two sends of one form at once: the second finds the first's token when run again.
        setattr(wrapped, RETRY_ATTRIBUTE, True)
        return wrapped  # type: ignore[return-value]

    return decorator


def _to_sign_in() -> Any:
    if request.method == "POST":
        # The session ended while they wrote: keep the text for them.
        return redirect(url_for("auth.sign_in", next=keep_typed_text()), code=303)
    return redirect(url_for("auth.sign_in", next=request.full_path))


# Every signed-in form carries these (templates render them with form_guard()).
FOR_SUBJECT_FIELD = "for_subject"
ONCE_FIELD = "once"
# What a refused form showed the person typing, so it can be shown again.
TYPED_FIELDS = ("text", "comment", "recipient", "representative_name")


def form_guard() -> Markup:
    """The hidden fields of every signed-in form: the CSRF token, whom the form
    was opened for, and a one-time token. In a kept rendering, a slot that each
    request fills with its own (citizen_portal/fragments.py)."""
    if rendering_kept():
        return slot_marker("form_guard")
    actor = current_actor()
    subject = "" if actor is None else str(actor.subject_person_id)
    return Markup(
        '<input type="hidden" name="csrf_token" value="{}">'
        '<input type="hidden" name="{}" value="{}">'
        '<input type="hidden" name="{}" value="{}">'
    ).format(generate_csrf(), FOR_SUBJECT_FIELD, subject, ONCE_FIELD, secrets.token_urlsafe(24))


# Bookkeeping fields of a form, never kept as typed text.
_NOT_TYPED = ("csrf_token", ONCE_FIELD)


def _this_page() -> str:
    """Path and query of the current request, the way drafts name pages."""
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")


def _form_page() -> str:
    """The page a POSTed form is on: its own address if that shows the form, else the
    page it was sent from (the referrer, only on this site), else the front page."""
    rule = request.url_rule
    if rule is not None and "GET" in (rule.methods or ()):
        return _this_page()
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return "/"


# Never kept for later: a CPR number (nobody should find one filled in for them),
# nor a power of attorney's answers (giving one needs a fresh sign-in anyway).
_NEVER_KEPT = ("representative_cpr", "representative_name", "scopes", "valid_until")
# A form sent this long after the idle timeout is not kept: whoever holds the phone
# much later is not the person who was writing (fifth outside review).
KEEP_AFTER_TIMEOUT = timedelta(minutes=10)


def _sent_soon_after_the_end(last_seen_at: datetime) -> bool:
    idle: timedelta = current_app.config["SETTINGS"].session_idle
    return utcnow() <= last_seen_at + idle + KEEP_AFTER_TIMEOUT


def keep_typed_text() -> str:
    """A form sent after its session ended: keep what was typed (sealed, for a short
    while) for the person whose session it was, and return the page it is on.

    Bound to that person, not the browser: the token in the cookie names the ended
    session and its person. Without one (no cookie), nothing is kept."""
    page = _form_page()
    token = session.get("_user_id")
    row = session_row(token) if isinstance(token, str) else None
    if row is None or not _sent_soon_after_the_end(row.last_seen_at):
        return page
    fields = {
        name: value
        for name, value in request.form.items()
        if name not in _NOT_TYPED and name not in _NEVER_KEPT and value.strip()
    }
    if any(name in TYPED_FIELDS or name == "choice" for name in fields):
        secret = current_app.config["SECRET_KEY"]
        drafts.keep(get_session(), secret, row.person_id, page, fields, utcnow())
    return page


def _give_back_typed_text(actor: Actor) -> None:
    """On the page a kept form was on, give the person's text back (once). Looked
    for only while the sign-in found some kept (``DRAFTS_WAITING``, in the signed
    session cookie): other pages ask the database nothing."""
    waiting_until = session.get(drafts.DRAFTS_WAITING)
    if not isinstance(waiting_until, float) or waiting_until <= utcnow().timestamp():
        session.pop(drafts.DRAFTS_WAITING, None)
        return
    secret = current_app.config["SECRET_KEY"]
    subject = str(actor.subject_person_id)
    fields = drafts.take(get_session(), secret, actor.person_id, _this_page(), subject, utcnow())
    if fields:
        g.typed_text = fields


def typed_text(name: str) -> str | None:
    """What the person had typed into field ``name`` before their session ended
    (never in a kept rendering: those are shared by every request)."""
    if rendering_kept():
        return None
    kept: dict[str, str] = g.get("typed_text") or {}
    return kept.get(name)


def typed_text_given_back() -> bool:
    return bool(g.get("typed_text"))


def _form_refused(actor: Actor | None) -> Any:
    """A form opened for someone else than the person now acted for (another tab
    switched, or the power of attorney ended) writes nothing, and says so; a form
    sent before goes where it went the first time, and writes nothing again."""
    if request.method != "POST" or actor is None:
        return None
    opened_for = request.form.get(FOR_SUBJECT_FIELD)
    if opened_for is not None and opened_for != str(actor.subject_person_id):
        typed = [request.form[name] for name in TYPED_FIELDS if request.form.get(name, "").strip()]
        return render_template("errors/form_moved.html", typed=typed), 409
    once = request.form.get(ONCE_FIELD, "")[:64]
    if once:
        db = get_session()
        sent = db.get(SentForm, once)
        if sent is not None:
            if sent.person_id == actor.person_id:
                return redirect(sent.location, code=303)
            abort(400)  # someone else's token: not a form this person was given
        # Reserved before the view runs: the same form sent at the same moment waits
        # on this row, then runs again (a lost race) and finds where this one went.
        g.sent_form = SentForm(token=once, person_id=actor.person_id, location="")
        db.add(g.sent_form)
        db.flush()
    return None


def _remember_sent_form(response: Any) -> None:
    """A form that did its work (it answers with a redirect) keeps its reserved token
    with where it went; a refused one (400, 409) gives the token back, so the person
    can correct the form and send it again."""
    sent: SentForm | None = g.pop("sent_form", None)
    if sent is None:
        return
    if not inspect(sent).persistent:
        return  # the view rolled its work back (e.g. a conflict): the reservation with it
    if isinstance(response, Response) and 300 <= response.status_code < 400:
        sent.location = (response.location or "/")[:2000]
    else:
        get_session().delete(sent)


def declared_permission(view: Callable[..., Any]) -> Permission | None:
    return getattr(view, PERMISSION_ATTRIBUTE, None)


def declared_loader(view: Callable[..., Any]) -> Loader | None:
    return getattr(view, LOADER_ATTRIBUTE, None)


def current_actor() -> Actor | None:
    """The signed-in person, acting for whom they chose if that is still allowed.

    Checked on every request: a revoked or expired representation stops at once.
    """
    if not current_user.is_authenticated:
        return None
    if "actor" in g:
        actor: Actor | None = g.actor
        return actor
    person_id: int = current_user.person_id
    subject = current_user.acting_for_id or person_id
    actor = actor_for(person_id, subject, facts_between(person_id, subject), utcnow().date())
    if actor is None:  # no longer allowed: back to acting for themself
        actor = Actor(person_id, person_id)
    g.actor = actor
    return actor


def acting_for_owner() -> str | None:
    """When a representative acts for someone: that person's name as an owner ("Peter
    Hansen's"), for third-person headings ("%(owner)s plans"); None when acting for
    oneself (pages then say "your"). A Jinja global."""
    actor = current_actor()
    if actor is None or not actor.is_representative:
        return None
    return possessive(current_user.acting_for_name or "")


def signed_in_actor() -> Actor:
    """The current actor, in a view behind ``@requires`` (which guarantees one)."""
    actor = current_actor()
    if actor is None:
        raise RuntimeError("signed_in_actor() outside a @requires view")
    return actor


def switch_to(person_id: int, subject_person_id: int) -> Actor | None:
    """The actor ``person_id`` becomes when choosing to act for ``subject_person_id``."""
    facts = facts_between(person_id, subject_person_id)
    return actor_for(person_id, subject_person_id, facts, utcnow().date())
