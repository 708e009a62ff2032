"""Start the npm package oidc-provider (a certified OpenID provider) on loopback."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.live_server import free_port

PROVIDER_DIR = Path(__file__).resolve().parent.parent / "oidc"
CLIENT_ID = "citizen-portal-test"
CLIENT_SECRET = "test-client-secret-not-used-anywhere-else"


@dataclass(frozen=True)
class RunningProvider:
    issuer: str
    client_id: str
    client_secret: str


@contextmanager
def oidc_provider(portal_base_url: str) -> Iterator[RunningProvider]:
    node = shutil.which("node")
    if node is None or not (PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
        raise RuntimeError(
            "The test OIDC provider is not installed: run the README's test command "
            "(it runs `npm ci` in tests/oidc)."
        )
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "REDIRECT_URI": f"{portal_base_url}/auth/callback",
        "POST_LOGOUT_REDIRECT_URI": f"{portal_base_url}/auth/signed-out",
    }
    process = subprocess.Popen(
        [node, "provider.mjs"],
        cwd=PROVIDER_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 20
        line = ""
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if line.startswith("READY") or process.poll() is not None:
                break
        if not line.startswith("READY"):
            raise RuntimeError("oidc-provider did not start")
        yield RunningProvider(line.split()[1], CLIENT_ID, CLIENT_SECRET)
    finally:
        process.terminate()
        process.wait(timeout=10)
