"""Benchmark: the citizen's pages under load, next to a bare Flask endpoint.

Starts gunicorn (2 sync workers) on PostgreSQL with the demo data in a schema of
its own, signs in as a demo citizen (a server-side session and its signed
cookie; see harness.py), and runs Debian's `wrk` against each page at 16 and 64
connections: requests per second, p50/p95/p99 latency, errors (socket errors
and any answer but 200), and the ratio of each page's throughput to the bare
endpoint's (`/healthz`: no database, no template) measured in the same run.

Targets (issue 17): the plan page reaches at least 0.08 of the bare endpoint's
throughput, p95 under 50 ms at 16 connections, 0 errors.

    .venv/bin/python bench/pages.py [--duration 10] [--connections 16 64]
                                    [--postgres URL] [--port 5068] [--rounds 1]
                                    [--warmup 5]

Before the first round, each page is loaded for --warmup seconds and not
counted: each worker fills its kept versions, functions and renderings, and
PostgreSQL finishes analysing the freshly loaded demo data, as in a portal that
has been up for a while. Each round measures the bare endpoint again, so each
ratio compares runs made minutes apart at most (this machine's speed drifts by
a tenth or more).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import harness

WRK_SCRIPT = """
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  not_ok = 0
  wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
end
function response(status, headers, body)
  if status ~= 200 then not_ok = not_ok + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + thread:get("not_ok") end
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %.0f %.0f %.0f\\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, bad,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


@dataclass(frozen=True)
class Result:
    page: str
    connections: int
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int


def run_wrk(
    url: str, cookie: str, connections: int, seconds: int, script: Path, page: str
) -> Result:
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk is missing: apt-get install -y wrk (or make bench)")
    output = subprocess.run(  # noqa: S603 (wrk with our own arguments, loopback only)
        [
            wrk,
            "--threads",
            "1",
            "--connections",
            str(connections),
            "--duration",
            f"{seconds}s",
            "--timeout",
            "10s",
            "--script",
            str(script),
            url,
        ],
        env={**os.environ, "BENCH_COOKIE": cookie},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(x for x in output.splitlines() if x.startswith("RESULT "))
    requests, micros, socket_errors, not_ok, p50, p95, p99 = (
        int(float(x)) for x in line.split()[1:]
    )
    return Result(
        page,
        connections,
        requests / (micros / 1e6),
        p50 / 1000,
        p95 / 1000,
        p99 / 1000,
        socket_errors + not_ok,
    )


def pages_of(citizen: harness.Citizen) -> dict[str, str]:
    # Mette's discharge agreement: two versions, actions, appointments (the demo).
    return {
        "bare /healthz": "/healthz",
        "plan page": f"/plans/{citizen.plan_ids[0]}",
        "my plans": "/plans",
        "wishes": "/wishes",
        "access log": "/access-log",
    }


def report(results: list[Result]) -> bool:
    print(
        f"{'page':<14} {'conns':>5} {'req/s':>8} {'p50':>8} {'p95':>8} {'p99':>8} "
        f"{'errors':>6} {'vs bare':>8}"
    )
    bare = {r.connections: r.requests_per_second for r in results if r.page.startswith("bare")}
    met = True
    for r in results:
        ratio = r.requests_per_second / bare[r.connections]
        print(
            f"{r.page:<14} {r.connections:>5} {r.requests_per_second:>8.0f} "
            f"{r.p50_ms:>6.1f}ms {r.p95_ms:>6.1f}ms {r.p99_ms:>6.1f}ms {r.errors:>6} "
            f"{ratio:>8.3f}"
        )
        met = met and r.errors == 0
        if r.page == "plan page" and r.connections == 16:
            met = met and ratio >= 0.08 and r.p95_ms < 50
    print(
        "target (plan page >= 0.08 of bare, p95 < 50 ms at 16, 0 errors):",
        "met" if met else "NOT met",
    )
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default=harness.DEFAULT_POSTGRES)
    parser.add_argument("--schema", default="bench_pages")
    parser.add_argument("--port", type=int, default=5068)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page and load")
    parser.add_argument("--connections", type=int, nargs="+", default=[16, 64])
    parser.add_argument(
        "--pages", nargs="+", help="only these pages (e.g. 'plan page'); the bare one always"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measure everything this many times (each round its own bare run and ratios)",
    )
    parser.add_argument(
        "--warmup", type=int, default=5, help="seconds of uncounted load per page first"
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    url = harness.fresh_schema(args.postgres, args.schema)
    base = f"http://127.0.0.1:{args.port}"
    citizen = harness.signed_in(url, base)
    rounds: list[list[Result]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp, harness.gunicorn(url, args.port, args.workers):
            script = Path(tmp) / "pages.lua"
            script.write_text(WRK_SCRIPT)
            pages = {
                page: path
                for page, path in pages_of(citizen).items()
                if not args.pages or page in args.pages or page.startswith("bare")
            }
            for path in pages.values():
                status, _body = harness.get(base + path, citizen.cookie)
                assert status == 200, f"{path} answered {status} before the run"
                harness.get(base + path, citizen.cookie)  # a first visit marks it seen
            if args.warmup > 0:
                for page, path in pages.items():
                    connections = max(args.connections)
                    run_wrk(base + path, citizen.cookie, connections, args.warmup, script, page)
            for _round in range(args.rounds):
                results = []
                for connections in args.connections:
                    for page, path in pages.items():
                        results.append(
                            run_wrk(
                                base + path,
                                citizen.cookie,
                                connections,
                                args.duration,
                                script,
                                page,
                            )
                        )
                rounds.append(results)
    finally:
        harness.drop_schema(args.postgres, args.schema)
    for number, results in enumerate(rounds, start=1):
        if len(rounds) > 1:
            print(f"round {number} of {len(rounds)}")
        report(results)
    if args.json:
        args.json.write_text(
            json.dumps([[asdict(r) for r in results] for results in rounds], indent=2)
        )


if __name__ == "__main__":
    main()
