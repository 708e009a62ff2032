"""Citizen portal for cross-sector psychiatric plans.

``create_app`` lives in ``citizen_portal.app``; it is named here so that
``flask --app citizen_portal`` and ``gunicorn 'citizen_portal:create_app()'`` find it.
"""

from citizen_portal.app import create_app

__all__ = ["create_app"]
