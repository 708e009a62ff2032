"""A real browser: Debian's Chromium, driven by Playwright, checked with axe-core."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal.demo.data import DEMO_PLANS, DemoAction
from citizen_portal.fhir.demo_bundles import build_bundle
from citizen_portal.fhir.plan_bundle import read_plan_bundle
from citizen_portal.notifications.services import representation_created
from citizen_portal.people.models import Person
from citizen_portal.plans.ingest import IncomingPlan, store_plan
from citizen_portal.representation.models import RepresentationKind
from citizen_portal.representation.services import add_from_authority, grant_power_of_attorney
from citizen_portal.security.actors import Scope
from tests.conftest import CPR_KEY
from tests.e2e.conftest import LivePortal

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Without these, Chromium tries to reach Google's services, which this network refuses.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

pytestmark = [pytest.mark.browser, pytest.mark.oidc_provider]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "Chromium is missing: run the README's test command"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A small, cheap phone's screen."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="da-DK")
    page = context.new_page()
    yield page
    context.close()


def _sign_in(phone: Page, portal: LivePortal, login: str) -> None:
    """Through the certified provider's own login and consent forms."""
    phone.goto(f"{portal.url}/auth/sign-in")
    phone.locator("input[name=login]").fill(login)
    phone.locator("input[name=password]").fill("any")
    phone.locator("button[type=submit]").click()
    phone.locator("button[type=submit]").click()
    phone.wait_for_url(f"{portal.url}/plans")


def _assert_accessible(page: Page) -> None:
    results = Axe().run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()


def test_citizen_signs_in_opens_a_plan_and_the_page_is_accessible(
    certified_portal: LivePortal, phone: Page, artifacts: Path
) -> None:
    phone.goto(f"{certified_portal.url}/")
    _assert_accessible(phone)
    phone.get_by_role("link", name="Log ind med MitID").click()

    # oidc-provider's own login and consent pages.
    phone.locator("input[name=login]").fill("demo-mette")
    phone.locator("input[name=password]").fill("any")
    phone.locator("button[type=submit]").click()
    phone.locator("button[type=submit]").click()

    phone.wait_for_url(f"{certified_portal.url}/plans")
    assert phone.locator("h1").inner_text() == "Dine planer"
    _assert_accessible(phone)

    phone.get_by_role("link", name="Udskrivningsaftale").click()
    assert phone.locator("h1").inner_text() == "Udskrivningsaftale"
    assert phone.get_by_role("heading", name="Hvem gør hvad").is_visible()
    _assert_accessible(phone)
    phone.screenshot(path=str(artifacts / "plan-360px.png"), full_page=True)
    phone.screenshot(path=str(artifacts / "plan-top-360px.png"))

    # Nothing on the page is wider than the phone's screen.
    overflow = phone.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert overflow is False

    phone.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Mere").click()
    phone.get_by_role("link", name="Hvem har kigget").click()
    assert phone.locator("h1").inner_text() == "Hvem har kigget på dine oplysninger"
    assert "Du læste din plan: Udskrivningsaftale." in phone.locator("ol.log").inner_text()
    _assert_accessible(phone)


def test_what_changed_is_highlighted_and_accessible(
    certified_portal: LivePortal, phone: Page, artifacts: Path
) -> None:
    _sign_in(phone, certified_portal, "demo-peter")
    phone.get_by_role("link", name="Koordinerende indsatsplan").click()
    plan_url = phone.url

    # The coordinator hands the job plan from the job centre to the citizen's contact person.
    peter = DEMO_PLANS[2]
    revised = peter.versions[0]
    actions = [DemoAction(**vars(a)) for a in revised.actions]
    actions[5].function = "naestved-skp"
    revised = type(revised)(**{**vars(revised), "actions": actions})
    with certified_portal.app.app_context(), Session(certified_portal.engine) as db:
        bundle = build_bundle(peter, revised, date.today())
        plan = IncomingPlan(read_plan_bundle(bundle), bundle)
        store_plan(db, plan, cpr_key=CPR_KEY.encode(), client=None)
        db.commit()  # the caller's unit of work: store_plan never commits

    phone.goto(plan_url)
    changes = phone.locator("section.changes")
    assert changes.is_visible()
    first = changes.locator("li").first.inner_text()
    assert first.startswith("Overdraget:")
    assert "Støtte-kontaktperson (SKP)" in first
    _assert_accessible(phone)
    changes.screenshot(path=str(artifacts / "what-changed-360px.png"))


def test_acting_for_someone_shows_an_accessible_banner(
    certified_portal: LivePortal, phone: Page
) -> None:
    with certified_portal.app.app_context(), Session(certified_portal.engine) as db:
        people = {p.given_name: p for p in db.scalars(select(Person))}
        add_from_authority(
            db,
            RepresentationKind.LASTING_POWER_OF_ATTORNEY,
            people["Mette"],
            people["Sara"],
            [Scope.READ_PLANS],
            date(2026, 1, 1),
            None,
            "test",
        )
        db.commit()

    _sign_in(phone, certified_portal, "demo-sara")

    phone.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Mere").click()
    phone.get_by_role("link", name="Handler for").click()
    _assert_accessible(phone)
    phone.get_by_label("Mette Nielsen").check()
    phone.get_by_role("button", name="Fortsæt").click()
    banner = phone.locator(".acting-for")
    assert "Du handler for Mette Nielsen." in banner.inner_text()
    assert phone.get_by_role("link", name="Udskrivningsaftale").is_visible()
    _assert_accessible(phone)
    phone.get_by_role("button", name="Gå tilbage til at handle for dig selv").click()
    assert phone.locator(".acting-for").count() == 0


def test_an_offered_power_of_attorney_greets_the_representative_after_sign_in(
    certified_portal: LivePortal, phone: Page
) -> None:
    with certified_portal.app.app_context(), Session(certified_portal.engine) as db:
        people = {p.given_name: p for p in db.scalars(select(Person))}
        row = grant_power_of_attorney(db, people["Jonas"], people["Sara"], [Scope.READ_PLANS], None)
        representation_created(db, row)
        db.commit()

    _sign_in(phone, certified_portal, "demo-sara")

    offer = phone.locator("section.notice")
    assert "Jonas Holm har givet dig en fuldmagt" in offer.inner_text()
    badge = phone.locator(".bottom-nav .badge").text_content() or ""
    assert " ".join(badge.split()) == "1 nye"  # the count, and "new" for screen readers
    _assert_accessible(phone)
    offer.get_by_role("button", name="Tag imod fuldmagten fra Jonas Holm").click()
    phone.get_by_role("link", name="Beskeder").click()
    assert "Jonas Holm har givet dig en fuldmagt." in phone.locator("main").inner_text()
    _assert_accessible(phone)


def test_wishes_and_consents_pages_are_accessible_on_a_small_phone(
    certified_portal: LivePortal, phone: Page
) -> None:
    _sign_in(phone, certified_portal, "demo-peter")

    phone.get_by_role("link", name="Ønsker").click()
    assert "Ring 112" in phone.locator("aside.crisis").inner_text()
    _assert_accessible(phone)
    phone.locator("#early_signs").get_by_role("link", name="Skriv").click()
    phone.get_by_label("Mine tidlige tegn").fill("Jeg sover dårligt og trækker mig.")
    phone.get_by_role("button", name="Gem").click()
    assert "Jeg sover dårligt og trækker mig." in phone.locator("#early_signs").inner_text()

    phone.get_by_role("link", name="Samtykker").click()
    _assert_accessible(phone)
    phone.get_by_role("link", name="Giv et samtykke").click()
    phone.get_by_role("button", name="Giv samtykke").click()  # nothing filled in
    assert phone.title().startswith("Fejl:")
    assert phone.locator(".error-summary").is_visible()
    _assert_accessible(phone)
    _nothing_wider_than_the_screen(phone)


def _nothing_wider_than_the_screen(phone: Page) -> None:
    wide = phone.evaluate(
        "[...document.querySelectorAll('body *')]"
        ".filter(e => { const r = e.getBoundingClientRect();"
        " return r.right > window.innerWidth + 1 || r.left < -1; })"
        ".filter(e => !e.closest('.visually-hidden, .skip-link'))"
        ".map(e => e.tagName + '.' + e.className)"
    )
    assert wide == [], f"nothing may scroll sideways at 360 px: {wide}"


def test_arabic_reads_right_to_left_on_a_small_phone(
    certified_portal: LivePortal, phone: Page
) -> None:
    _sign_in(phone, certified_portal, "demo-peter")
    phone.goto(f"{certified_portal.url}/plans?lang=ar")
    assert phone.locator("html").get_attribute("dir") == "rtl"
    assert phone.locator("html").get_attribute("lang") == "ar"
    assert phone.locator("h1").inner_text() == "خططك"
    _assert_accessible(phone)
    _nothing_wider_than_the_screen(phone)
    phone.get_by_role("link", name="خطة العمل المنسقة").click()
    assert phone.locator("html").get_attribute("dir") == "rtl"
    _assert_accessible(phone)
    _nothing_wider_than_the_screen(phone)
    phone.goto(f"{certified_portal.url}/glossary")
    _assert_accessible(phone)
    _nothing_wider_than_the_screen(phone)


def test_a_glossary_explanation_opens_and_closes_with_the_keyboard(
    certified_portal: LivePortal, phone: Page
) -> None:
    _sign_in(phone, certified_portal, "demo-peter")
    phone.get_by_role("link", name="Koordinerende indsatsplan").click()
    term = phone.locator("button.term-button[aria-controls='explain-alcohol-treatment']")
    explanation = phone.locator("#explain-alcohol-treatment")
    assert term.get_attribute("aria-expanded") == "false"
    assert not explanation.is_visible()
    term.focus()
    phone.keyboard.press("Enter")
    assert term.get_attribute("aria-expanded") == "true"
    assert "Hjælp til at drikke mindre eller holde op." in explanation.inner_text()
    _assert_accessible(phone)
    phone.keyboard.press("Escape")
    assert not explanation.is_visible()
    phone.keyboard.press("Space")
    assert explanation.is_visible()
    phone.keyboard.press("Space")
    assert not explanation.is_visible()


def test_the_plan_reads_aloud_and_prints_without_the_app_around_it(
    certified_portal: LivePortal, phone: Page
) -> None:
    _sign_in(phone, certified_portal, "demo-peter")
    phone.get_by_role("link", name="Koordinerende indsatsplan").click()
    # Shown only where the browser can speak (Chromium can).
    assert phone.get_by_role("button", name="Læs op").is_visible()
    phone.emulate_media(media="print")
    assert not phone.locator(".site-header").is_visible()
    assert not phone.locator(".page-tools").is_visible()
    assert phone.locator("h1").is_visible()
    assert phone.get_by_text("Hvem gør hvad").is_visible()
