"""Installable app: the manifest and a service worker at the site root.

The worker must be served from "/" to control the whole site. It caches only
the static app shell; pages carry ``Cache-Control: no-store`` and are never cached.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, send_from_directory
from flask_babel import gettext as _

from citizen_portal.security.web import public

blueprint = Blueprint("pwa", __name__)


@blueprint.get("/manifest.webmanifest")
@public
def manifest() -> Any:
    body = {
        "name": _("My plans - psychiatry"),
        "short_name": _("My plans"),
        "description": _("Read your plans and see who does what."),
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
    }
    response = current_app.response_class(
        current_app.json.dumps(body), mimetype="application/manifest+json"
    )
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@blueprint.get("/service-worker.js")
@public
def service_worker() -> Any:
    response = send_from_directory(current_app.static_folder or "static", "js/service-worker.js")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@blueprint.get("/offline")
@public
def offline() -> Any:
    # The same page the service worker keeps for when the network is gone.
    return current_app.send_static_file("offline.html")
