"""Installable app: the manifest and a service worker at the site root.

The worker must be served from "/" to control the whole site. It caches the
static app shell and the offline page in each language (nobody's data); the one
page with personal data it ever keeps is the crisis card, and only after the
citizen chose "Keep on this phone" (templates/help). Every other page carries
``Cache-Control: no-store`` and is never cached.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, request
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from citizen_portal.security.web import public

blueprint = Blueprint("pwa", __name__)

ROOT = Path(__file__).resolve().parents[2]
WORKER = ROOT / "static" / "js" / "service-worker.js"
# What the offline pages are made of, besides the static shell the worker names.
OFFLINE_SOURCES = (
    "templates/help/offline.html",
    "templates/help/standalone.html",
    "translations/da/LC_MESSAGES/messages.po",
    "translations/en/LC_MESSAGES/messages.po",
    "translations/ar/LC_MESSAGES/messages.po",
)
SHELL_FILES = (
    "static/css/app.css",
    "static/js/app.js",
    "static/icons/icon-192.png",
    "static/icons/icon-512.png",
)


def version_of(root: Path) -> str:
    """A hash of the worker and everything it caches: a deploy that changes any of
    them is a new worker, so installed apps fetch the new shell (and drop the old)."""
    digest = hashlib.sha256()
    for name in ("static/js/service-worker.js", *SHELL_FILES, *OFFLINE_SOURCES):
        path = root / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:16]


@cache
def shell_version() -> str:
    return version_of(ROOT)


@blueprint.get("/manifest.webmanifest")
@public
def manifest() -> Any:
    # One manifest per language: ?language= names it (each page links its own; not
    # ?lang=, which would remember a choice), and the bare URL varies by the
    # remembered language and the browser's.
    lang = request.args.get("language")
    if lang not in current_app.config["SETTINGS"].languages:
        locale = get_locale()
        lang = locale.language if locale else "da"
    with force_locale(lang):
        body = {
            "id": "/",
            "name": _("My plans - psychiatry"),
            "short_name": _("My plans"),
            "description": _("Read your plans and see who does what."),
            "lang": lang,
            "dir": "rtl" if lang == "ar" else "ltr",
            "start_url": "/plans",
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#1d4f7a",
            "icons": [
                {"src": "/static/icons/icon-192.png", "sizes": "192x192", "type": "image/png"},
                {"src": "/static/icons/icon-512.png", "sizes": "512x512", "type": "image/png"},
                {
                    "src": "/static/icons/icon-512.png",
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                },
            ],
            "shortcuts": [
                {
                    "name": _("Get help now"),
                    "short_name": _("Get help"),
                    "url": "/help",
                    "icons": [
                        {"src": "/static/icons/icon-192.png", "sizes": "192x192"},
                    ],
                }
            ],
        }
    response = current_app.response_class(
        current_app.json.dumps(body), mimetype="application/manifest+json"
    )
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Vary"] = "Cookie, Accept-Language"
    return response


@blueprint.get("/service-worker.js")
@public
def service_worker() -> Any:
    source = WORKER.read_text(encoding="utf-8")
    body = source.replace("__SHELL_VERSION__", shell_version())
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response
