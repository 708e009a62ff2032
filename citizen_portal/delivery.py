"""How responses travel: compressed, and static files named by their content.

- HTML, CSS and JavaScript are sent gzip-compressed to browsers that accept
  it (Python's own gzip; no extra dependency).
- ``url_for('static', ...)`` adds ``?v=<content hash>``; a request carrying the
  current hash is cached for a year (``immutable``): a deploy changes the hash,
  so browsers fetch the new file at once.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, Response, request

# Pages and the shell; the partner API's JSON is left as it is (small, and its
# clients need not speak gzip).
COMPRESSIBLE = {"text/html", "text/css", "text/javascript", "application/javascript"}
MIN_SIZE = 500  # bytes: smaller answers gain nothing
YEAR = 31_536_000


class StaticHashes:
    """Content hashes of static files; with ``recheck`` (under ``flask run --debug``)
    recomputed when a file changes, else computed once per process (a deployment
    starts new processes)."""

    def __init__(self, folder: str, recheck: Callable[[], bool] = lambda: True) -> None:
        self.folder = Path(folder)
        self.recheck = recheck
        self._known: dict[str, tuple[float, str]] = {}

    def of(self, filename: str) -> str | None:
        known = self._known.get(filename)
        if known is not None and not self.recheck():
            return known[1]
        path = (self.folder / filename).resolve()
        if not path.is_relative_to(self.folder.resolve()) or not path.is_file():
            return None
        changed = path.stat().st_mtime
        if known is None or known[0] != changed:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            known = self._known[filename] = (changed, digest)
        return known[1]


def _compress(response: Response) -> Response:
    if (
        response.status_code != 200
        or response.mimetype not in COMPRESSIBLE
        or "Content-Encoding" in response.headers
        or request.accept_encodings.quality("gzip") <= 0
    ):
        return response
    if response.is_streamed and not response.direct_passthrough:
        return response  # a generator: leave it as it flows
    response.direct_passthrough = False
    data = response.get_data()
    if len(data) < MIN_SIZE:
        return response
    response.set_data(gzip.compress(data, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(f"{etag}-gzip", weak=bool(weak))
    return response


def init_delivery(app: Flask) -> None:
    hashes = StaticHashes(app.static_folder or "static", recheck=lambda: app.debug)

    @app.url_defaults
    def _hashed_static(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            digest = hashes.of(values["filename"])
            if digest:
                values["v"] = digest

    @app.after_request
    def _deliver(response: Response) -> Response:
        if request.endpoint == "static" and response.status_code in (200, 304):
            filename = (request.view_args or {}).get("filename", "")
            if request.args.get("v") and request.args.get("v") == hashes.of(filename):
                response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        return _compress(response)
