"""The load balancer's checks: /healthz (the process answers, no database) and
/readyz (the database answers too), on any host name, signed in or not."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker


@pytest.fixture
def database_gone(app: Flask) -> Iterator[None]:
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
