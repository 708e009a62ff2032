from __future__ import annotations

from pathlib import Path

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
    "PORTAL_EMERGENCY_LINES": '{"sjaelland": {"name": "Akuttelefon", "phone": "+45 00 00 00 00"}}',
    "PORTAL_VAPID_PRIVATE_KEY": "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE",  # 32 bytes of 0x01
    "PORTAL_VAPID_SUBJECT": "mailto:drift@mineplaner.example",
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


@pytest.mark.parametrize(
    "missing",
    [
        "PORTAL_SECRET_KEY",
        "PORTAL_CPR_HASH_KEY",
        "OIDC_ISSUER",
        "PORTAL_VAPID_PRIVATE_KEY",
        "PORTAL_VAPID_SUBJECT",
    ],
)
def test_production_names_each_missing_secret(missing: str) -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    with pytest.raises(ConfigurationError, match=missing):
        load_settings(env)


def test_production_needs_https() -> None:
    with pytest.raises(ConfigurationError, match="https"):
        load_settings({**PRODUCTION, "PORTAL_BASE_URL": "http://mineplaner.example"})


# Each unsafe production setting is refused, naming the variable to set.
UNSAFE = [
    ({"PORTAL_SECRET_KEY": "x"}, "PORTAL_SECRET_KEY"),  # one character
    ({"PORTAL_CPR_HASH_KEY": "k" * 31}, "PORTAL_CPR_HASH_KEY"),
    ({"PORTAL_CPR_HASH_KEY": "s" * 40}, "PORTAL_CPR_HASH_KEY"),  # the same as the secret key
    ({"OIDC_ISSUER": "http://broker.example"}, "OIDC_ISSUER"),
    ({"PORTAL_VAPID_PRIVATE_KEY": "not-a-key"}, "PORTAL_VAPID_PRIVATE_KEY"),
    ({"PORTAL_VAPID_PRIVATE_KEY": "A" * 43}, "PORTAL_VAPID_PRIVATE_KEY"),  # zero: no key
    ({"PORTAL_VAPID_SUBJECT": "drift@mineplaner.example"}, "PORTAL_VAPID_SUBJECT"),
    ({"PORTAL_PUSH_ALLOW_LOCAL": "1"}, "PORTAL_PUSH_ALLOW_LOCAL"),
    ({"DATABASE_URL": "sqlite:////var/lib/portal.db"}, "DATABASE_URL"),
    ({"PORTAL_SESSION_IDLE_MINUTES": "0"}, "PORTAL_SESSION_IDLE_MINUTES"),
    ({"PORTAL_SESSION_IDLE_MINUTES": "61"}, "PORTAL_SESSION_IDLE_MINUTES"),
    ({"PORTAL_SESSION_IDLE_MINUTES": "4"}, "PORTAL_SESSION_IDLE_MINUTES"),
    ({"PORTAL_SESSION_ABSOLUTE_HOURS": "13"}, "PORTAL_SESSION_ABSOLUTE_HOURS"),
    ({"PORTAL_SESSION_ABSOLUTE_HOURS": "0"}, "PORTAL_SESSION_ABSOLUTE_HOURS"),
]


@pytest.mark.parametrize(("change", "variable"), UNSAFE)
def test_production_refuses_unsafe_settings_and_names_them(
    change: dict[str, str], variable: str
) -> None:
    with pytest.raises(ConfigurationError, match=variable):
        load_settings({**PRODUCTION, **change})


@pytest.mark.parametrize(
    "setting", ["PORTAL_SESSION_IDLE_MINUTES", "PORTAL_SESSION_ABSOLUTE_HOURS"]
)
def test_a_timeout_that_is_not_a_number_is_named(setting: str, tmp_path: Path) -> None:
    for environment in (PRODUCTION, {"PORTAL_INSTANCE_PATH": str(tmp_path)}):
        with pytest.raises(ConfigurationError, match=setting):
            load_settings({**environment, setting: "fifteen"})


def test_the_bounds_themselves_are_allowed() -> None:
    settings = load_settings(
        {**PRODUCTION, "PORTAL_SESSION_IDLE_MINUTES": "60", "PORTAL_SESSION_ABSOLUTE_HOURS": "12"}
    )
    assert (settings.session_idle_minutes, settings.session_absolute_hours) == (60, 12)


def test_the_development_provider_runs_only_on_a_loopback_address(tmp_path: Path) -> None:
    here = {"PORTAL_INSTANCE_PATH": str(tmp_path)}
    for base in ("http://localhost:5000", "http://127.0.0.1:5055", "http://[::1]:5000"):
        assert load_settings({**here, "PORTAL_BASE_URL": base}).dev_idp_enabled
    with pytest.raises(ConfigurationError, match="PORTAL_BASE_URL"):
        load_settings({**here, "PORTAL_BASE_URL": "http://portal.example"})
    # Without the provider, a development server may have any address.
    env = {**here, "PORTAL_BASE_URL": "http://portal.example", "PORTAL_DEV_IDP": "0"}
    assert not load_settings(env).dev_idp_enabled


def test_production_refuses_to_start_without_an_emergency_line() -> None:
    without = {k: v for k, v in PRODUCTION.items() if k != "PORTAL_EMERGENCY_LINES"}
    with pytest.raises(ConfigurationError, match="PORTAL_EMERGENCY_LINES"):
        load_settings(without)


@pytest.mark.parametrize(
    "value",
    [
        "not json",
        "[]",
        '{"r": {"name": "x"}}',
        '{"r": {"name": "x", "phone": "none"}}',
        '{"r": {"name": "x", "phone": "1", "organisations": "sor:"}}',
    ],
)
def test_an_emergency_line_that_cannot_be_read_is_named(value: str) -> None:
    with pytest.raises(ConfigurationError, match="PORTAL_EMERGENCY_LINES must be JSON"):
        load_settings({**PRODUCTION, "PORTAL_EMERGENCY_LINES": value})


def test_emergency_lines_are_read_per_region_and_development_shows_a_demo_line(
    tmp_path: Path,
) -> None:
    lines = load_settings(
        {
            **PRODUCTION,
            "PORTAL_EMERGENCY_LINES": '{"sjaelland": {"name": "A", "phone": "+45 1", '
            '"organisations": ["sor:psyk"]}, "hovedstaden": {"name": "B", "phone": "+45 2"}}',
        }
    ).emergency_lines
    assert [(line.region, line.name, line.phone) for line in lines] == [
        ("sjaelland", "A", "+45 1"),
        ("hovedstaden", "B", "+45 2"),
    ]
    assert lines[0].serves("urn:sor|sor:psyk-roskilde")
    assert not lines[1].serves("sor:psyk")
    development = load_settings({"PORTAL_INSTANCE_PATH": str(tmp_path)}).emergency_lines
    assert all("DEMO" in line.name for line in development)
