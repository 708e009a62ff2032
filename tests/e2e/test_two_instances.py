"""Past one machine: two app instances, each its own process with one sync worker,
behind a load balancer that sends every request to the other one in turn.

They share nothing but the database and Redis: sign-in through the development
identity provider starts on one and ends on the other, the session works on both,
signing out on one ends it on both, and the partner API's rate limit is counted
once for both.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from itertools import cycle
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
import requests
from requests.adapters import HTTPAdapter

from tests.conftest import CPR_KEY
from tests.e2e.flows import submit_form
from tests.support.live_server import free_port

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/14"  # a database of its own: emptied below


def _environment(database_url: str, public_url: str, **extra: str) -> dict[str, str]:
    """What every instance is given: the same settings, as a deployment would."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "OIDC_"))},
        "PORTAL_ENV": "test",
        "PORTAL_BASE_URL": public_url,
        "DATABASE_URL": database_url,
        "PORTAL_SECRET_KEY": "test-secret-key-" + "x" * 32,
        "PORTAL_CPR_HASH_KEY": CPR_KEY,
        "OIDC_CLIENT_SECRET": "dev-idp-test-secret",
        "PORTAL_DEV_IDP": "1",
        **extra,
    }


@contextmanager
def _instance(port: int, env: Mapping[str, str]) -> Iterator[str]:
    """gunicorn with one sync worker: a request it makes to itself would never end."""
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--config=python:citizen_portal.gunicorn_conf",  # as production runs it
            "--workers=1",
            "--worker-class=sync",
            f"--bind=127.0.0.1:{port}",
            "--timeout=20",
            "citizen_portal:create_app()",
        ],
        cwd=ROOT,
        env=dict(env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                requests.get(url, timeout=30, allow_redirects=False)
                break
            except requests.ConnectionError:
                assert process.poll() is None, process.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


class RoundRobin(HTTPAdapter):
    """A load balancer: each request goes to the next instance, with the public
    Host header kept; the answer looks as if the public address gave it."""

    def __init__(self, public_url: str, ports: list[int]) -> None:
        super().__init__()
        self.public = urlsplit(public_url)
        self.ports = cycle(ports)
        self.served: dict[int, int] = dict.fromkeys(ports, 0)

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        port = next(self.ports)
        self.served[port] += 1
        public_url = request.url or ""
        parts = urlsplit(public_url)
        request.url = urlunsplit(parts._replace(netloc=f"127.0.0.1:{port}"))
        request.headers["Host"] = self.public.netloc
        response = super().send(request, *args, **kwargs)
        response.url = public_url
        if "Location" in response.headers:
            location = response.headers["Location"]
            response.headers["Location"] = location.replace(f"127.0.0.1:{port}", self.public.netloc)
        return response


@pytest.fixture(scope="module")
def two_instances(live_database_url: str) -> Iterator[tuple[str, RoundRobin]]:
    redis.Redis.from_url(REDIS_URL).flushdb()
    first, second = free_port(), free_port()
    public = f"http://127.0.0.1:{first}"
    env = _environment(
        live_database_url,
        public,
        REDIS_URL=REDIS_URL,
        PORTAL_RATE_LIMITS="1",
        PORTAL_RATE_LIMIT_TOKEN="3 per minute",
    )
    with ExitStack() as stack:
        stack.enter_context(_instance(first, env))
        stack.enter_context(_instance(second, env))
        yield public, RoundRobin(public, [first, second])


def _browser(public: str, balancer: RoundRobin) -> requests.Session:
    session = requests.Session()
    session.headers["Accept-Language"] = "en"
    session.mount(f"{public}/", balancer)
    return session


def test_sign_in_starts_on_one_instance_and_ends_on_the_other(
    two_instances: tuple[str, RoundRobin],
) -> None:
    public, balancer = two_instances
    browser = _browser(public, balancer)
    chooser = browser.get(f"{public}/auth/sign-in", timeout=15)
    assert chooser.status_code == 200, chooser.text[:300]
    home = submit_form(browser, chooser, {"persona": "demo-mette"})
    assert home.status_code == 200, home.text[:500]
    assert "Mette" in home.text
    # Every step of the sign-in (portal, provider, callback) was served, and both
    # instances took part: a code issued by one was redeemed at the other.
    assert all(count >= 2 for count in balancer.served.values()), balancer.served

    # The session is the same on both instances.
    for _ in range(2):
        page = browser.get(f"{public}/plans", timeout=15)
        assert page.status_code == 200
        assert page.url.endswith("/plans"), page.url
        assert "Mette" in page.text

    # Signing out on one instance ends the session on the other.
    signed_out = submit_form(
        browser, browser.get(f"{public}/plans", timeout=15), {}, "form[action$='/auth/sign-out']"
    )
    assert signed_out.status_code == 200
    after = browser.get(f"{public}/plans", timeout=15, allow_redirects=False)
    assert after.status_code in (302, 303)
    assert "/auth/sign-in" in after.headers["Location"]


def test_the_partner_rate_limit_is_counted_once_for_both_instances(
    two_instances: tuple[str, RoundRobin],
) -> None:
    public, balancer = two_instances
    caller = _browser(public, balancer)
    answers = [
        caller.post(
            f"{public}/api/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=("nobody", "wrong"),
            timeout=15,
        ).status_code
        for _ in range(4)
    ]
    # Three per minute in all, not three per instance: the fourth call is refused.
    assert answers[:3] == [401, 401, 401], answers
    assert answers[3] == 429, answers
