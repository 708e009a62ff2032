"""The load balancer's checks: /healthz (the process answers, no database) and
/readyz (the database answers too), on any host name, signed in or not."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

from citizen_portal.people.models import Person
from tests.conftest import sign_in


@contextmanager
def unreachable(app: Flask) -> Iterator[None]:
    """The app's sessions open on a database that cannot be reached."""
    database = app.extensions["database"]
    original = database.session_factory
    broken = create_engine("sqlite:////nonexistent-directory/portal.db")
    database.session_factory = sessionmaker(bind=broken)
    try:
        yield
    finally:
        database.session_factory = original
        broken.dispose()


@pytest.fixture
def database_gone(app: Flask) -> Iterator[None]:
    with unreachable(app):
        yield


def test_ready_when_the_database_answers(client: FlaskClient) -> None:
    response = client.get("/readyz", base_url="http://10.0.0.7")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_not_ready_but_alive_when_the_database_is_unreachable(
    client: FlaskClient, database_gone: None
) -> None:
    response = client.get("/readyz", base_url="http://10.0.0.7")
    assert response.status_code == 503
    assert response.get_json() == {"status": "database unreachable"}
    # The process itself is fine: the load balancer must not restart it.
    assert client.get("/healthz", base_url="http://10.0.0.7").status_code == 200


def test_a_signed_in_person_gets_the_plain_503_page_when_the_database_is_away(
    app: Flask, client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """The error page itself asks the database nothing (who is signed in, unread
    messages): before, it failed again and answered a bare 500."""
    sign_in(client, db, demo["demo-mette"])
    with unreachable(app):
        response = client.get("/plans")
    assert response.status_code == 503
    assert "Nothing was saved" in response.get_data(as_text=True)
