"""Shared fixtures.

The database is migrated once per session; each test runs inside an outer
transaction that is rolled back, and the app's commits become savepoints.
Every HTML page a test fetches is checked for one h1, a title that matches
it, and unique ids. Hypothesis runs the profile named by HYPOTHESIS_PROFILE.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session, sessionmaker

from citizen_portal import create_app, migrate
from citizen_portal.auth import drafts
from citizen_portal.auth.models import UserSession
from citizen_portal.config import Settings, load_settings
from citizen_portal.db import utcnow
from citizen_portal.demo.data import PERSONAS
from citizen_portal.fhir.demo_loader import load_demo_data
from citizen_portal.people.models import Person
from citizen_portal.people.services import hash_cpr
from citizen_portal.plans.version_cache import VersionContents
from citizen_portal.representation.models import Representation
from tests.support.databases import fresh_database

# A few hundred examples per property while working; CI runs the full 10,000 once
# (HYPOTHESIS_PROFILE=ci in .ci/run, on the SQLite run only: the properties are pure).
hypothesis_settings.register_profile("default", max_examples=300)
hypothesis_settings.register_profile("ci", max_examples=10_000)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

CPR_KEY = "test-cpr-hash-key"
APP_NAME = {"en": "My plans", "da": "Mine planer", "ar": "خططي"}


def make_settings(database_url: str, base_url: str = "http://localhost", **env: str) -> Settings:
    return load_settings(
        {
            "PORTAL_ENV": "test",
            "PORTAL_BASE_URL": base_url,
            "DATABASE_URL": database_url,
            "PORTAL_SECRET_KEY": "test-secret-key-" + "x" * 32,
            "PORTAL_CPR_HASH_KEY": CPR_KEY,
            "OIDC_CLIENT_SECRET": "dev-idp-test-secret",
            "PORTAL_DEV_IDP": "1",
            # Off in tests: only tests/functional/test_rate_limits.py turns them on.
            "PORTAL_RATE_LIMITS": "0",
            **env,
        }
    )


def check_page(html: str) -> BeautifulSoup:
    """GOV.UK Notify's page checks: one h1, a title that starts with it, unique ids."""
    soup = BeautifulSoup(html, "html.parser")
    h1s = soup.find_all("h1")
    assert len(h1s) == 1, f"expected one h1, found {len(h1s)}"
    heading = " ".join(h1s[0].get_text().split())
    title = " ".join(soup.title.get_text().split()) if soup.title else ""
    expected = [f"{heading} – {name}" for name in APP_NAME.values()]
    expected += [f"{error} {e}" for error in ("Error:", "Fejl:", "خطأ:") for e in expected]
    assert title in expected, f"title {title!r} does not match h1 {heading!r}"
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, f"duplicate ids: {duplicates}"
    return soup


class CheckingClient(FlaskClient):
    """A test client that reads pages in English and checks every HTML page."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", None) or {})
        headers.setdefault("Accept-Language", "en")
        response = super().open(*args, headers=headers, **kwargs)
        if response.mimetype == "text/html" and not 300 <= response.status_code < 400:
            body = response.get_data()
            if response.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            check_page(body.decode())
        return response


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    # TEST_DATABASE_SCHEMA: a schema of one's own on a shared PostgreSQL server.
    schema = os.environ.get("TEST_DATABASE_SCHEMA") or "portal_test"
    url = fresh_database(schema, tmp_path_factory.mktemp("db"))
    # TEST_SQLITE_TEMPLATE (`make mutation`): a migrated SQLite file to copy instead of
    # migrating again in each of the thousand short runs; the first run writes it.
    template_name = os.environ.get("TEST_SQLITE_TEMPLATE")
    template = Path(template_name) if template_name else None
    if template is not None and url.startswith("sqlite:///") and template.parent.is_dir():
        path = Path(url.removeprefix("sqlite:///"))
        if template.exists():
            shutil.copyfile(template, path)
            return url
        migrate.upgrade(url)
        shutil.copyfile(path, template)
        return url
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def app(database_url: str) -> Flask:
    app = create_app(make_settings(database_url))
    app.test_client_class = CheckingClient
    return app


@contextmanager
def rolled_back_connection(app: Flask) -> Iterator[Connection]:
    """A connection in a transaction that is rolled back at the end; the app's
    sessions join it by savepoints (what a test, or one Hypothesis example, sees)."""
    database = app.extensions["database"]
    original = database.session_factory
    with database.engine.connect() as conn:
        outer = conn.begin()
        database.session_factory = sessionmaker(
            bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        try:
            yield conn
        finally:
            database.session_factory = original
            outer.rollback()
            # Kept per version id; the rolled-back ids are given out again (SQLite).
            kept: VersionContents | None = app.extensions.get("version_contents")
            if kept is not None:
                kept.clear()


@pytest.fixture
def connection(app: Flask) -> Iterator[Connection]:
    with rolled_back_connection(app) as conn:
        yield conn


@pytest.fixture
def db(connection: Connection) -> Iterator[Session]:
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    yield session
    session.close()


@pytest.fixture
def client(app: Flask, connection: Connection) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def today() -> date:
    return utcnow().date()


@pytest.fixture
def demo(db: Session, today: date) -> dict[str, Person]:
    """The demo citizens, by persona subject (e.g. "demo-mette")."""
    load_demo_data(db, CPR_KEY.encode(), today)
    db.flush()
    people = {}
    for persona in PERSONAS:
        person = db.scalar(
            select(Person).where(Person.cpr_hash == hash_cpr(persona.cpr, CPR_KEY.encode()))
        )
        assert person is not None
        people[persona.subject] = person
    db.commit()
    return people


# The demo data brings one power of attorney of its own (Peter to his sister Hanne).
NOT_DEMO = Representation.represented.has(Person.given_name != "Peter")


def sign_in(client: FlaskClient, db: Session, person: Person, fresh: bool = False) -> str:
    """Give ``client`` a server-side session for ``person``, as the callback would;
    ``fresh``: as if they had just proven who they are at the provider."""
    token = secrets.token_urlsafe(16)
    db.add(
        UserSession(
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            person_id=person.id,
            authenticated_at=utcnow() if fresh else None,
        )
    )
    db.commit()
    kept_until = drafts.waiting(db, person.id, utcnow())
    with client.session_transaction() as session:
        session.clear()  # as the callback does: nothing from before survives
        session["_user_id"] = token
        session["_fresh"] = True
        if kept_until is not None:
            session[drafts.DRAFTS_WAITING] = kept_until.timestamp()
    return token


@pytest.fixture
def artifacts() -> Path:
    path = Path(__file__).resolve().parent.parent / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path
