"""Danish by default, English on request; catalogues complete and current."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, format_date

from citizen_portal import i18n_catalogues


def test_danish_is_the_default(client: FlaskClient) -> None:
    page = client.get("/", headers={"Accept-Language": ""}).get_data(as_text=True)
    assert '<html lang="da"' in page
    assert "Log ind med MitID" in page


def test_browser_language_is_followed(client: FlaskClient) -> None:
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"}).get_data(as_text=True)
    assert '<html lang="en"' in page
    assert "Sign in with MitID" in page


def test_chosen_language_is_remembered(client: FlaskClient) -> None:
    response = client.get("/?lang=en", headers={"Accept-Language": "da"})
    assert "Sign in with MitID" in response.get_data(as_text=True)
    assert "lang=en" in response.headers["Set-Cookie"]
    later = client.get("/", headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert "Sign in with MitID" in later


def test_unknown_language_falls_back_to_danish(client: FlaskClient) -> None:
    page = client.get("/?lang=xx", headers={"Accept-Language": ""}).get_data(as_text=True)
    assert "Log ind med MitID" in page


@pytest.mark.parametrize("language", ["da", "en", "ar"])
def test_catalogue_is_complete(language: str) -> None:
    path = i18n_catalogues.TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        catalog = read_po(f)
    # A plural's string is a tuple of forms: every form must be there.
    untranslated = [
        m.id
        for m in catalog
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


def test_message_template_is_current(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    i18n_catalogues.extract(fresh)
    with fresh.open("rb") as f:
        extracted = {m.id for m in read_po(f) if m.id}
    with i18n_catalogues.TEMPLATE.open("rb") as f:
        committed = {m.id for m in read_po(f) if m.id}
    assert extracted == committed, "run: python -m citizen_portal.i18n_catalogues update"
    for language in i18n_catalogues.languages():
        with (i18n_catalogues.TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open(
            "rb"
        ) as f:
            assert {m.id for m in read_po(f) if m.id} == committed, language


def test_arabic_is_right_to_left_and_remembered(client: FlaskClient) -> None:
    page = client.get("/", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl"' in page
    assert "سجّل الدخول باستخدام MitID" in page
    danish = client.get("/?lang=da").get_data(as_text=True)
    assert '<html lang="da" dir="ltr"' in danish


def test_dates_are_written_the_way_each_language_writes_them(app: object) -> None:
    assert isinstance(app, Flask)
    day = date(2026, 12, 24)
    with app.test_request_context():
        written = {}
        for language in ("da", "en", "ar"):
            with force_locale(language):
                written[language] = format_date(day, "long")
    assert written["da"] == "24. december 2026"
    assert written["en"] == "December 24, 2026"
    assert "ديسمبر" in written["ar"]
