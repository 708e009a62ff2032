"""Installable app: manifest, icons and a service worker that caches no personal data."""

from __future__ import annotations

import json
import re
from pathlib import Path

from flask.testing import FlaskClient

STATIC = Path(__file__).resolve().parents[2] / "static"


def test_manifest_is_installable(client: FlaskClient) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/plans"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200
        assert image.data.startswith(b"\x89PNG")


def test_service_worker_is_served_for_the_whole_site(client: FlaskClient) -> None:
    response = client.get("/service-worker.js")
    assert response.status_code == 200
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"


def test_service_worker_caches_only_static_files() -> None:
    source = (STATIC / "js" / "service-worker.js").read_text()
    shell = re.search(r"const SHELL = \[(.*?)\];", source, re.S)
    assert shell is not None
    cached = re.findall(r'"([^"]+)"', shell.group(1))
    assert cached, "the app shell is cached"
    assert all(path.startswith("/static/") for path in cached)
    for path in cached:
        assert (STATIC / path.removeprefix("/static/")).exists(), path
    # Pages are never put in the cache: only caches.match on navigation failure.
    assert "cache.put" not in source


def test_offline_page_holds_no_personal_data_and_tells_what_to_do() -> None:
    page = (STATIC / "offline.html").read_text()
    assert "112" in page
    assert "{{" not in page


def test_the_offline_page_is_also_served_at_its_own_address(client: FlaskClient) -> None:
    response = client.get("/offline")
    assert response.status_code == 200
    assert response.get_data() == (STATIC / "offline.html").read_bytes()
