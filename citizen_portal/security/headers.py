"""Response headers every page carries (OWASP ASVS 14.4)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, request

from citizen_portal.config import Settings


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def init_headers(app: Flask, settings: Settings) -> None:
    # form-action must allow the provider: signing out posts a form that
    # redirects to its end-session endpoint, and browsers check that hop too.
    form_targets = " ".join(sorted({"'self'", _origin(settings.oidc_issuer)}))
    csp = "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "manifest-src 'self'",
            "worker-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            f"form-action {form_targets}",
        ]
    )

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", csp)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
        if settings.secure_cookies:
            headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        if request.endpoint not in ("static", "pwa.service_worker", "pwa.manifest"):
            # Pages may hold personal data: never stored by the browser,
            # a proxy or the service worker.
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        return response
