"""Configuration from environment variables.

Everything that differs between a laptop and production is read here, once,
into a frozen object; the rest of the code never reads ``os.environ``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class ConfigurationError(RuntimeError):
    """The environment asks for something unsafe or incomplete."""


DEFAULT_INSTANCE = Path.cwd() / "instance"


@dataclass(frozen=True)
class EmergencyLine:
    """A region's 24/7 psychiatric emergency line, and the organisations whose
    citizens it serves: prefixes of their identifier's value (e.g. a SOR code) or
    of the whole "system|value"."""

    region: str
    name: str
    phone: str
    organisations: tuple[str, ...] = ()

    def serves(self, organisation_identifier: str) -> bool:
        value = organisation_identifier.split("|", 1)[-1]
        return any(
            organisation_identifier.startswith(prefix) or value.startswith(prefix)
            for prefix in self.organisations
        )


# Development and tests only: clearly not a real number (Danish numbers never start with 00).
DEMO_EMERGENCY_LINES = (
    EmergencyLine(
        region="demo",
        name="DEMO: Psykiatriens akuttelefon (ikke et rigtigt nummer)",
        phone="+45 00 00 00 00",
        organisations=("sor:", "kommune:", "yder:"),
    ),
)


@dataclass(frozen=True)
class Settings:
    environment: Environment
    base_url: str
    database_url: str
    secret_key: str
    cpr_hash_key: bytes
    oidc_issuer: str
    oidc_client_id: str
    oidc_client_secret: str
    oidc_scopes: str = "openid profile"
    # The claim that carries the person's CPR number. The Danish national
    # broker (MitID Erhverv/Nets) uses "dk:gov:saml:attribute:CprNumberIdentifier".
    oidc_person_claim: str = "cpr"
    oidc_required_acr: str | None = None
    oidc_allowed_algorithms: tuple[str, ...] = ("RS256", "PS256", "ES256")
    dev_idp_enabled: bool = False
    session_idle_minutes: int = 15
    # Tests only (refused in production): an idle timeout in seconds instead.
    session_idle_seconds: int | None = None
    session_absolute_hours: int = 8
    languages: tuple[str, ...] = ("da", "en", "ar")
    # The regions' 24/7 psychiatric emergency lines (PORTAL_EMERGENCY_LINES); shown on
    # the help page, the offline page, the crisis card and the wishes' crisis box.
    emergency_lines: tuple[EmergencyLine, ...] = ()
    # Where people report accessibility problems and give feedback (the statement).
    feedback_email: str | None = None
    # Partner API rate limits, each per client and per source address
    # (Flask-Limiter notation, e.g. "20 per minute"; several with ";").
    rate_limits_enabled: bool = True
    rate_limit_token: str = "20 per minute"  # noqa: S105 (a rate, not a secret)
    rate_limit_api: str = "600 per minute"
    # Shared limiter storage for several workers; None: each process in memory.
    redis_url: str | None = None
    # Web Push (VAPID, RFC 8292): the application server's P-256 private key as
    # base64url of its 32 bytes, and whom push services may contact about it.
    vapid_private_key: str = ""
    vapid_subject: str = ""
    # Push endpoints on this machine or a private network: only for the test push
    # service on loopback (refused in production: a subscription must not make the
    # server call into its own network).
    push_allow_local: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def session_idle(self) -> timedelta:
        if self.session_idle_seconds:
            return timedelta(seconds=self.session_idle_seconds)
        return timedelta(minutes=self.session_idle_minutes)

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.PRODUCTION

    @property
    def secure_cookies(self) -> bool:
        # Plain http is only tolerated on a developer's own machine or in tests.
        return self.base_url.startswith("https://")


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _dev_secret(instance: Path, name: str) -> str:
    """A per-checkout random secret, kept so sessions survive a restart."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _dev_vapid_key(instance: Path) -> str:
    """A per-checkout VAPID key, kept so the browsers' subscriptions survive a restart."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "vapid_private_key"
    if not path.exists():
        number = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
        raw = number.to_bytes(32, "big")
        path.write_text(base64.urlsafe_b64encode(raw).decode().rstrip("="))
        path.chmod(0o600)
    return path.read_text().strip()


def _check_vapid(key: str, subject: str) -> None:
    try:
        raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
        if len(raw) != 32:
            raise ValueError
        ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    except (ValueError, binascii.Error):
        raise ConfigurationError(
            "PORTAL_VAPID_PRIVATE_KEY must be a P-256 private key as base64url of its "
            "32 bytes, e.g. from `vapid --gen` (py-vapid) or `npx web-push generate-vapid-keys`."
        ) from None
    if not subject.startswith(("mailto:", "https://")):
        raise ConfigurationError(
            "PORTAL_VAPID_SUBJECT must be a mailto: or https: address that push services "
            "can contact, e.g. mailto:drift@region.dk."
        )


# Production's bounds (OWASP ASVS 3.3): keys long enough not to be guessed, and
# sessions that end while the person is likely still near the phone.
MIN_KEY_BYTES = 32
IDLE_MINUTES = range(5, 61)
ABSOLUTE_HOURS = range(1, 13)
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


def _whole_number(env: dict[str, str], name: str, default: int) -> int:
    value = env.get(name, str(default)).strip()
    if not value.isascii() or not value.isdigit():
        raise ConfigurationError(f"{name} must be a whole number, e.g. {name}={default}.")
    return int(value)


def _is_loopback(url: str) -> bool:
    return urlsplit(url).hostname in LOOPBACK_HOSTS


def _emergency_lines(env: dict[str, str], environment: Environment) -> tuple[EmergencyLine, ...]:
    """PORTAL_EMERGENCY_LINES as JSON: {"<region>": {"name": ..., "phone": ...,
    "organisations": ["<identifier prefix>", ...]}}; or PORTAL_CRISIS_LINE "name|phone"."""
    raw = env.get("PORTAL_EMERGENCY_LINES", "").strip()
    example = (
        'e.g. PORTAL_EMERGENCY_LINES=\'{"sjaelland": {"name": "Psykiatriens akuttelefon", '
        '"phone": "+45 ...", "organisations": ["sor:psyk-roskilde"]}}\''
    )
    lines: list[EmergencyLine] = []
    if raw:
        try:
            data = json.loads(raw)
            if not isinstance(data, dict):
                raise ValueError
            for region, line in data.items():
                organisations = line.get("organisations", [])
                if not (
                    isinstance(line.get("name"), str)
                    and isinstance(line.get("phone"), str)
                    and line["name"].strip()
                    and any(c.isdigit() for c in line["phone"])
                    and isinstance(organisations, list)
                    and all(isinstance(o, str) and o for o in organisations)
                ):
                    raise ValueError
                lines.append(
                    EmergencyLine(
                        str(region),
                        line["name"].strip(),
                        line["phone"].strip(),
                        tuple(organisations),
                    )
                )
        except (ValueError, AttributeError) as error:
            raise ConfigurationError(
                f"PORTAL_EMERGENCY_LINES must be JSON naming each region's line, {example}."
            ) from error
    legacy = env.get("PORTAL_CRISIS_LINE", "").strip()
    if legacy and "|" in legacy:
        name, phone = (part.strip() for part in legacy.split("|", 1))
        if name and phone:
            lines.append(EmergencyLine("default", name, phone))
    if not lines and environment is Environment.PRODUCTION:
        raise ConfigurationError(
            "Production needs the region's 24/7 psychiatric emergency line: set "
            f"PORTAL_EMERGENCY_LINES, {example}."
        )
    if not lines:
        return DEMO_EMERGENCY_LINES
    return tuple(lines)


def _refuse_unsafe_production(env: dict[str, str]) -> None:
    """Refuse what would run, but unsafely; each refusal says what to set."""
    secret_key = env["PORTAL_SECRET_KEY"].encode()
    cpr_key = env["PORTAL_CPR_HASH_KEY"].encode()
    for name, key in (("PORTAL_SECRET_KEY", secret_key), ("PORTAL_CPR_HASH_KEY", cpr_key)):
        if len(key) < MIN_KEY_BYTES:
            raise ConfigurationError(
                f"{name} must be at least {MIN_KEY_BYTES} bytes: set it to a random value, "
                "e.g. from `python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
            )
    if hmac.compare_digest(secret_key, cpr_key):
        raise ConfigurationError(
            "PORTAL_CPR_HASH_KEY must differ from PORTAL_SECRET_KEY: one leaked key must not "
            "reveal both the sessions and the CPR numbers."
        )
    if not env["OIDC_ISSUER"].startswith("https://"):
        raise ConfigurationError("OIDC_ISSUER must use https in production.")
    if not env["DATABASE_URL"].startswith("postgresql"):
        raise ConfigurationError(
            "DATABASE_URL must name a PostgreSQL database in production "
            "(postgresql+psycopg://user@host/db): SQLite serves one machine only."
        )
    idle = _whole_number(env, "PORTAL_SESSION_IDLE_MINUTES", 15)
    if idle not in IDLE_MINUTES:
        raise ConfigurationError(
            f"PORTAL_SESSION_IDLE_MINUTES must be from {IDLE_MINUTES.start} to "
            f"{IDLE_MINUTES.stop - 1} in production."
        )
    if env.get("PORTAL_SESSION_IDLE_SECONDS"):
        raise ConfigurationError("PORTAL_SESSION_IDLE_SECONDS is for tests, not production.")
    absolute = _whole_number(env, "PORTAL_SESSION_ABSOLUTE_HOURS", 8)
    if absolute not in ABSOLUTE_HOURS:
        raise ConfigurationError(
            f"PORTAL_SESSION_ABSOLUTE_HOURS must be from {ABSOLUTE_HOURS.start} to "
            f"{ABSOLUTE_HOURS.stop - 1} in production."
        )


def load_settings(env: dict[str, str] | None = None, **overrides: object) -> Settings:
    env = dict(os.environ if env is None else env)
    environment = Environment(env.get("PORTAL_ENV", "development"))
    instance = Path(env.get("PORTAL_INSTANCE_PATH", str(DEFAULT_INSTANCE)))
    base_url = env.get("PORTAL_BASE_URL", "http://localhost:5000").rstrip("/")
    dev_idp = environment is not Environment.PRODUCTION and _flag(env.get("PORTAL_DEV_IDP", "1"))

    if environment is Environment.PRODUCTION:
        missing = [
            name
            for name in (
                "PORTAL_SECRET_KEY",
                "PORTAL_CPR_HASH_KEY",
                "DATABASE_URL",
                "OIDC_ISSUER",
                "OIDC_CLIENT_ID",
                "OIDC_CLIENT_SECRET",
                "PORTAL_VAPID_PRIVATE_KEY",
                "PORTAL_VAPID_SUBJECT",
            )
            if not env.get(name)
        ]
        if missing:
            raise ConfigurationError(
                "Production needs these environment variables: " + ", ".join(missing)
            )
        if _flag(env.get("PORTAL_DEV_IDP")):
            raise ConfigurationError("The development identity provider cannot run in production.")
        if not base_url.startswith("https://"):
            raise ConfigurationError("PORTAL_BASE_URL must use https in production.")
        _refuse_unsafe_production(env)
        _check_vapid(env["PORTAL_VAPID_PRIVATE_KEY"], env["PORTAL_VAPID_SUBJECT"])
        if _flag(env.get("PORTAL_PUSH_ALLOW_LOCAL")):
            raise ConfigurationError(
                "PORTAL_PUSH_ALLOW_LOCAL is for the test push service only, never production."
            )
    elif environment is Environment.DEVELOPMENT and dev_idp and not _is_loopback(base_url):
        # Anyone who reaches the development provider signs in as anyone.
        raise ConfigurationError(
            "The development identity provider only runs on this machine: set PORTAL_BASE_URL "
            "to http://localhost or http://127.0.0.1, or set PORTAL_DEV_IDP=0."
        )

    def secret(name: str) -> str:
        if env.get(name):
            return env[name]
        return _dev_secret(instance, name.lower())

    default_db = f"sqlite:///{instance / 'portal.db'}"
    values: dict[str, object] = {
        "environment": environment,
        "base_url": base_url,
        "database_url": env.get("DATABASE_URL", default_db),
        "secret_key": secret("PORTAL_SECRET_KEY"),
        "cpr_hash_key": secret("PORTAL_CPR_HASH_KEY").encode(),
        "oidc_issuer": env.get("OIDC_ISSUER", f"{base_url}/dev-idp").rstrip("/"),
        "oidc_client_id": env.get("OIDC_CLIENT_ID", "citizen-portal-dev"),
        "oidc_client_secret": env.get("OIDC_CLIENT_SECRET") or secret("DEV_IDP_CLIENT_SECRET"),
        "oidc_scopes": env.get("OIDC_SCOPES", "openid profile"),
        "oidc_person_claim": env.get("OIDC_PERSON_CLAIM", "cpr"),
        "oidc_required_acr": env.get("OIDC_REQUIRED_ACR") or None,
        "dev_idp_enabled": dev_idp,
        "session_idle_minutes": _whole_number(env, "PORTAL_SESSION_IDLE_MINUTES", 15),
        "session_idle_seconds": _whole_number(env, "PORTAL_SESSION_IDLE_SECONDS", 0) or None,
        "session_absolute_hours": _whole_number(env, "PORTAL_SESSION_ABSOLUTE_HOURS", 8),
        "emergency_lines": _emergency_lines(env, environment),
        "feedback_email": env.get("PORTAL_FEEDBACK_EMAIL") or None,
        "rate_limits_enabled": _flag(env.get("PORTAL_RATE_LIMITS", "1")),
        "rate_limit_token": env.get("PORTAL_RATE_LIMIT_TOKEN") or "20 per minute",
        "rate_limit_api": env.get("PORTAL_RATE_LIMIT_API") or "600 per minute",
        "redis_url": env.get("REDIS_URL") or None,
        "vapid_private_key": env.get("PORTAL_VAPID_PRIVATE_KEY") or _dev_vapid_key(instance),
        "vapid_subject": env.get("PORTAL_VAPID_SUBJECT") or "mailto:dev@localhost.invalid",
        "push_allow_local": environment is not Environment.PRODUCTION
        and _flag(env.get("PORTAL_PUSH_ALLOW_LOCAL")),
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]
