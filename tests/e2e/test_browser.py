"""A real browser: Debian's Chromium, driven by Playwright, checked with axe-core."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
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
    lead = changes.locator(".change-lead").inner_text()
    assert lead.startswith("Ny kontakt:")
    assert "Støtte-kontaktperson (SKP)" in lead
    changes.locator("summary").click()
    first = changes.locator("li").first.inner_text()
    assert first.startswith("Overdraget:")
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

    # Then the GOV.UK way: check the answers, confirm, and read what happens next.
    phone.locator("input[name=purpose][value=inform_gp]").check()
    phone.locator("input[name=recipient]").fill("Lægehuset i Byen")
    phone.get_by_role("button", name="Giv samtykke").click()
    assert phone.locator("h1").inner_text() == "Tjek dine svar, før du giver samtykket"
    assert "Lægehuset i Byen" in phone.locator("main").inner_text()
    _assert_accessible(phone)
    _nothing_wider_than_the_screen(phone)
    phone.get_by_role("button", name="Giv samtykke").click()
    assert phone.locator(".panel h1").inner_text() == "Samtykke givet"
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


# The characters of a phone number in the order they stand on the screen, left to
# right, measured one by one (the DOM keeps them in logical order either way).
_VISUAL_ORDER = """(phone) => {
  const link = [...document.querySelectorAll('a.phone')].find(a => a.textContent.includes(phone));
  if (!link) return null;
  const walker = document.createTreeWalker(link, NodeFilter.SHOW_TEXT);
  const chars = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.data.length; i++) chars.push([node, i]);
  }
  const text = chars.map(([node, i]) => node.data[i]).join('');
  const start = text.indexOf(phone);
  const placed = chars.slice(start, start + phone.length).map(([node, i]) => {
    const range = document.createRange();
    range.setStart(node, i);
    range.setEnd(node, i + 1);
    const box = range.getBoundingClientRect();
    return [box.left + box.width / 2, node.data[i]];
  }).filter(([, c]) => c.trim());
  placed.sort((a, b) => a[0] - b[0]);
  return placed.map(([, c]) => c).join('');
}"""


def test_a_phone_number_reads_in_its_own_order_on_an_arabic_page(
    certified_portal: LivePortal, phone: Page
) -> None:
    _sign_in(phone, certified_portal, "demo-peter")
    phone.goto(f"{certified_portal.url}/wishes?lang=ar")
    assert phone.locator("html").get_attribute("dir") == "rtl"
    number = phone.locator("aside.crisis a.phone bdi").first.inner_text()
    assert number.startswith("+45 "), number
    # "+45 56 63 15 00" must not show as "00 15 63 56 45+" in a right-to-left line.
    assert phone.evaluate(_VISUAL_ORDER, number) == number.replace(" ", "")
    # The same number without its isolation is what the bidi algorithm reverses:
    # this check is able to fail.
    phone.evaluate(
        "document.querySelectorAll('a.phone bdi').forEach(b => b.replaceWith(b.textContent))"
    )
    assert phone.evaluate(_VISUAL_ORDER, number) != number.replace(" ", "")


_SPEECH_STUB = """
window.spoken = [];
window.SpeechSynthesisUtterance = function (text) { this.text = text; this.lang = ""; };
Object.defineProperty(window, "speechSynthesis", { value: {
  speaking: false,
  cancel: function () {},
  speak: function (u) { window.spoken.push({ text: u.text, lang: u.lang }); },
}});
"""


def test_read_aloud_speaks_each_text_in_its_own_language(
    certified_portal: LivePortal, phone: Page
) -> None:
    phone.add_init_script(_SPEECH_STUB)
    _sign_in(phone, certified_portal, "demo-peter")
    phone.goto(f"{certified_portal.url}/plans?lang=en")
    phone.get_by_role("link", name="Coordinated action plan").click()
    # Professionals' Danish text marked as Danish inside the English page.
    phone.evaluate(
        "const p = document.createElement('p'); p.lang = 'da';"
        " p.textContent = 'Borgeren ønsker at bo i egen bolig.';"
        " document.querySelector('#main h1').after(p);"
    )
    phone.get_by_role("button", name="Read aloud").click()
    spoken = phone.evaluate("window.spoken")
    assert [part["lang"] for part in spoken][:3] == ["en", "da", "en"]
    assert spoken[1]["text"] == "Borgeren ønsker at bo i egen bolig."
    assert "Borgeren" not in spoken[0]["text"] + spoken[2]["text"]


HELP_PAGES_SIGNED_OUT = ["/", "/help", "/glossary", "/auth/signed-out"]
HELP_PAGES_SIGNED_IN = [
    "/plans",
    "/wishes",
    "/wishes/early_signs",
    "/consents",
    "/messages",
    "/acting-for",
    "/powers-of-attorney",
    "/access-log",
    "/help",
    "/crisis-card",
]


def _help_button_is_there(phone: Page) -> None:
    button = phone.locator("header a.help-now")
    assert button.inner_text() == "Få hjælp nu"
    box = button.bounding_box()
    assert box is not None
    assert box["height"] >= 44, box
    assert box["width"] >= 44, box
    _assert_accessible(phone)


def test_the_help_button_is_on_every_page_signed_in_or_not(
    certified_portal: LivePortal, phone: Page
) -> None:
    for path in HELP_PAGES_SIGNED_OUT:
        phone.goto(f"{certified_portal.url}{path}")
        _help_button_is_there(phone)
    _sign_in(phone, certified_portal, "demo-mette")
    phone.get_by_role("link", name="Udskrivningsaftale").first.click()
    _help_button_is_there(phone)
    for path in HELP_PAGES_SIGNED_IN:
        phone.goto(f"{certified_portal.url}{path}")
        _help_button_is_there(phone)
    _nothing_wider_than_the_screen(phone)
    phone.locator("header a.help-now").click()
    assert phone.locator("h1").inner_text() == "Få hjælp nu"
    assert phone.locator("main a.phone[href='tel:112']").is_visible()


def _eventually(check: Callable[[], object], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "did not happen in time"
        time.sleep(0.1)


def _card_kept(phone: Page) -> bool:
    return bool(phone.evaluate("caches.has('crisis-card')"))


def test_the_crisis_card_is_kept_only_when_chosen_opens_offline_and_is_gone_after_sign_out(
    certified_portal: LivePortal, phone: Page, artifacts: Path
) -> None:
    url = certified_portal.url
    _sign_in(phone, certified_portal, "demo-mette")
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.goto(f"{url}/wishes/early_signs")
    phone.get_by_label("Mine tidlige tegn").fill("Jeg holder op med at spise.")
    phone.get_by_role("button", name="Gem").click()
    phone.wait_for_url(f"{url}/wishes#early_signs")

    phone.goto(f"{url}/crisis-card")
    assert "Jeg holder op med at spise." in phone.locator("main").inner_text()
    assert "Alle, der har telefonen" in phone.locator("#keep").inner_text()
    assert not _card_kept(phone), "not kept before the citizen chooses"
    assert not phone.get_by_role("button", name="Fjern fra denne telefon").is_visible()
    phone.get_by_role("button", name="Gem på denne telefon").click()
    phone.locator("#card-status", has_text="Kortet er nu gemt på denne telefon.").wait_for()
    assert _card_kept(phone)
    assert phone.get_by_role("button", name="Fjern fra denne telefon").is_visible()
    _assert_accessible(phone)

    context = phone.context
    context.set_offline(True)
    try:
        phone.goto(f"{url}/help")
        assert phone.locator("h1").inner_text() == "Dit krisekort"
        card = phone.locator("main").inner_text()
        assert "Jeg holder op med at spise." in card
        assert "Gemt på denne telefon" in card
        assert phone.locator("main a.phone[href='tel:112']").count() == 1
        _assert_accessible(phone)
        phone.screenshot(path=str(artifacts / "crisis-card-offline-360px.png"), full_page=True)
        # Any other page: the offline page, in Danish, with numbers to tap.
        phone.goto(f"{url}/plans")
        assert phone.locator("h1").inner_text() == "Du er ikke på nettet"
        assert phone.locator("main a.phone[href='tel:112']").is_visible()
        assert "Mette" not in phone.locator("body").inner_text()
        _assert_accessible(phone)
    finally:
        context.set_offline(False)

    # "Remove from this phone" removes it; then it is kept again, for the sign-out.
    phone.goto(f"{url}/crisis-card")
    phone.locator("#card-status", has_text="Kortet er gemt på denne telefon.").wait_for()
    phone.get_by_role("button", name="Fjern fra denne telefon").click()
    phone.locator("#card-status", has_text="Kortet er fjernet").wait_for()
    assert not _card_kept(phone)
    phone.get_by_role("button", name="Gem på denne telefon").click()
    phone.locator("#card-status", has_text="Kortet er nu gemt på denne telefon.").wait_for()
    assert _card_kept(phone)

    phone.goto(f"{url}/plans")
    phone.get_by_role("button", name="Log ud").click()
    # The page first lets go of this phone's push subscription, then signs out.
    phone.wait_for_url(re.compile(r".*(/session/end|/auth/signed-out)"))
    if "/session/end" in phone.url:  # the provider asks to confirm
        phone.locator("button[name=logout][value=yes]").click()
    phone.wait_for_url(f"{url}/auth/signed-out*")
    _eventually(lambda: not _card_kept(phone))
    context.set_offline(True)
    try:
        phone.goto(f"{url}/help")
        assert phone.locator("h1").inner_text() == "Du er ikke på nettet"
        assert "Jeg holder op med at spise." not in phone.locator("body").inner_text()
    finally:
        context.set_offline(False)


def test_the_offline_page_answers_in_arabic_when_the_app_was_read_in_arabic(
    certified_portal: LivePortal, phone: Page
) -> None:
    url = certified_portal.url
    phone.goto(f"{url}/?lang=ar")
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.reload()  # now controlled; the page tells the worker its language
    _eventually(
        lambda: phone.evaluate(
            "caches.keys().then(keys => Promise.all(keys.map(k => caches.open(k)"
            ".then(c => c.match('/offline/language'))))).then(r => r.some(Boolean))"
        )
    )
    phone.context.set_offline(True)
    try:
        phone.goto(f"{url}/plans")
        assert phone.locator("html").get_attribute("dir") == "rtl"
        assert phone.locator("main a.phone[href='tel:112']").is_visible()
        _assert_accessible(phone)
    finally:
        phone.context.set_offline(False)
