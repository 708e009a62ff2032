"""What the load benchmarks share (pages.py, soak.py, faults.py).

A PostgreSQL schema of their own with the demo data, gunicorn serving the
portal on it (2 sync workers, audit on as always, loopback only), and a
signed-in citizen's session cookie.

Signing in: the benchmarks create the server-side session row and sign the
Flask cookie that the OpenID callback would have set, as the tests do
(tests/conftest.py, ``sign_in``). Going through the development identity
provider is left out on purpose: its codes live in one worker's memory, so
with several workers the exchange fails about half the time (issue 17, target 6).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from citizen_portal import create_app, migrate  # noqa: E402
from citizen_portal.auth.models import UserSession  # noqa: E402
from citizen_portal.config import load_settings  # noqa: E402
from citizen_portal.db import utcnow  # noqa: E402
from citizen_portal.demo.data import PERSONAS  # noqa: E402
from citizen_portal.fhir.demo_loader import load_demo_data  # noqa: E402
from citizen_portal.people.models import Person  # noqa: E402
from citizen_portal.people.services import hash_cpr  # noqa: E402
from citizen_portal.plans.models import Plan  # noqa: E402

DEFAULT_POSTGRES = "postgresql+psycopg://root@127.0.0.1:5432/test"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
CPR_KEY = "bench-cpr-hash-key-" + "c" * 16


def environment(database_url: str, base_url: str) -> dict[str, str]:
    """The portal's settings for a benchmark run, as a user would run it."""
    return {
        "PORTAL_ENV": "development",
        "PORTAL_BASE_URL": base_url,
        "DATABASE_URL": database_url,
        "PORTAL_SECRET_KEY": "bench-secret-key-" + "s" * 32,
        "PORTAL_CPR_HASH_KEY": CPR_KEY,
        "OIDC_CLIENT_SECRET": "bench-dev-idp-secret",
        "PORTAL_DEV_IDP": "1",
        # The per-address limits would count the load generator as one visitor.
        "PORTAL_RATE_LIMITS": "0",
    }


def schema_url(server: str, schema: str) -> str:
    separator = "&" if "?" in server else "?"
    return f"{server}{separator}options={quote(f'-csearch_path={schema}')}"


def fresh_schema(server: str, schema: str) -> str:
    """An empty schema ``schema``, migrated, with the demo data; its URL."""
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    url = schema_url(server, schema)
    migrate.upgrade(url)
    engine = create_engine(url)
    with Session(engine) as session:
        load_demo_data(session, CPR_KEY.encode(), utcnow().date())
        session.commit()
    engine.dispose()
    return url


def drop_schema(server: str, schema: str) -> None:
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@dataclass(frozen=True)
class Citizen:
    person_id: int
    plan_ids: list[int]
    cookie: str  # the Cookie header's value


def signed_in(database_url: str, base_url: str, subject: str = "demo-mette") -> Citizen:
    """A server-side session for the demo persona ``subject`` and its signed cookie."""
    app = create_app(load_settings(environment(database_url, base_url)))
    persona = next(p for p in PERSONAS if p.subject == subject)
    token = secrets.token_urlsafe(16)
    engine = create_engine(database_url)
    with Session(engine) as session:
        person = session.scalars(
            select(Person).where(Person.cpr_hash == hash_cpr(persona.cpr, CPR_KEY.encode()))
        ).one()
        session.add(
            UserSession(
                token_hash=hashlib.sha256(token.encode()).hexdigest(),
                person_id=person.id,
                authenticated_at=utcnow(),
            )
        )
        plan_ids = list(session.scalars(select(Plan.id).where(Plan.citizen_id == person.id)))
        person_id = person.id
        session.commit()
    engine.dispose()
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    assert serializer is not None
    # As a browser holds it after its first page: with the CSRF token Flask-WTF keeps
    # in the session (without it, every page would mint one and set the cookie anew).
    value = serializer.dumps(
        {"_user_id": token, "_fresh": True, "csrf_token": secrets.token_hex(20)}
    )
    return Citizen(person_id, plan_ids, f"{app.config['SESSION_COOKIE_NAME']}={value}")


@dataclass
class Server:
    base_url: str
    process: subprocess.Popen[bytes]

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: the master's children."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def wait_until_up(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {seconds} s")
        time.sleep(0.2)


@contextmanager
def gunicorn(database_url: str, port: int, workers: int = 2) -> Iterator[Server]:
    """gunicorn with ``workers`` sync workers on 127.0.0.1:``port``."""
    base_url = f"http://127.0.0.1:{port}"
    env = {**os.environ, **environment(database_url, base_url)}
    process = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        [
            str(GUNICORN),
            "--config",
            "python:citizen_portal.gunicorn_conf",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--backlog",
            "2048",
            "--log-level",
            "warning",
            "citizen_portal:create_app()",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(f"{base_url}/healthz")
        yield Server(base_url, process)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def get(url: str, cookie: str, timeout: float = 10) -> tuple[int, bytes]:
    """One GET with the cookie; the status (redirects not followed) and body."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310
    opener = urllib.request.build_opener(_NoRedirect())
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None
