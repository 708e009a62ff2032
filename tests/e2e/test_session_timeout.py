"""Session timeout without loss (issue 15), in Chromium: a warning with "Stay
signed in" before the idle timeout, and text sent after it is given back to the
same person after signing in again, never to someone else on the same browser."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LivePortal, PortalFactory
from tests.e2e.test_browser import browser  # noqa: F401 (the shared Chromium fixture)
from tests.e2e.test_reflow_and_targets import sign_in_as

pytestmark = [pytest.mark.browser]

IDLE_SECONDS = 8  # the warning comes half-way for timeouts this short


@pytest.fixture(scope="module")
def hasty_portal(start_portal: PortalFactory) -> Iterator[LivePortal]:
    with start_portal(PORTAL_SESSION_IDLE_SECONDS=str(IDLE_SECONDS)) as portal:
        yield portal


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:  # noqa: F811
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    page = context.new_page()
    yield page
    context.close()


def _write_and_wait_out_the_session(page: Page, portal: LivePortal, text: str) -> None:
    page.goto(f"{portal.url}/wishes/early_signs?lang=en")
    page.locator("textarea").fill(text)
    dialog = page.locator("dialog#session-warning")
    expect(dialog).to_be_visible(timeout=IDLE_SECONDS * 1000)
    expect(dialog.get_by_text("You have been signed out")).to_be_visible(
        timeout=IDLE_SECONDS * 1000
    )
    dialog.get_by_role("button", name="Close").click()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/dev-idp/authorize**")


def test_stay_signed_in_keeps_the_session(hasty_portal: LivePortal, phone: Page) -> None:
    sign_in_as(phone, hasty_portal, "demo-mette")
    phone.goto(f"{hasty_portal.url}/wishes/what_helps?lang=en")
    phone.locator("textarea").fill("Gåture og ro.")
    stay = phone.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_visible(timeout=IDLE_SECONDS * 1000)
    expect(stay).to_be_focused()
    stay.click()
    dialog = phone.locator("dialog#session-warning")
    expect(dialog).to_be_hidden()
    # The warning comes again (the timer started over): by then, and a second more,
    # the idle timeout has passed since the page loaded. Still signed in.
    expect(stay).to_be_visible(timeout=IDLE_SECONDS * 1000)
    phone.wait_for_timeout(1000)
    dialog.get_by_role("button", name="Close").click()
    phone.get_by_role("button", name="Save").click()
    expect(phone.locator(".banner-success")).to_contain_text("Saved")


def test_text_sent_after_the_timeout_comes_back_after_signing_in(
    hasty_portal: LivePortal, phone: Page
) -> None:
    sign_in_as(phone, hasty_portal, "demo-mette")
    _write_and_wait_out_the_session(phone, hasty_portal, "Jeg sover under fire timer.")
    phone.locator("#persona-demo-mette").check()
    phone.locator("main button[type=submit]").click()
    phone.wait_for_url("**/wishes/early_signs**")
    expect(phone.locator("textarea")).to_have_value("Jeg sover under fire timer.")
    expect(phone.locator(".banner-info")).to_contain_text("We kept what you wrote.")


def test_someone_else_signing_in_on_the_same_phone_does_not_get_the_text(
    hasty_portal: LivePortal, phone: Page
) -> None:
    sign_in_as(phone, hasty_portal, "demo-mette")
    _write_and_wait_out_the_session(phone, hasty_portal, "Min hemmelighed.")
    phone.locator("#persona-demo-peter").check()
    phone.locator("main button[type=submit]").click()
    phone.wait_for_url("**/wishes/early_signs**")
    expect(phone.locator("textarea")).not_to_have_value("Min hemmelighed.")
    expect(phone.locator(".banner-info")).to_have_count(0)
