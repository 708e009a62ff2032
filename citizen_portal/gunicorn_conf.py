"""gunicorn's settings for the portal, read with ``-c python:citizen_portal.gunicorn_conf``:

    gunicorn -c python:citizen_portal.gunicorn_conf -w 4 'citizen_portal:create_app()'

Anything given on the command line (workers, bind...) still wins.
"""

from __future__ import annotations

import gc
from typing import Any


def post_worker_init(_worker: Any) -> None:
    """The app is built: its routes, translations, glossary and models live as long
    as the worker. Frozen, the garbage collector stops walking those objects on
    every full collection (about 0.4 ms of a 10 ms plan page, measured with
    gc.callbacks; Python's documentation suggests gc.freeze() for servers that
    fork workers). Objects made later are collected as before."""
    gc.freeze()
