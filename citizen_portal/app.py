"""The app factory: settings, database, CSRF, login, OIDC, i18n, headers, blueprints.

Each request is one unit of work: ``PortalApp.dispatch_request`` commits the
request's database session once, after the view has returned, and a view that
raises (or aborts) commits nothing. Nothing below the views commits.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, g, redirect, request
from flask.typing import ResponseReturnValue
from flask_babel import format_date, format_time, get_locale
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.middleware.proxy_fix import ProxyFix

from citizen_portal import db, views
from citizen_portal.api import views as api_views
from citizen_portal.api.limits import init_rate_limits
from citizen_portal.api.oauth import init_api_oauth
from citizen_portal.audit import views as audit_views
from citizen_portal.auth import views as auth_views
from citizen_portal.auth.services import init_oidc
from citizen_portal.auth.sessions import init_login
from citizen_portal.cli import register_commands
from citizen_portal.config import Settings, load_settings
from citizen_portal.consents import views as consent_views
from citizen_portal.delivery import init_delivery
from citizen_portal.demo.data import PERSONAS
from citizen_portal.devidp import views as idp_views
from citizen_portal.devidp.provider import DevIdentityProvider
from citizen_portal.errors import error_link, init_errors
from citizen_portal.formatting import in_danish, left_to_right, opening_hours
from citizen_portal.fragments import render_kept
from citizen_portal.glossary import views as glossary_views
from citizen_portal.glossary.markup import explain_terms
from citizen_portal.glossary.views import plan_type_slug
from citizen_portal.help import views as help_views
from citizen_portal.i18n import LANGUAGE_NAMES, RIGHT_TO_LEFT, init_i18n
from citizen_portal.notifications import views as notification_views
from citizen_portal.plans import views as plan_views
from citizen_portal.plans import vocabulary
from citizen_portal.pwa import views as pwa_views
from citizen_portal.representation import views as representation_views
from citizen_portal.representation.forms import SCOPE_LABELS_FOR_REPRESENTATIVE
from citizen_portal.representation.models import kind_name
from citizen_portal.security.headers import init_headers
from citizen_portal.security.web import (
    acting_for_owner,
    current_actor,
    form_guard,
    public,
    typed_text,
    typed_text_given_back,
)
from citizen_portal.wishes import views as wish_views

ROOT = Path(__file__).resolve().parent.parent
# The load balancer's checks answer on any host name (it calls by address).
HOST_EXEMPT = frozenset({"public.health", "public.ready"})


class PortalApp(Flask):
    def dispatch_request(self) -> ResponseReturnValue:
        view = self.view_functions.get(request.endpoint or "")
        attempts = 8 if getattr(view, db.RETRY_ATTRIBUTE, False) else 1
        for attempt in range(attempts):
            try:
                result = super().dispatch_request()
                # The request's one commit: its change and its audit records are
                # stored together, before the response leaves, or not at all.
                db.commit_request()
                return result
            except (db.LostRace, IntegrityError, OperationalError) as error:
                if attempt == attempts - 1 or not (
                    isinstance(error, db.LostRace) or db.is_lost_race(error)
                ):
                    raise
                db.rollback_request()
                db.backoff(attempt)
        raise AssertionError("unreachable")


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or load_settings()
    app = PortalApp(
        __name__,
        static_folder=str(ROOT / "static"),
        template_folder=str(ROOT / "templates"),
    )
    cookie_name = "__Host-session" if settings.secure_cookies else "session"
    app.config.update(
        SETTINGS=settings,
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME=cookie_name,
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_absolute_hours),
        WTF_CSRF_TIME_LIMIT=3600,
        MAX_CONTENT_LENGTH=1024 * 1024,
        # Templates (and static files' hashes, delivery.py) are looked at again for
        # changes only under `flask run --debug`: checking costs every page a stat
        # per template.
        TEMPLATES_AUTO_RELOAD=None,
    )
    if settings.is_production:
        # Behind one load balancer that sets X-Forwarded-For/Proto.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]

    db.init_app(app, settings.database_url)
    CSRFProtect(app)

    login_manager = LoginManager(app)
    init_login(login_manager)
    init_oidc(app, settings)
    init_i18n(app, settings.languages)
    init_headers(app, settings)
    init_errors(app)
    init_delivery(app)

    app.register_blueprint(views.blueprint)
    app.register_blueprint(auth_views.blueprint)
    app.register_blueprint(plan_views.blueprint)
    app.register_blueprint(audit_views.blueprint)
    app.register_blueprint(representation_views.blueprint)
    app.register_blueprint(notification_views.blueprint)
    app.register_blueprint(wish_views.blueprint)
    app.register_blueprint(consent_views.blueprint)
    app.register_blueprint(glossary_views.blueprint)
    app.register_blueprint(pwa_views.blueprint)
    app.register_blueprint(help_views.blueprint)
    init_api_oauth(app)
    app.register_blueprint(api_views.blueprint)
    # Systems authenticate with bearer tokens or client secrets, not cookies: no CSRF.
    app.extensions["csrf"].exempt(api_views.blueprint)
    init_rate_limits(app, settings)
    # Flask's own static route: declared public like every other route.
    app.view_functions["static"] = public(_static_view(app))

    if settings.dev_idp_enabled:
        DevIdentityProvider(settings, PERSONAS).init_app(app)
        app.register_blueprint(idp_views.blueprint)
        app.extensions["csrf"].exempt(idp_views.token)

    canonical_host = urlsplit(settings.base_url).netloc

    @app.before_request
    def _request_id_and_canonical_host() -> Any:
        g.request_id = secrets.token_hex(8)
        # Sign-in state lives in a cookie for one host name: serve everything
        # from the configured one (the load balancer's health check excepted).
        if request.host != canonical_host and request.endpoint not in HOST_EXEMPT:
            return redirect(settings.base_url + request.full_path.rstrip("?"), code=308)
        return None

    def unread_messages() -> int:
        if g.get("database_unreachable"):  # the 503 page (errors.py)
            return 0
        # Counted with the session when the request began (auth/sessions.load_user).
        return int(getattr(current_user, "unread_messages", 0))

    app.jinja_env.filters["explain_terms"] = explain_terms
    app.jinja_env.filters["ltr"] = left_to_right
    app.jinja_env.filters["da"] = in_danish
    app.jinja_env.globals.update(
        plan_type_slug=plan_type_slug,
        render_kept=render_kept,
        # The names of plan types, statuses and kinds, for every template.
        vocabulary=vocabulary,
        current_actor=current_actor,
        acting_for_owner=acting_for_owner,
        form_guard=form_guard,
        unread_messages=unread_messages,
        error_link=error_link,
        typed_text=typed_text,
        typed_text_given_back=typed_text_given_back,
        session_idle_seconds=lambda: int(settings.session_idle.total_seconds()),
        representative_scope_labels=SCOPE_LABELS_FOR_REPRESENTATIVE,
        representation_kind_name=kind_name,
        opening_hours=opening_hours,
        get_locale=get_locale,
        format_date=format_date,
        format_time=format_time,
        language_names=LANGUAGE_NAMES,
        right_to_left=RIGHT_TO_LEFT,
    )

    register_commands(app)
    return app


def _static_view(app: Flask) -> Any:
    send = app.send_static_file

    def static(filename: str) -> Any:
        return send(filename)

    return static
