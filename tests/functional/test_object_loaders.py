"""Every route that names something by id loads it through a declared loader, and no
citizen reaches another citizen's things: the answer is 404, whether they exist or not.

Walks the URL map, so a new route with an id is checked without anyone
remembering to add it here.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.routing import Rule

from citizen_portal.consents.models import Consent, ConsentPurpose
from citizen_portal.consents.services import give
from citizen_portal.db import utcnow
from citizen_portal.notifications.models import Notification, NotificationKind
from citizen_portal.notifications.services import notify
from citizen_portal.people.models import Person
from citizen_portal.plans.models import Plan
from citizen_portal.representation.models import Representation
from citizen_portal.security.actors import Actor
from citizen_portal.security.web import Loader, declared_loader
from citizen_portal.wishes.models import WishSection
from tests.conftest import sign_in
from tests.support.demo import action_plan_of
from tests.support.pages import csrf

# A route's other URL variables are not ids of anything of their own: they name a
# part of the object the loader already authorized (a version of that plan), a
# fixed vocabulary (a wish section, a plan type's explainer) or a static file.
NOT_IDS = {
    "number": "1",
    "name": WishSection.EARLY_SIGNS.value,
    "slug": "discharge-agreement",
    "filename": "css/app.css",
    "lang": "da",
}


def _loaded_routes(app: Flask) -> list[tuple[Rule, Loader]]:
    found = []
    for rule in app.url_map.iter_rules():
        loader = declared_loader(app.view_functions[rule.endpoint])
        if loader is not None:
            found.append((rule, loader))
    return sorted(found, key=lambda pair: pair[0].rule)


def test_every_route_with_an_id_declares_how_it_is_loaded(app: Flask) -> None:
    unguarded = []
    for rule in app.url_map.iter_rules():
        loader = declared_loader(app.view_functions[rule.endpoint])
        ids = set(rule.arguments) - set(NOT_IDS)
        if ids and (loader is None or loader.in_query or {loader.id_argument} != ids):
            unguarded.append(rule.rule)
        if rule.rule.startswith("/api/"):
            # Systems name plans by business identifier; the policy checks those.
            assert not rule.arguments, rule.rule
    assert unguarded == []
    # The routes that do carry ids are all declared (a guard against a walk that finds nothing).
    assert {rule.endpoint for rule, _ in _loaded_routes(app)} >= {
        "plans.plan",
        "plans.plan_version",
        "plans.plan_pdf",
        "wishes.stance",
        "wishes.overview",
        "wishes.edit",
        "wishes.history",
        "consents.withdraw",
        "notifications.mark_one_read",
        "representation.accept",
        "representation.decline",
        "representation.revoke",
    }


def _peters_things(db: Session, demo: dict[str, Person]) -> dict[type, int]:
    """One of each kind of thing a route can name, all belonging to Peter."""
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    consent = give(
        db,
        Actor(peter.id, peter.id),
        ConsentPurpose.INVOLVE_RELATIVE,
        "Hanne",
        None,
        utcnow().date() + timedelta(days=30),
    )
    power = db.scalars(
        select(Representation).where(
            Representation.represented_id == peter.id, Representation.representative_id == hanne.id
        )
    ).one()
    notify(db, peter.id, NotificationKind.REPRESENTATION_FIRST_USED, power)
    message = db.scalars(select(Notification).where(Notification.person_id == peter.id)).first()
    assert message is not None
    db.commit()
    return {
        Plan: action_plan_of(db, peter).id,
        Consent: consent.id,
        Representation: power.id,
        Notification: message.id,
    }


def _url(rule: Rule, loader: Loader, object_id: int | str) -> str:
    values = {name: NOT_IDS[name] for name in rule.arguments if name in NOT_IDS}
    path = rule.rule
    for name, value in values.items():
        path = path.replace(f"<{name}>", value).replace(f"<int:{name}>", value)
    if loader.in_query:
        return f"{path}?{loader.id_argument}={object_id}"
    return path.replace(f"<int:{loader.id_argument}>", str(object_id))


def _methods(rule: Rule) -> list[str]:
    return sorted((rule.methods or set()) & {"GET", "POST"})


def test_another_citizens_things_answer_404_on_every_route(
    app: Flask, client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    things = _peters_things(db, demo)
    sign_in(client, db, demo["demo-mette"])
    token = csrf(client)
    answers = {}
    for rule, loader in _loaded_routes(app):
        url = _url(rule, loader, things[loader.model])
        for method in _methods(rule):
            response = client.open(url, method=method, data={"csrf_token": token})
            answers[(method, url)] = response.status_code
    assert answers, "no route with a loader was tried"
    assert {key: code for key, code in answers.items() if code != 404} == {}


def test_the_owner_is_let_through_on_the_same_urls(
    app: Flask, client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """The other side of the test above: those 404s come from ownership, not from
    URLs that name nothing. Peter (or Hanne, who holds his power of attorney and
    is the one to accept it) gets past the loader on every one."""
    things = _peters_things(db, demo)
    refused = []
    for rule, loader in _loaded_routes(app):
        url = _url(rule, loader, things[loader.model])
        for method in _methods(rule):
            codes = []
            for person in ("demo-peter", "demo-hanne"):
                visitor = app.test_client()
                sign_in(visitor, db, demo[person])
                token = csrf(visitor)
                codes.append(
                    visitor.open(url, method=method, data={"csrf_token": token}).status_code
                )
            if all(code == 404 for code in codes):
                refused.append((method, url))
    assert refused == []


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/plans/0", 404),
        ("/plans/9223372036854775808", 404),  # one past the largest id
        ("/plans/99999999999999999999999999", 404),
        ("/plans/1/versions/99999999999999999999999999", 404),
        ("/wishes?plan=abc", 400),
        ("/wishes?plan=-1", 400),
        ("/wishes?plan=\u0661", 400),  # an Arabic-Indic digit one
        ("/wishes?plan=99999999999999999999999999", 400),
        ("/wishes?plan=9223372036854775808", 404),
    ],
)
def test_ids_that_cannot_name_anything_are_refused_plainly(
    client: FlaskClient, db: Session, demo: dict[str, Person], path: str, status: int
) -> None:
    sign_in(client, db, demo["demo-mette"])
    assert client.get(path).status_code == status
