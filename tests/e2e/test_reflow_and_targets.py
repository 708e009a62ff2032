"""Every page, in Danish, English and Arabic, on a 320 px screen and with text at
200 %: no sideways scrolling, axe (WCAG A/AA and best practice) finds nothing, every
control is a 44 x 44 px target, and focus lands on the error summary.

Targets: links inside a sentence are exempt (WCAG 2.5.8's inline exception). A link
counts as inside a sentence when the block around it has more text than the link.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal.people.models import Person
from citizen_portal.plans.models import Plan
from tests.e2e.conftest import LivePortal
from tests.e2e.test_browser import browser  # noqa: F401 (the shared Chromium fixture)

pytestmark = [pytest.mark.browser]

AXE_ALL = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    }
}
LANGUAGES = ("da", "en", "ar")
PUBLIC_PAGES = ("/", "/glossary", "/accessibility", "/about/koordinerende-indsatsplan")

# Too small, in pixels, unless a link sits in a sentence; [] when all is well.
SMALL_TARGETS = """() => {
  const small = [];
  for (const el of document.querySelectorAll(
      'a[href], button, input:not([type=hidden]), select, textarea, summary')) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width === 0 || box.height === 0 || style.visibility === 'hidden') continue;
    if (el.closest('.visually-hidden, .skip-link, dialog:not([open])')) continue;
    if (el.tagName === 'A' || el.classList.contains('term-button')) {
      let block = el.parentElement;
      while (block && getComputedStyle(block).display.startsWith('inline'))
        block = block.parentElement;
      const own = el.textContent.trim().length;
      const around = block ? block.textContent.trim().length : own;
      if (around > own + 1) continue;  // inside a sentence: WCAG 2.5.8's inline exception
    }
    if (box.width < 43.5 || box.height < 43.5)
      small.push(`${el.tagName} "${(el.textContent || el.name || '').trim().slice(0, 40)}" ` +
                 `${Math.round(box.width)}x${Math.round(box.height)}`);
  }
  return small;
}"""
OVERFLOW = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return [];
  return [...document.querySelectorAll('body *')]
    .filter(el => !el.closest('.skip-link, .visually-hidden'))
    .filter(el => el.getBoundingClientRect().right > root.clientWidth + 1 ||
                  el.getBoundingClientRect().left < -1)
    .slice(0, 5).map(el => `${el.tagName}.${el.className} "${el.textContent.trim().slice(0, 30)}"`);
}"""


def _plan_pages(portal: LivePortal, login: str) -> list[str]:
    with Session(portal.engine) as db:
        person = db.scalars(select(Person).where(Person.given_name == login)).first()
        assert person is not None
        plans = db.scalars(select(Plan.id).where(Plan.citizen_id == person.id)).all()
    return [f"/plans/{plan_id}" for plan_id in plans]


def _signed_in_pages(portal: LivePortal) -> list[str]:
    return [
        "/plans",
        *_plan_pages(portal, "Peter"),
        "/wishes",
        "/wishes/early_signs",
        "/wishes/advance_statement",
        "/wishes/early_signs/history",
        "/consents",
        "/consents/new",
        "/messages",
        "/acting-for",
        "/powers-of-attorney",
        "/access-log",
        "/more",
        "/accessibility",
    ]


def sign_in_as(page: Page, portal: LivePortal, persona: str) -> None:
    """Through the development provider's persona picker."""
    page.goto(f"{portal.url}/auth/sign-in")
    page.locator(f"#persona-{persona}").check()
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{portal.url}/**")


@pytest.fixture
def narrow(browser: Browser) -> Iterator[Page]:  # noqa: F811
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="da-DK")
    page = context.new_page()
    yield page
    context.close()


def _check(page: Page, url: str, big_text: bool, run_axe: bool) -> list[str]:
    page.goto(url)
    if big_text:
        # Text at 200 %: the root font size doubled, as a browser's text-size setting does.
        # (Set through the CSSOM: the page's CSP forbids inline style elements.)
        page.evaluate(
            "document.documentElement.style.setProperty('font-size', '225%', 'important')"
        )
    problems = []
    overflow = page.evaluate(OVERFLOW)
    if overflow:
        size = "200%" if big_text else "320px"
        problems.append(f"{url} {size}: wider than the screen: {overflow}")
    if not big_text:
        small = page.evaluate(SMALL_TARGETS)
        if small:
            problems.append(f"{url}: targets under 44 px: {small}")
    if run_axe:
        results = Axe().run(page, options=AXE_ALL)
        if results.violations_count:
            problems.append(f"{url}: axe: {results.generate_report()}")
    return problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_reflows_has_big_targets_and_passes_axe(
    dev_portal: LivePortal, narrow: Page, language: str
) -> None:
    problems: list[str] = []
    narrow.goto(f"{dev_portal.url}/?lang={language}")
    for path in PUBLIC_PAGES:
        for big_text in (False, True):
            problems += _check(narrow, dev_portal.url + path, big_text, run_axe=not big_text)
    sign_in_as(narrow, dev_portal, "demo-peter")
    for path in _signed_in_pages(dev_portal):
        for big_text in (False, True):
            problems += _check(narrow, dev_portal.url + path, big_text, run_axe=not big_text)
    assert not problems, "\n".join(problems)


def test_focus_lands_on_the_error_summary_and_the_check_page_passes_axe(
    dev_portal: LivePortal, narrow: Page
) -> None:
    sign_in_as(narrow, dev_portal, "demo-peter")
    plan = next(p for p in _plan_pages(dev_portal, "Peter"))
    narrow.goto(f"{dev_portal.url}{plan}?lang=en")
    narrow.locator("input[name=choice][value=agree_with_comments]").check()
    narrow.locator("form[action$='/stance'] button[type=submit]").click()
    narrow.wait_for_load_state()
    focused = narrow.evaluate("document.activeElement.className")
    assert "error-summary" in focused
    assert narrow.evaluate("document.activeElement.getAttribute('role')") == "alert"
    results = Axe().run(narrow, options=AXE_ALL)
    assert results.violations_count == 0, results.generate_report()
    # Corrected: check your answer, then the confirmation, both accessible.
    narrow.locator("input[name=choice][value=disagree]").check()
    narrow.locator("form[action$='/stance'] button[type=submit]").click()
    assert narrow.locator("h1").inner_text() == "Check your answer before you send it"
    assert Axe().run(narrow, options=AXE_ALL).violations_count == 0
    assert not narrow.evaluate(SMALL_TARGETS)
    narrow.get_by_role("button", name="Send your answer").click()
    assert narrow.locator(".panel h1").inner_text() == "Your answer has been sent"
    assert Axe().run(narrow, options=AXE_ALL).violations_count == 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_acting_for_someone_the_banner_reflows_and_passes_axe(
    dev_portal: LivePortal, narrow: Page, language: str
) -> None:
    """Hanne acts for her brother Peter (the demo's power of attorney): the banner
    sits in the header landmark, readable, with a 44 px button."""
    sign_in_as(narrow, dev_portal, "demo-hanne")
    narrow.goto(f"{dev_portal.url}/acting-for?lang={language}")
    narrow.locator("main input[type=radio]").last.check()
    narrow.locator("main form button[type=submit]").click()
    assert narrow.locator("header .acting-for").count() == 1
    problems = []
    for path in ("/plans", "/wishes", "/more"):
        for big_text in (False, True):
            problems += _check(narrow, dev_portal.url + path, big_text, run_axe=not big_text)
    assert not problems, "\n".join(problems)
