"""Benchmark: PostgreSQL restarts in the middle of a load of reads and writes.

gunicorn (2 sync workers) serves the portal on a PostgreSQL cluster of the
benchmark's own (created on port 5075 unless --postgres names one, so other
users of the machine's main cluster are not disturbed), while threads read
pages and write: wish saves and consents through the citizen's forms, plan
bundles through the partner API with a registered client. A third of the way in,
the cluster is restarted. Printed and checked:

- failed requests, by kind; each must be a plain 503 page (the API: a 503
  OperationOutcome), never a 500, a stack trace or a dropped connection;
- recovery: from the database being back to the last failure (target <= 5 s);
- every write that got a success answer is in the database afterwards.

    .venv/bin/python bench/faults.py [--seconds 30] [--postgres URL --restart CMD]
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import shlex
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta

import harness
import requests
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from citizen_portal.api.oauth import register_client
from citizen_portal.consents.models import Consent, ConsentPurpose
from citizen_portal.db import utcnow
from citizen_portal.plans.models import Plan
from citizen_portal.wishes.models import WishEntry, WishSection

CLUSTER = ("15", "faults17")
OWN_CLUSTER_URL = "postgresql+psycopg://root@127.0.0.1:5075/test"
ORGANISATION = "urn:demo:organisation|sor:psyk-roskilde-r3"
EXAMPLE = harness.ROOT / "docs" / "fhir-examples" / "discharge-agreement.json"
HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')
ATTRIBUTE = re.compile(r'(name|value)="([^"]*)"')


def _pg(*args: str) -> None:
    """One of Debian's PostgreSQL tools (in /usr/bin)."""
    subprocess.run(["/usr/bin/" + args[0], *args[1:]], check=True, capture_output=True)  # noqa: S603


def own_cluster() -> None:
    """A PostgreSQL cluster for this benchmark only (trust on loopback), running."""
    listed = subprocess.run(
        ["/usr/bin/pg_lsclusters", "-h"], capture_output=True, text=True, check=True
    )
    found = [line.split() for line in listed.stdout.splitlines()]
    mine = next((row for row in found if row[:2] == list(CLUSTER)), None)
    if mine is None:
        _pg("pg_createcluster", *CLUSTER, "-p", "5075", "--", "--auth-host=trust")
        _pg("pg_ctlcluster", "--skip-systemctl-redirect", *CLUSTER, "start")
        for sql in ("CREATE ROLE root SUPERUSER LOGIN", "CREATE DATABASE test OWNER root"):
            _pg("psql", "-h", "127.0.0.1", "-p", "5075", "-U", "postgres", "-c", sql)
    elif mine[3] != "online":
        _pg("pg_ctlcluster", "--skip-systemctl-redirect", *CLUSTER, "start")


@dataclass
class Outcome:
    at: float
    kind: str
    status: int  # 0: no answer at all
    plain_503: bool = False
    marker: str | None = None  # a write that got a success answer


@dataclass
class Log:
    outcomes: list[Outcome] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)


def _is_plain_503(response: requests.Response, api: bool) -> bool:
    if response.status_code != 503:
        return False
    if api:
        body = response.json()
        return bool(body.get("resourceType") == "OperationOutcome")
    return "text/html" in response.headers.get("Content-Type", "") and (
        "Traceback" not in response.text
    )


def _hidden_fields(html: str) -> dict[str, str]:
    fields = {}
    for tag in HIDDEN.findall(html):
        attributes = dict(ATTRIBUTE.findall(tag))
        if "name" in attributes:
            fields[attributes["name"]] = attributes.get("value", "")
    return fields


class Load:
    def __init__(self, base: str, citizen: harness.Citizen, secret: str, log: Log) -> None:
        self.base = base
        self.citizen = citizen
        self.secret = secret
        self.log = log
        self.stop = threading.Event()
        self.example = json.loads(EXAMPLE.read_text())
        self.counter = 0
        self.counter_lock = threading.Lock()

    def _marker(self, kind: str) -> str:
        with self.counter_lock:
            self.counter += 1
            return f"bench-{kind}-{self.counter}"

    def _browser(self) -> requests.Session:
        """A browser with the citizen's session cookie (kept by hand: the jar
        would keep the original and the one the server sets side by side)."""
        browser = requests.Session()
        browser.headers["Cookie"] = self.citizen.cookie
        return browser

    def _keep_cookie(self, browser: requests.Session, response: requests.Response) -> None:
        name = self.citizen.cookie.split("=", 1)[0]
        value = response.cookies.get(name)
        if value:
            browser.headers["Cookie"] = f"{name}={value}"
        browser.cookies.clear()

    def _record(
        self, kind: str, response: requests.Response | None, ok: bool, marker: str | None = None
    ) -> None:
        if response is None:
            self.log.add(Outcome(time.monotonic(), kind, 0))
            return
        plain = _is_plain_503(response, kind == "api bundle")
        self.log.add(
            Outcome(time.monotonic(), kind, response.status_code, plain, marker if ok else None)
        )

    def _send(
        self,
        browser: requests.Session,
        method: str,
        path: str,
        data: dict[str, str] | str | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
    ) -> requests.Response | None:
        try:
            return browser.request(
                method,
                self.base + path,
                data=data,
                headers=headers,
                auth=auth,
                timeout=10,
                allow_redirects=False,
            )
        except requests.RequestException:
            return None

    def reader(self) -> None:
        browser = self._browser()
        paths = [f"/plans/{self.citizen.plan_ids[0]}", "/plans", "/wishes", "/access-log"]
        n = 0
        while not self.stop.is_set():
            response = self._send(browser, "GET", paths[n % len(paths)])
            n += 1
            self._record("read", response, response is not None and response.status_code == 200)

    def _form_post(self, kind: str, form_path: str, fields: dict[str, str], marker: str) -> None:
        browser = self._browser()
        page = self._send(browser, "GET", form_path)
        if page is None or page.status_code != 200:
            self._record(f"{kind} form", page, False)
            return
        self._keep_cookie(browser, page)
        data = {**_hidden_fields(page.text), **fields}
        response = self._send(browser, "POST", form_path, data=data)
        ok = response is not None and response.status_code in (302, 303)
        self._record(kind, response, ok, marker)

    def wish_writer(self, section: WishSection) -> None:
        while not self.stop.is_set():
            marker = self._marker("wish")
            self._form_post("wish save", f"/wishes/{section.value}", {"text": marker}, marker)

    def consent_writer(self) -> None:
        until = (utcnow().date() + timedelta(days=60)).isoformat()
        while not self.stop.is_set():
            marker = self._marker("consent")
            fields = {
                "purpose": ConsentPurpose.INFORM_GP.value,
                "recipient": marker,
                "plan": "",
                "expires_on": until,
            }
            self._form_post("consent", "/consents/new", fields, marker)

    def _token(self, api: requests.Session) -> str | None:
        response = self._send(
            api,
            "POST",
            "/api/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=("bench-faults", self.secret),
        )
        if response is None or response.status_code != 200:
            self._record("api token", response, False)
            return None
        token: str = response.json()["access_token"]
        return token

    def api_writer(self) -> None:
        api = requests.Session()
        token = None
        while not self.stop.is_set():
            token = token or self._token(api)
            if token is None:
                time.sleep(0.05)
                continue
            marker = self._marker("plan")
            bundle = copy.deepcopy(self.example)
            for entry in bundle["entry"]:
                if entry["resource"]["resourceType"] == "CarePlan":
                    entry["resource"]["identifier"][0]["value"] = marker
            response = self._send(
                api,
                "POST",
                "/api/fhir/Bundle",
                data=json.dumps(bundle),
                headers={
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/fhir+json",
                },
            )
            self._record(
                "api bundle", response, response is not None and response.status_code == 201, marker
            )


def present(database_url: str, log: Log) -> tuple[int, list[str]]:
    """How many acknowledged writes were checked, and those missing."""
    wanted = [o for o in log.outcomes if o.marker is not None]
    engine = create_engine(database_url)
    with Session(engine) as session:
        wishes = set(session.scalars(select(WishEntry.text)))
        consents = set(session.scalars(select(Consent.recipient)))
        plans = set(session.scalars(select(Plan.identifier_value)))
    engine.dispose()
    stored = {"wish save": wishes, "consent": consents, "api bundle": plans}
    missing = [o.marker for o in wanted if o.marker not in stored[o.kind]]
    return len(wanted), [m for m in missing if m is not None]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", help="a server URL (default: a cluster of its own)")
    parser.add_argument("--restart", help="the command that restarts that server")
    parser.add_argument("--schema", default="bench_faults")
    parser.add_argument("--port", type=int, default=5070)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--drop-cluster", action="store_true", help="remove its cluster after")
    args = parser.parse_args()
    if args.postgres:
        server, restart = args.postgres, shlex.split(args.restart or "")
        if not restart:
            sys.exit("--postgres needs --restart")
    else:
        own_cluster()
        server = OWN_CLUSTER_URL
        restart = ["pg_ctlcluster", "--skip-systemctl-redirect", *CLUSTER, "restart"]

    url = harness.fresh_schema(server, args.schema)
    base = f"http://127.0.0.1:{args.port}"
    citizen = harness.signed_in(url, base)
    engine = create_engine(url)
    with Session(engine) as session:
        secret = register_client(
            session, "bench-faults", "Faults benchmark", [ORGANISATION], ["api:plans:write"]
        )
        session.commit()
    engine.dispose()

    log = Log()
    try:
        with harness.gunicorn(url, args.port) as _server:
            load = Load(base, citizen, secret, log)
            threads = [
                threading.Thread(target=load.reader),
                threading.Thread(target=load.reader),
                threading.Thread(target=load.wish_writer, args=(WishSection.WHAT_MATTERS,)),
                threading.Thread(target=load.wish_writer, args=(WishSection.EARLY_SIGNS,)),
                threading.Thread(target=load.consent_writer),
                threading.Thread(target=load.api_writer),
                threading.Thread(target=load.api_writer),
            ]
            start = time.monotonic()
            for thread in threads:
                thread.start()
            time.sleep(args.seconds / 3)
            down = time.monotonic()
            subprocess.run(restart, check=True)  # noqa: S603 (the given restart command)
            back = time.monotonic()
            time.sleep(max(0.0, args.seconds - (back - start)))
            load.stop.set()
            for thread in threads:
                thread.join()
        checked, missing = present(url, log)
    finally:
        harness.drop_schema(server, args.schema)
        if args.drop_cluster and not args.postgres:
            _pg("pg_dropcluster", "--stop", *CLUSTER)
    met = report(log, down, back, checked, missing)
    sys.exit(0 if met else 1)


def report(log: Log, down: float, back: float, checked: int, missing: list[str]) -> bool:
    outcomes = log.outcomes
    failed = [o for o in outcomes if o.marker is None and o.status not in (200, 201, 302, 303)]
    kinds = sorted({o.kind for o in outcomes})
    print(f"restart took {back - down:.1f} s; {len(outcomes)} requests")
    for kind in kinds:
        mine = [o for o in outcomes if o.kind == kind]
        bad = [o for o in failed if o.kind == kind]
        statuses = sorted({o.status for o in bad})
        print(f"  {kind:<12} {len(mine):>6} requests, {len(bad):>4} failed (statuses {statuses})")
    not_plain = [o for o in failed if not o.plain_503]
    last_failure = max((o.at for o in failed), default=back)
    recovery = max(0.0, last_failure - back)
    print(f"failed requests: {len(failed)}; not a plain 503: {len(not_plain)}")
    print(f"recovered {recovery:.2f} s after the database was back (target <= 5 s)")
    print(f"acknowledged writes checked: {checked}; missing: {len(missing)} {missing[:5]}")
    met = not not_plain and recovery <= 5 and not missing and checked > 0
    print("targets:", "met" if met else "NOT met")
    return met


if __name__ == "__main__":
    main()
