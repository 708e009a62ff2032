"""Installable app: manifest, icons and a service worker that caches no personal data."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from flask.testing import FlaskClient

from citizen_portal.pwa.views import OFFLINE_SOURCES, ROOT, SHELL_FILES, version_of

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


def test_service_worker_caches_only_the_shell_and_the_offline_pages() -> None:
    source = (STATIC / "js" / "service-worker.js").read_text()
    shell = re.search(r"const SHELL = \[(.*?)\];", source, re.S)
    assert shell is not None
    cached = re.findall(r'"([^"]+)"', shell.group(1))
    assert cached, "the app shell is cached"
    assert all(path.startswith("/static/") for path in cached)
    for path in cached:
        assert (STATIC / path.removeprefix("/static/")).exists(), path
    assert 'LANGUAGES.map((lang) => "/offline/" + lang)' in source
    # Pages fetched from the network are never put in a cache by the worker: the
    # one put keeps the language the offline page is shown in.
    assert re.findall(r"cache\.put\(([^,]+),", source) == ["LANGUAGE_KEY"]
    # The page's script keeps the crisis card only when the page says the citizen
    # just chose it (data-keep-card, set only after the POST), under the card's name.
    script = (STATIC / "js" / "app.js").read_text()
    assert re.findall(r"cache\.put\(([^,]+),", script) == ["CARD_URL"]
    keep_branch = script[script.index('getAttribute("data-keep-card")') :]
    assert keep_branch.index("if (keep)") < keep_branch.index("cache.put(")


def test_the_shell_cache_name_follows_the_content_of_the_shell(
    client: FlaskClient, tmp_path: Path
) -> None:
    served = client.get("/service-worker.js").get_data(as_text=True)
    name = re.search(r'const CACHE = "shell-([0-9a-f]{16})";', served)
    assert name is not None
    assert name.group(1) == version_of(ROOT)
    for changed in (*SHELL_FILES, *OFFLINE_SOURCES):
        copy = tmp_path / changed.replace("/", "_")
        shutil.copytree(ROOT / "static", copy / "static")
        shutil.copytree(ROOT / "templates", copy / "templates")
        shutil.copytree(ROOT / "translations", copy / "translations")
        with (copy / changed).open("ab") as f:
            f.write(b"\n")
        assert version_of(copy) != version_of(ROOT), changed


def test_the_manifest_has_an_id_a_language_and_a_get_help_shortcut_per_language(
    client: FlaskClient,
) -> None:
    names = {"da": "Få hjælp nu", "en": "Get help now", "ar": "احصل على المساعدة الآن"}
    for lang, direction in (("da", "ltr"), ("en", "ltr"), ("ar", "rtl")):
        response = client.get(f"/manifest.webmanifest?language={lang}")
        manifest = json.loads(response.get_data(as_text=True))
        assert manifest["id"] == "/"
        assert (manifest["lang"], manifest["dir"]) == (lang, direction)
        assert manifest["shortcuts"][0]["url"] == "/help"
        assert manifest["shortcuts"][0]["name"] == names[lang]
        assert "lang" not in response.headers.get("Set-Cookie", ""), "naming is not choosing"
    # The bare address follows the remembered language, and says it varies by it.
    client.set_cookie("lang", "ar")
    bare = client.get("/manifest.webmanifest")
    assert json.loads(bare.get_data(as_text=True))["lang"] == "ar"
    assert "Cookie" in bare.headers["Vary"]
    assert "Accept-Language" in bare.headers["Vary"]
    page = client.get("/?lang=ar").get_data(as_text=True)
    assert 'rel="manifest" href="/manifest.webmanifest?language=ar"' in page


def test_the_offline_page_is_served_at_its_own_address(client: FlaskClient) -> None:
    response = client.get("/offline")
    assert response.status_code == 200
    assert "tel:112" in response.get_data(as_text=True)
