"""'Who has looked at your information': the citizen's own log, in plain words."""

from __future__ import annotations

from datetime import timedelta

from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_portal.audit.models import AuditEvent, AuditTag
from citizen_portal.db import utcnow
from citizen_portal.people.models import Person
from citizen_portal.plans.models import Plan
from citizen_portal.security.actors import ActorKind
from tests.conftest import sign_in
from tests.support.fhir import REGION, api_token, example, post_bundle


def _entries(client: FlaskClient, query: str = "") -> list[str]:
    response = client.get(f"/access-log{query}")
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [" ".join(li.get_text(" ").split()) for li in page.select("li.log-entry")]


def _citizen(db: Session) -> Person:
    plan = db.scalars(select(Plan)).one()
    person = db.get(Person, plan.citizen_id)
    assert person is not None
    return person


def test_log_shows_reads_and_system_writes_newest_first(client: FlaskClient, db: Session) -> None:
    token = api_token(client, db, [REGION])
    post_bundle(client, token, example("discharge-agreement"))
    mette = _citizen(db)
    sign_in(client, db, mette)
    plan = db.scalars(select(Plan)).one()
    client.get(f"/plans/{plan.id}")
    post_bundle(client, token, example("discharge-agreement"))

    entries = _entries(client)
    assert (
        "A professional system (region-sjaelland-epj) sent your plan again, with no changes: "
        "Discharge agreement." in entries[0]
    )
    assert "You read your plan: Discharge agreement." in entries[1]
    assert (
        "A professional system (region-sjaelland-epj) sent a new version (1) of your plan: "
        "Discharge agreement." in entries[2]
    )
    assert len(entries) == 3, "the view of the log itself is logged after it is shown"
    assert "You looked at this list." in _entries(client)[0]


def test_filter_shows_only_what_professional_systems_did(client: FlaskClient, db: Session) -> None:
    token = api_token(client, db, [REGION])
    post_bundle(client, token, example("discharge-agreement"))
    sign_in(client, db, _citizen(db))
    client.get("/plans")
    entries = _entries(client, "?show=systems")
    assert entries
    assert all("A professional system" in e for e in entries)
    assert any("You looked at the list of your plans." in e for e in _entries(client, "?show=you"))


def test_nobody_sees_another_citizens_log(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sign_in(client, db, demo["demo-peter"])
    client.get("/plans")
    sign_in(client, db, demo["demo-mette"])
    entries = _entries(client)
    assert not any("list of your plans" in e for e in entries), "Peter's reading is not here"
    # Mette's log holds her demo plans' import and nothing of Peter's.
    assert sum("imported your plan into the app" in e for e in entries) == 2
    peters_in_mettes = db.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.subject_person_id == demo["demo-mette"].id,
            AuditEvent.actor_person_id == demo["demo-peter"].id,
        )
    )
    assert peters_in_mettes == 0


def test_bad_filter_or_page_is_a_clear_400(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sign_in(client, db, demo["demo-mette"])
    for query in ("?show=everyone", "?before=0", "?before=two", "?after=١٢", "?before=1&after=2"):
        response = client.get(f"/access-log{query}")
        assert response.status_code == 400
        assert "Something in the request was wrong" in response.get_data(as_text=True)


def test_each_view_of_the_log_is_itself_logged_once(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sign_in(client, db, demo["demo-mette"])
    client.get("/access-log")
    client.get("/access-log?show=you")
    views = db.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.tag == AuditTag.AUDIT_LOG_VIEWED)
    )
    assert views == 2


def _page_links(html: str) -> dict[str, str]:
    page = BeautifulSoup(html, "html.parser")
    return {a.get_text(strip=True): str(a["href"]) for a in page.select("nav.pagination a")}


def _event_ids(html: str) -> list[str]:
    page = BeautifulSoup(html, "html.parser")
    return [li.get_text(" ", strip=True) for li in page.select("li.log-entry")]


def test_a_long_log_pages_by_keyset_older_and_back_newer(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    mette, peter = demo["demo-mette"], demo["demo-peter"]
    start = utcnow() - timedelta(days=30)
    existing = db.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.subject_person_id == mette.id,
            AuditEvent.actor_kind == ActorKind.SYSTEM,
        )
    )
    assert existing is not None
    for index in range(120):
        db.add(
            AuditEvent(
                tag=AuditTag.PLAN_VIEWED,
                actor_kind=ActorKind.SYSTEM,
                subject_person_id=mette.id,
                occurred_at=start + timedelta(minutes=index),
                resource_type="plan",
                details={"client_id": f"system-{index:03d}"},
            )
        )
    db.commit()
    sign_in(client, db, mette)
    first = client.get("/access-log?show=systems").get_data(as_text=True)
    links = _page_links(first)
    assert "Newer" not in links
    second = client.get(links["Older"]).get_data(as_text=True)
    third = client.get(_page_links(second)["Older"]).get_data(as_text=True)
    pages = [_event_ids(first), _event_ids(second), _event_ids(third)]
    # Each event once, none skipped (the demo has a few of its own).
    assert [len(p) for p in pages] == [50, 50, existing + 20]
    assert "Older" not in _page_links(third)
    back = client.get(_page_links(third)["Newer"]).get_data(as_text=True)
    assert _event_ids(back) == pages[1]

    # Another person's event as a page boundary is refused like a made-up one.
    peters = db.scalars(
        select(AuditEvent.id).where(AuditEvent.subject_person_id == peter.id)
    ).first()
    assert peters is not None
    assert client.get(f"/access-log?before={peters}").status_code == 400
    assert client.get(f"/access-log?before={2**62}").status_code == 400
    assert client.get(f"/access-log?before={2**31}").status_code == 400
