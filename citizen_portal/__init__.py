"""Citizen portal for cross-sector psychiatric plans.

``create_app`` lives in ``citizen_portal.app``; it is named here so that
``flask --app citizen_portal`` and ``gunicorn 'citizen_portal:create_app()'`` find it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from citizen_portal.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # Looked up only when asked for: importing any module of the package (an
    # import worker, a migration) must not import the whole web app with it.
    if name == "create_app":
        from citizen_portal.app import create_app

        return create_app
    raise AttributeError(f"module 'citizen_portal' has no attribute {name!r}")
