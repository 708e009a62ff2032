"""Benchmark: do pages stay as fast when the database is national-sized?

Builds two PostgreSQL schemas with the same demo citizens, then fills them with
other citizens' data by COPY (never the ORM):

- small: 100 citizens, 1,000 plan versions, 10,000 audit rows (the baseline);
- large: 100,000 citizens, 1,000,000 plan versions, 10,000,000 audit rows.

In both, the measured citizen (demo Mette) has the same plans and the same 2,000
entries in her access log. The same pages are then requested in-process (the
server's own time, no network): her plan page, her list of plans, the access log's
first page and a page deep in it (keyset: ``before=``). Printed: p50/p95 per page
in each database, and the ratio large/small. Target: every ratio within 1.2.

    .venv/bin/python bench/scale.py [--factor 1.0] [--requests 200] [--rounds 2]
                                    [--postgres URL] [--build-only | --measure-only]

``--factor 0.01`` builds a large schema 1/100 of the size, for a quick try
(about a minute); the full size takes about 10-15 minutes on 2 cores, most of it
COPY and index upkeep for the audit rows.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, Select, column, create_engine, func, select, text
from sqlalchemy import table as table_named

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from citizen_portal import create_app, migrate  # noqa: E402
from citizen_portal.auth.sessions import start_session  # noqa: E402
from citizen_portal.config import load_settings  # noqa: E402
from citizen_portal.db import get_session, utcnow  # noqa: E402
from citizen_portal.demo.data import PERSONAS  # noqa: E402
from citizen_portal.fhir.demo_loader import load_demo_data  # noqa: E402
from citizen_portal.people.models import Person  # noqa: E402
from citizen_portal.people.services import find_by_cpr  # noqa: E402
from citizen_portal.plans.models import Plan  # noqa: E402

DEFAULT_POSTGRES = "postgresql+psycopg://root@127.0.0.1:5432/test"
CPR_KEY = "bench-cpr-key-" + "z" * 32
OWN_LOG_ENTRIES = 2_000
# Demo Mette: two versions of a discharge agreement.
MEASURED = next(p for p in PERSONAS if p.subject == "demo-mette")
CHUNK_ROWS = 50_000


@dataclass(frozen=True)
class Size:
    name: str
    citizens: int
    versions_per_citizen: int
    actions_per_version: int
    audit_rows: int


def _schema_url(server: str, schema: str) -> str:
    separator = "&" if "?" in server else "?"
    return f"{server}{separator}options={quote(f'-csearch_path={schema}')}"


def _copy(engine: Engine, table: str, columns: str, rows: Iterator[str]) -> int:
    """Stream tab-separated lines into ``table`` with COPY, in chunks. The table's
    secondary indexes are dropped first and built again after (the migrations'
    own definitions, read back from pg_indexes): one sort instead of millions of
    random inserts into a B-tree."""
    with engine.begin() as conn:
        definitions = [
            (row.indexname, row.indexdef)
            for row in conn.execute(
                text(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = :t"
                    " AND schemaname = current_schema() AND indexname NOT LIKE 'pk_%'"
                    " AND indexname NOT LIKE 'uq_%'"
                ),
                {"t": table},
            )
        ]
        for name, _definition in definitions:
            conn.execute(text(f'DROP INDEX "{name}"'))
    written = 0
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            buffer = io.StringIO()
            for line in rows:
                buffer.write(line)
                written += 1
                if written % CHUNK_ROWS == 0:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())
        raw.commit()
    finally:
        raw.close()
    with engine.begin() as conn:
        for _name, definition in definitions:
            conn.execute(text(definition))
    return written


def _next_id(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        query: Select[Any] = select(func.coalesce(func.max(column("id")), 0) + 1)
        query = query.select_from(table_named(table))
        return int(conn.execute(query).scalar_one())


def _reset_sequences(engine: Engine, tables: list[str]) -> None:
    with engine.begin() as conn:
        for table in tables:
            highest: Select[Any] = select(func.max(column("id")))
            highest = highest.select_from(table_named(table))
            sequence = func.pg_get_serial_sequence(table, "id")
            conn.execute(select(func.setval(sequence, highest.scalar_subquery())))


def build(server: str, size: Size) -> tuple[str, dict[str, float]]:
    """A fresh schema for ``size``; returns its URL and how long each step took."""
    schema = f"bench_scale_{size.name}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    url = _schema_url(server, schema)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    migrate.upgrade(url)
    app = create_app(_settings(url))
    with app.app_context():
        session = get_session()
        load_demo_data(session, CPR_KEY.encode(), utcnow().date())
        session.commit()
    timings["migrate and demo"] = time.perf_counter() - started

    engine = create_engine(url)
    with engine.connect() as conn:
        organisation = int(conn.execute(text("SELECT min(id) FROM organisations")).scalar_one())
    mette = _measured_person_id(url)
    rng = random.Random(17)

    started = time.perf_counter()
    first_person = _next_id(engine, "people")
    _copy(
        engine,
        "people",
        "id, cpr_hash, given_name, family_name, created_at",
        (
            f"{first_person + i}\t{'s' + format(i, '063x')}\tBorger\tNummer {i}\t"
            "2026-01-01 00:00:00+00\n"
            for i in range(size.citizens)
        ),
    )
    timings["people"] = time.perf_counter() - started

    plans_per_citizen = 2
    versions_per_plan = max(1, size.versions_per_citizen // plans_per_citizen)
    plan_count = size.citizens * plans_per_citizen
    first_plan = _next_id(engine, "plans")
    started = time.perf_counter()
    _copy(
        engine,
        "plans",
        "id, citizen_id, plan_type, identifier_system, identifier_value,"
        " author_organisation_id, created_at",
        (
            f"{first_plan + p}\t{first_person + p // plans_per_citizen}\t"
            f"{'coordination_plan' if p % 2 else 'discharge_agreement'}\t"
            f"urn:bench\tscale-{p}\t{organisation}\t2026-01-01 00:00:00+00\n"
            for p in range(plan_count)
        ),
    )
    first_version = _next_id(engine, "plan_versions")
    _copy(
        engine,
        "plan_versions",
        "id, plan_id, number, issued_at, status, period_start, citizen_participated,"
        " grounds, content_hash, reason",
        (
            f"{first_version + p * versions_per_plan + n}\t{first_plan + p}\t{n + 1}\t"
            f"2026-0{1 + n % 9}-01 00:00:00+00\t"
            f"{'active' if n == versions_per_plan - 1 else 'ended'}\t2026-01-01\tt\t[]\t"
            f"{format(p * versions_per_plan + n, '064x')}\tIndlæggelse nummer {n + 1}\n"
            for p in range(plan_count)
            for n in range(versions_per_plan)
        ),
    )
    version_count = plan_count * versions_per_plan
    first_action = _next_id(engine, "actions")
    _copy(
        engine,
        "actions",
        "id, version_id, position, key, description, citizen_responsible, status",
        (
            f"{first_action + v * size.actions_per_version + a}\t{first_version + v}\t{a}\t"
            f"a{a}\tMøde med kontaktperson om bolig og job\tt\tplanned\n"
            for v in range(version_count)
            for a in range(size.actions_per_version)
        ),
    )
    timings["plans, versions, actions"] = time.perf_counter() - started

    started = time.perf_counter()
    first_event = _next_id(engine, "audit_events")
    last_person = first_person + size.citizens - 1

    def audit_rows() -> Iterator[str]:
        for i in range(size.audit_rows):
            minute = rng.randrange(525_600)
            day, rest = divmod(minute, 1440)
            month, mday = 1 + day // 31 % 12, 1 + day % 28
            yield (
                f"{first_event + i}\t2026-{month:02d}-{mday:02d} "
                f"{rest // 60:02d}:{rest % 60:02d}:00+00\tplan:viewed\tsystem\t"
                f"{rng.randint(first_person, last_person)}\tplan\t{{}}\n"
            )
        for j in range(OWN_LOG_ENTRIES):
            yield (
                f"{first_event + size.audit_rows + j}\t2026-06-01 {j // 60 % 24:02d}:"
                f"{j % 60:02d}:{j // 1440:02d}+00\tplan:viewed\tsystem\t{mette}\tplan\t{{}}\n"
            )

    _copy(
        engine,
        "audit_events",
        "id, occurred_at, tag, actor_kind, subject_person_id, resource_type, details",
        audit_rows(),
    )
    timings["audit rows"] = time.perf_counter() - started
    _reset_sequences(engine, ["people", "plans", "plan_versions", "actions", "audit_events"])
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
    engine.dispose()
    app.extensions["database"].engine.dispose()
    return url, timings


def _settings(url: str) -> Any:
    return load_settings(
        {
            "PORTAL_ENV": "test",
            "PORTAL_BASE_URL": "http://localhost",
            "DATABASE_URL": url,
            "PORTAL_SECRET_KEY": "bench-secret-key-" + "x" * 32,
            "PORTAL_CPR_HASH_KEY": CPR_KEY,
            "OIDC_CLIENT_SECRET": "bench",
            "PORTAL_RATE_LIMITS": "0",
        }
    )


def _measured_person_id(url: str) -> int:
    app = create_app(_settings(url))
    with app.app_context():
        person = find_by_cpr(get_session(), MEASURED.cpr, CPR_KEY.encode())
        assert person is not None, "demo Mette is missing"
        person_id = person.id
    app.extensions["database"].engine.dispose()
    return person_id


def measure(url: str, requests_per_page: int) -> dict[str, list[float]]:
    app = create_app(_settings(url))
    client = app.test_client()
    with app.app_context():
        db = get_session()
        person = find_by_cpr(db, MEASURED.cpr, CPR_KEY.encode())
        assert isinstance(person, Person)
        plan_id = db.scalars(select(Plan.id).where(Plan.citizen_id == person.id)).first()
        user = start_session(person, None, None)
        db.commit()
        deep = db.execute(
            text(
                "SELECT id FROM audit_events WHERE subject_person_id = :p"
                " ORDER BY occurred_at DESC, id DESC OFFSET 1500 LIMIT 1"
            ),
            {"p": person.id},
        ).scalar_one()
    with client.session_transaction() as session:
        session["_user_id"] = user.token
        session["_fresh"] = True
    pages = {
        "plan page": f"/plans/{plan_id}",
        "my plans": "/plans",
        "access log": "/access-log",
        "access log, deep": f"/access-log?before={deep}",
    }
    results: dict[str, list[float]] = {}
    for name, path in pages.items():
        for _ in range(20):  # warm-up: caches, plans, connections
            assert client.get(path).status_code == 200, path
        timings = []
        for _ in range(requests_per_page):
            started = time.perf_counter()
            response = client.get(path)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200, path
        results[name] = timings
    app.extensions["database"].engine.dispose()
    return results


def _percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--factor", type=float, default=1.0, help="size of the large schema")
    parser.add_argument("--requests", type=int, default=200, help="requests per page and round")
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="rounds, the order of the two schemas swapped each round (the first one "
        "measured would otherwise carry the machine's warm-up)",
    )
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--build-only", action="store_true", help="build, do not measure")
    parser.add_argument(
        "--measure-only", action="store_true", help="measure the schemas an earlier run built"
    )
    args = parser.parse_args()
    small = Size("small", 100, 10, 2, 10_000)
    large = Size(
        "large",
        int(100_000 * args.factor),
        10,
        2,
        int(10_000_000 * args.factor),
    )
    built: dict[str, str] = {}
    for size in (small, large):
        if args.measure_only:
            built[size.name] = _schema_url(args.postgres, f"bench_scale_{size.name}")
            continue
        print(
            f"building {size.name}: {size.citizens:,} citizens, "
            f"{size.citizens * size.versions_per_citizen:,} plan versions, "
            f"{size.audit_rows:,} audit rows",
            flush=True,
        )
        url, timings = build(args.postgres, size)
        built[size.name] = url
        for step, seconds in timings.items():
            print(f"  {step}: {seconds:.1f} s", flush=True)
    if args.build_only:
        return
    measured: dict[str, dict[str, list[float]]] = {name: {} for name in built}
    for round_number in range(args.rounds):
        order = list(built) if round_number % 2 == 0 else list(reversed(built))
        for name in order:
            for page, page_timings in measure(built[name], args.requests).items():
                measured[name].setdefault(page, []).extend(page_timings)
    print()
    print(f"{'page':<20}{'small p50':>11}{'p95':>8}{'large p50':>11}{'p95':>8}{'ratio p50':>11}")
    worst = 0.0
    for page in measured["small"]:
        s, big = measured["small"][page], measured["large"][page]
        ratio = statistics.median(big) / statistics.median(s)
        worst = max(worst, ratio)
        print(
            f"{page:<20}{_percentile(s, 50):>9.1f}ms{_percentile(s, 95):>6.1f}ms"
            f"{_percentile(big, 50):>9.1f}ms{_percentile(big, 95):>6.1f}ms{ratio:>10.2f}x"
        )
    verdict = "met" if worst <= 1.2 else "NOT met"
    print(f"\nworst ratio large/small: {worst:.2f} (target within 1.2: {verdict})")


if __name__ == "__main__":
    main()
