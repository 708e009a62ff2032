from __future__ import annotations

import pytest

from citizen_portal.config import ConfigurationError, load_settings
from citizen_portal.devidp.provider import DevIdentityProvider

PRODUCTION = {
    "PORTAL_ENV": "production",
    "PORTAL_BASE_URL": "https://mineplaner.example",
    "PORTAL_SECRET_KEY": "s" * 40,
    "PORTAL_CPR_HASH_KEY": "k" * 40,
    "DATABASE_URL": "postgresql+psycopg://portal@db/portal",
    "OIDC_ISSUER": "https://broker.example",
    "OIDC_CLIENT_ID": "portal",
    "OIDC_CLIENT_SECRET": "secret",
}


def test_production_settings_load_without_the_dev_provider() -> None:
    settings = load_settings(PRODUCTION)
    assert settings.is_production
    assert settings.dev_idp_enabled is False
    assert settings.secure_cookies is True


def test_production_refuses_the_development_provider() -> None:
    with pytest.raises(ConfigurationError, match="development identity provider"):
        load_settings({**PRODUCTION, "PORTAL_DEV_IDP": "1"})


def test_dev_provider_itself_refuses_production_settings() -> None:
    with pytest.raises(ConfigurationError):
        DevIdentityProvider(load_settings(PRODUCTION), personas=[])


@pytest.mark.parametrize("missing", ["PORTAL_SECRET_KEY", "PORTAL_CPR_HASH_KEY", "OIDC_ISSUER"])
def test_production_names_each_missing_secret(missing: str) -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    with pytest.raises(ConfigurationError, match=missing):
        load_settings(env)


def test_production_needs_https() -> None:
    with pytest.raises(ConfigurationError, match="https"):
        load_settings({**PRODUCTION, "PORTAL_BASE_URL": "http://mineplaner.example"})
