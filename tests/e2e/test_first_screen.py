"""The first screen of a plan on a small phone answers three questions: when is my
next appointment, whom do I call, and what do I do myself."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, ViewportSize
from sqlalchemy.orm import Session

from citizen_portal.plans.models import Plan
from tests.e2e.conftest import LivePortal
from tests.e2e.test_browser import _assert_accessible, _sign_in, browser

__all__ = ["browser"]  # the module's Chromium, shared

pytestmark = [pytest.mark.browser, pytest.mark.oidc_provider]
SCREEN: ViewportSize = {"width": 360, "height": 740}


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=SCREEN, locale="en-GB")
    page = context.new_page()
    yield page
    context.close()


def _has_upcoming_appointment(portal: LivePortal, plan_id: int) -> bool:
    with Session(portal.engine) as db:
        plan = db.get(Plan, plan_id)
        assert plan is not None
        now = datetime.now(UTC)
        return any(a.starts_at >= now for a in plan.current_version.appointments)


def _bottom(locator: Locator) -> float:
    box = locator.bounding_box()
    assert box is not None, locator
    return box["y"] + box["height"]


@pytest.mark.parametrize(
    ("persona", "plan_name"),
    [
        ("demo-mette", "Discharge agreement"),
        ("demo-jonas", "Coordination plan"),
        ("demo-peter", "Coordinated action plan"),
    ],
)
def test_the_first_screen_answers_next_call_and_you(
    certified_portal: LivePortal, phone: Page, artifacts: Path, persona: str, plan_name: str
) -> None:
    _sign_in(phone, certified_portal, persona)
    phone.get_by_role("link", name=plan_name).first.click()
    assert phone.locator("h1").inner_text() == plan_name
    phone.screenshot(path=str(artifacts / f"first-screen-{persona}.png"))

    # Other browser tests may have sent Mette's plan a version without a future
    # appointment: then the answer says so, on the first screen all the same.
    next_appointment = phone.locator(".answer-next p").first
    if _has_upcoming_appointment(certified_portal, int(phone.url.rsplit("/", 1)[1])):
        assert "answer-main" in (next_appointment.get_attribute("class") or "")
        assert " at " in next_appointment.inner_text()
    else:
        assert next_appointment.inner_text() == "There is no appointment in the plan right now."
    call = phone.locator('.answer-call a[href^="tel:"]')
    # The contact's number; when the contact is closed now, the line to call instead too.
    closed = phone.locator(".answer-call .closed-now").count() > 0
    assert call.count() == (2 if closed else 1)
    # The first task that is the citizen's own (Jonas's plan has none, and says so).
    first_task = phone.locator(".answer-you p").first
    if persona == "demo-jonas":
        assert first_task.inner_text() == "No tasks in the plan are yours."
    else:
        assert "answer-main" in (first_task.get_attribute("class") or "")
        assert first_task.inner_text()
    for element in (next_appointment, call.last, first_task):  # every number to call
        assert _bottom(element) <= SCREEN["height"], element
    _assert_accessible(phone)


def test_read_aloud_speaks_the_plans_danish_text_in_a_danish_voice(
    certified_portal: LivePortal, phone: Page
) -> None:
    _sign_in(phone, certified_portal, "demo-peter")
    phone.get_by_role("link", name="Coordinated action plan").first.click()
    parts = phone.evaluate(
        "partsByLanguage(document.querySelector('#main')).map(p => [p.lang, p.text])"
    )
    languages = [lang for lang, _text in parts]
    assert languages[0] == "en"
    assert "da" in languages
    danish = " ".join(text for lang, text in parts if lang == "da")
    english = " ".join(text for lang, text in parts if lang == "en")
    assert "Samtale om angst" in danish
    assert "Your next appointment" in english
    assert "Samtale om angst" not in english
