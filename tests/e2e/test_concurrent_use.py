"""The embedded default (SQLite) holds concurrent use: a dozen page views at once are
all shown, each audited once, and two saves of one form at once store one and tell
the other plainly (a conflict), with nothing lost or doubled and never a 5xx."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence

import requests
from bs4 import BeautifulSoup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_portal.audit.models import AuditEvent, AuditTag
from citizen_portal.wishes.models import WishEntry
from tests.e2e.conftest import LivePortal
from tests.e2e.flows import sign_in_with_dev_idp


def _at_once(calls: Sequence[Callable[[], requests.Response]]) -> list[int]:
    start = threading.Barrier(len(calls))
    statuses: list[int] = []

    def run(call: Callable[[], requests.Response]) -> None:
        start.wait()
        statuses.append(call().status_code)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def _first_plan(session: requests.Session, base_url: str) -> str:
    cards = BeautifulSoup(session.get(f"{base_url}/plans", timeout=10).text, "html.parser")
    link = cards.select_one("a[href^='/plans/']")
    assert link is not None
    return f"{base_url}{link['href']}"


def _count(portal: LivePortal, query: object) -> int:
    with Session(portal.engine) as db:
        return int(db.scalar(query) or 0)  # type: ignore[call-overload]


def test_a_dozen_page_views_at_once_are_all_shown_and_audited(dev_portal: LivePortal) -> None:
    views: list[Callable[[], requests.Response]] = []
    for persona in ("demo-mette", "demo-jonas"):
        session, _ = sign_in_with_dev_idp(dev_portal.url, persona)
        url = _first_plan(session, dev_portal.url)
        views += [functools.partial(session.get, url, timeout=30) for _ in range(6)]
    viewed = select(func.count(AuditEvent.id)).where(AuditEvent.tag == AuditTag.PLAN_VIEWED)
    before = _count(dev_portal, viewed)

    statuses = _at_once(views)

    assert statuses == [200] * 12
    assert _count(dev_portal, viewed) == before + 12


def test_two_saves_of_one_form_at_once_store_one_and_tell_the_other(
    dev_portal: LivePortal,
) -> None:
    session, _ = sign_in_with_dev_idp(dev_portal.url, "demo-peter")
    url = f"{dev_portal.url}/wishes/what_helps"

    def opened() -> dict[str, str]:
        """The form as one device loaded it (its own one-time token)."""
        form = BeautifulSoup(session.get(url, timeout=10).text, "html.parser")
        return {
            str(i["name"]): str(i.get("value", ""))
            for i in form.select("form input[type=hidden]")
            if i.get("name")
        }

    devices = [opened(), opened()]
    entries = select(func.count(WishEntry.id))
    before = _count(dev_portal, entries)

    def save(fields: dict[str, str], text: str) -> Callable[[], requests.Response]:
        data = {**fields, "text": text}
        return lambda: session.post(url, data=data, timeout=30, allow_redirects=False)

    statuses = _at_once(
        [save(devices[0], "A walk with the dog."), save(devices[1], "Music, loud.")]
    )

    # One is stored; the other is shown both texts to choose from (409), never a 5xx.
    assert sorted(statuses) == [302, 409]
    assert _count(dev_portal, entries) == before + 1


def test_one_form_sent_twice_at_once_stores_once(dev_portal: LivePortal) -> None:
    """A double click: both sends carry the form's one-time token; one stores, the
    other goes where the first went."""
    session, _ = sign_in_with_dev_idp(dev_portal.url, "demo-mette")
    url = f"{dev_portal.url}/wishes/what_matters"
    form = BeautifulSoup(session.get(url, timeout=10).text, "html.parser")
    fields = {
        str(i["name"]): str(i.get("value", ""))
        for i in form.select("form input[type=hidden]")
        if i.get("name")
    }
    data = {**fields, "text": "My cat, and my sister."}
    entries = select(func.count(WishEntry.id))
    before = _count(dev_portal, entries)

    def send() -> requests.Response:
        return session.post(url, data=data, timeout=30, allow_redirects=False)

    statuses = _at_once([send, send])

    assert sorted(statuses) == [302, 303]
    assert _count(dev_portal, entries) == before + 1
