"""Benchmark: a soak at a fixed rate, watching each worker's memory.

gunicorn (2 sync workers) on PostgreSQL with the demo data, signed in as a demo
citizen (harness.py); the plan page, my plans, wishes and the access log are
requested in turn at a fixed rate for 10 minutes (``--seconds`` for a quick run).
Printed: requests, errors (anything but 200), latency p50/p95/p99, and each
worker's resident memory (RSS) after warm-up (the first fifth) and at the end.
Targets (issue 17): 0 errors, memory per worker grows under 10 % after warm-up.

    .venv/bin/python bench/soak.py [--seconds 600] [--rate 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import harness


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default=harness.DEFAULT_POSTGRES)
    parser.add_argument("--schema", default="bench_soak")
    parser.add_argument("--port", type=int, default=5071)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--rate", type=float, default=5, help="requests per second")
    args = parser.parse_args()

    url = harness.fresh_schema(args.postgres, args.schema)
    base = f"http://127.0.0.1:{args.port}"
    citizen = harness.signed_in(url, base)
    paths = [f"/plans/{citizen.plan_ids[0]}", "/plans", "/wishes", "/access-log"]
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()

    def one(path: str) -> None:
        start = time.perf_counter()
        try:
            status, _body = harness.get(base + path, citizen.cookie)
        except OSError:
            status = 0
        elapsed = time.perf_counter() - start
        with lock:
            latencies.append(elapsed)
            if status != 200:
                errors.append(status)

    samples: dict[int, list[tuple[float, int]]] = {}
    try:
        with harness.gunicorn(url, args.port) as server, ThreadPoolExecutor(16) as pool:
            workers = server.worker_pids()
            start = time.monotonic()
            total = int(args.seconds * args.rate)
            next_sample = start
            for i in range(total):
                due = start + i / args.rate
                time.sleep(max(0.0, due - time.monotonic()))
                pool.submit(one, paths[i % len(paths)])
                if time.monotonic() >= next_sample:
                    for pid in workers:
                        samples.setdefault(pid, []).append(
                            (time.monotonic() - start, harness.rss_kib(pid))
                        )
                    next_sample += max(1.0, args.seconds / 100)
            pool.shutdown(wait=True)
            for pid in workers:
                samples[pid].append((time.monotonic() - start, harness.rss_kib(pid)))
            alive = server.worker_pids()
    finally:
        harness.drop_schema(args.postgres, args.schema)
    met = report(args, latencies, errors, samples, workers == alive)
    sys.exit(0 if met else 1)


def report(
    args: argparse.Namespace,
    latencies: list[float],
    errors: list[int],
    samples: dict[int, list[tuple[float, int]]],
    same_workers: bool,
) -> bool:
    q = statistics.quantiles(sorted(latencies), n=100)
    print(
        f"{len(latencies)} requests at {args.rate:g}/s for {args.seconds:g} s; "
        f"errors: {len(errors)} {sorted(set(errors))}; "
        f"p50 {q[49] * 1000:.1f} ms, p95 {q[94] * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms"
    )
    met = not errors and same_workers
    warm_up = args.seconds / 5
    for pid, points in samples.items():
        after_warm_up = next(rss for at, rss in points if at >= warm_up)
        end = points[-1][1]
        growth = (end - after_warm_up) / after_warm_up
        print(
            f"worker {pid}: RSS {points[0][1] / 1024:.1f} MiB at start, "
            f"{after_warm_up / 1024:.1f} MiB after warm-up, {end / 1024:.1f} MiB at the end "
            f"({growth:+.1%})"
        )
        met = met and growth < 0.10
    if not same_workers:
        print("a worker was replaced during the run")
    print("targets (0 errors, RSS growth < 10 % after warm-up):", "met" if met else "NOT met")
    return met


if __name__ == "__main__":
    main()
