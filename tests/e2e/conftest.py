"""Live portals over real HTTP, each signed in through a real OpenID provider.

These tests commit to their own database (a separate SQLite file or
PostgreSQL schema), loaded with the demo data once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import Engine

from citizen_portal import create_app, migrate
from citizen_portal.db import get_session, utcnow
from citizen_portal.fhir.demo_loader import load_demo_data
from tests.conftest import CPR_KEY, make_settings
from tests.support.databases import fresh_database
from tests.support.hostile_provider import CLIENT_ID, CLIENT_SECRET, HostileProvider
from tests.support.live_server import free_port, serve
from tests.support.oidc_provider import oidc_provider


@dataclass
class LivePortal:
    url: str
    app: Flask

    @property
    def engine(self) -> Engine:
        engine: Engine = self.app.extensions["database"].engine
        return engine


@pytest.fixture(scope="session")
def live_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = fresh_database("portal_live", tmp_path_factory.mktemp("live"))
    migrate.upgrade(url)
    app = create_app(make_settings(url))
    with app.app_context():
        session = get_session()
        load_demo_data(session, CPR_KEY.encode(), utcnow().date())
        session.commit()
    app.extensions["database"].engine.dispose()
    return url


PortalFactory = Callable[..., AbstractContextManager[LivePortal]]


@pytest.fixture(scope="session")
def start_portal(live_database_url: str) -> PortalFactory:
    @contextmanager
    def start(port: int | None = None, **env: str) -> Iterator[LivePortal]:
        port = port or free_port()
        base = f"http://127.0.0.1:{port}"
        app = create_app(make_settings(live_database_url, base_url=base, **env))
        with serve(app, port) as url:
            yield LivePortal(url, app)
        app.extensions["database"].engine.dispose()

    return start


@pytest.fixture(scope="session")
def dev_portal(start_portal: PortalFactory) -> Iterator[LivePortal]:
    with start_portal() as portal:
        yield portal


@pytest.fixture(scope="session")
def certified_portal(start_portal: PortalFactory) -> Iterator[LivePortal]:
    """A portal whose only identity provider is the npm oidc-provider."""
    port = free_port()
    with (
        oidc_provider(f"http://127.0.0.1:{port}") as provider,
        start_portal(
            port=port,
            OIDC_ISSUER=provider.issuer,
            OIDC_CLIENT_ID=provider.client_id,
            OIDC_CLIENT_SECRET=provider.client_secret,
            PORTAL_DEV_IDP="0",
        ) as portal,
    ):
        yield portal


@dataclass
class HostileSetup:
    provider: HostileProvider
    portal: LivePortal


@pytest.fixture(scope="session")
def hostile(start_portal: PortalFactory) -> Iterator[HostileSetup]:
    provider = HostileProvider()
    port = free_port()
    with serve(provider.app, port) as issuer:
        provider.issuer = issuer
        with start_portal(
            OIDC_ISSUER=issuer,
            OIDC_CLIENT_ID=CLIENT_ID,
            OIDC_CLIENT_SECRET=CLIENT_SECRET,
            PORTAL_DEV_IDP="0",
        ) as portal:
            yield HostileSetup(provider, portal)
