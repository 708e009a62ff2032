"""Notices on the phone, in real Chromium: the offer appears only with a script,
the messages page stays accessible, and the service worker shows a push as the
few words it carries (delivered through DevTools, as a push service would)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, sync_playwright

from tests.e2e.conftest import LivePortal
from tests.e2e.test_browser import CHROMIUM, CHROMIUM_FLAGS, _assert_accessible, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.oidc_provider]


@pytest.fixture
def phone(certified_portal: LivePortal) -> Iterator[Page]:
    assert Path(CHROMIUM).exists(), "Chromium is missing: run the README's test command"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="da-DK")
        context.grant_permissions(["notifications"], origin=certified_portal.url)
        yield context.new_page()
        context.close()
        browser.close()


def test_the_service_worker_shows_only_the_news_and_the_page_offers_push(
    certified_portal: LivePortal, phone: Page
) -> None:
    _sign_in(phone, certified_portal, "demo-mette")
    phone.goto(f"{certified_portal.url}/messages")
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    assert phone.get_by_role("button", name="Sig det på denne telefon").is_visible()
    _assert_accessible(phone)

    devtools = phone.context.new_cdp_session(phone)
    registrations: list[dict[str, Any]] = []
    devtools.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    devtools.send("ServiceWorker.enable")
    for _ in range(50):
        if registrations:
            break
        phone.wait_for_timeout(100)
    [registration] = [r for r in registrations if not r.get("isDeleted")]
    news = {"title": "Mine planer", "body": "Du har nyt i Mine planer.", "url": "/messages"}
    devtools.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": certified_portal.url,
            "registrationId": registration["registrationId"],
            "data": json.dumps(news),
        },
    )
    shown: list[list[str]] = []
    for _ in range(50):
        shown = phone.evaluate(
            "navigator.serviceWorker.ready.then(r => r.getNotifications())"
            ".then(list => list.map(n => [n.title, n.body, n.data.url]))"
        )
        if shown:
            break
        phone.wait_for_timeout(100)
    assert shown == [["Mine planer", "Du har nyt i Mine planer.", "/messages"]]
