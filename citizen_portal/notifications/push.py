"""Web Push: a device's subscription, the person's choices, and the queue of pushes.

The in-app message is the notice; a push only says "You have news in Mine planer"
and links to the messages page, so a lock screen shows no health details. Pushes
are queued per (message, device) and sent outside any request by ``send-notices``
(RFC 8030 delivery, RFC 8291 aes128gcm encryption, RFC 8292 VAPID, by pywebpush):
a gone subscription (404/410) is dropped, a busy push service (5xx, 429, no answer)
is tried again with back-off, and the message stays in the app whatever happens.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import socket
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from flask_babel import force_locale
from pywebpush import WebPushException, webpush
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from citizen_portal.i18n import lazy_gettext as _l
from citizen_portal.notifications.models import (
    Notification,
    PushDelivery,
    PushSetting,
    PushSubscription,
)
from citizen_portal.notifications.rules import Category, category_of, next_attempt, not_before

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
MAX_ENDPOINT = 1000
TIME_TO_LIVE = 24 * 3600  # a push service keeps an undelivered push a day
TIMEOUT_SECONDS = 10


class SubscriptionRefused(ValueError):
    """Not a subscription this server will send to (the reason is for the log)."""


def _host_is_local(host: str) -> bool:
    try:
        return not ipaddress.ip_address(host).is_global
    except ValueError:
        name = host.lower().rstrip(".")
        # A name's last label is letters: "2130706433" or "0x7f.1" would resolve to
        # loopback, though they are no dotted address.
        numeric = not name.rsplit(".", 1)[-1].isalpha()
        return (
            numeric
            or name in LOOPBACK_NAMES
            or name.endswith((".localhost", ".local", ".internal"))
        )


def check_endpoint(endpoint: str, allow_local: bool) -> None:
    """An endpoint is an https URL on the internet; loopback http only for the test
    push service (``allow_local``). Anything else could make the server call into its
    own network (SSRF)."""
    if len(endpoint) > MAX_ENDPOINT:
        raise SubscriptionRefused("endpoint too long")
    parts = urlsplit(endpoint)
    host = parts.hostname or ""
    if not host or parts.username or parts.password:
        raise SubscriptionRefused("endpoint has no host, or has credentials")
    try:
        parts.port  # noqa: B018 (reading it checks it: 1-65535, digits only)
    except ValueError:
        raise SubscriptionRefused("endpoint has an impossible port") from None
    if allow_local and host in LOOPBACK_NAMES and parts.scheme in ("http", "https"):
        return
    if parts.scheme != "https":
        raise SubscriptionRefused("endpoint is not https")
    if _host_is_local(host):
        raise SubscriptionRefused("endpoint is on a private or local network")


def _resolves_to_local(endpoint: str) -> bool:
    """At sending time: a public name that now points into a private network."""
    host = urlsplit(endpoint).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, 443)}
    except OSError:
        return False  # not resolvable now: the send fails and is retried
    return any(not ipaddress.ip_address(str(a).split("%")[0]).is_global for a in addresses)


def _unpadded(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def check_keys(p256dh: str, auth: str) -> None:
    """The browser's P-256 public key (65 bytes, uncompressed) and 16-byte secret."""
    try:
        key, secret = _unpadded(p256dh), _unpadded(auth)
    except (ValueError, binascii.Error):
        raise SubscriptionRefused("keys are not base64url") from None
    if len(key) != 65 or key[0] != 4 or len(secret) != 16:
        raise SubscriptionRefused("keys have the wrong length")


def subscribe(
    session: Session,
    person_id: int,
    user_session_id: int | None,
    endpoint: str,
    keys: tuple[str, str],
    language: str,
    allow_local: bool,
) -> PushSubscription:
    """This device now brings ``person_id`` their notices. A device's endpoint is the
    device's: if someone else signed in on it before, it is theirs no more."""
    check_endpoint(endpoint, allow_local)
    p256dh, auth = keys
    check_keys(p256dh, auth)
    row = session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if row is not None and row.person_id != person_id:
        _drop(session, row)
        row = None
    if row is None:
        row = PushSubscription(person_id=person_id, endpoint=endpoint)
        session.add(row)
    row.p256dh, row.auth, row.language = p256dh, auth, language
    row.user_session_id = user_session_id
    session.flush()
    return row


def unsubscribe(
    session: Session, person_id: int, user_session_id: int | None, endpoint: str | None
) -> int:
    """Signing out on a device: its subscription (by the endpoint its page sends, and
    any made in this sign-in session) goes. Only ever the person's own."""
    rows = session.scalars(
        select(PushSubscription).where(
            PushSubscription.person_id == person_id,
            (PushSubscription.endpoint == (endpoint or ""))
            | (PushSubscription.user_session_id == user_session_id),
        )
    ).all()
    for row in rows:
        _drop(session, row)
    return len(rows)


def _drop(session: Session, row: PushSubscription) -> None:
    session.execute(delete(PushDelivery).where(PushDelivery.subscription_id == row.id))
    session.delete(row)
    session.flush()


def devices(session: Session, person_id: int) -> int:
    return len(
        session.scalars(
            select(PushSubscription.id).where(PushSubscription.person_id == person_id)
        ).all()
    )


def choices(session: Session, person_id: int) -> dict[Category, bool]:
    """Per category: pushed (the default) or only in the app."""
    stored = {
        row.category: row.push
        for row in session.scalars(select(PushSetting).where(PushSetting.person_id == person_id))
    }
    return {category: stored.get(category, True) for category in Category}


def set_choices(session: Session, person_id: int, pushed: set[Category]) -> None:
    rows = {
        row.category: row
        for row in session.scalars(select(PushSetting).where(PushSetting.person_id == person_id))
    }
    for category in Category:
        row = rows.get(category)
        if row is None:
            row = PushSetting(person_id=person_id, category=category.value)
            session.add(row)
        row.push = category in pushed
    session.flush()


def queue(session: Session, now: datetime) -> int:
    """Every message not yet queued goes to each of its person's devices, if the
    person wants its category pushed. Returns how many pushes were queued."""
    queued = 0
    fresh = session.scalars(
        select(Notification).where(Notification.push_queued_at.is_(None)).order_by(Notification.id)
    ).all()
    for notification in fresh:
        notification.push_queued_at = now
        if not choices(session, notification.person_id)[category_of(notification.kind)]:
            continue
        for device in session.scalars(
            select(PushSubscription).where(PushSubscription.person_id == notification.person_id)
        ):
            session.add(
                PushDelivery(
                    notification_id=notification.id,
                    subscription_id=device.id,
                    attempts=0,
                    next_attempt_at=not_before(now),
                )
            )
            queued += 1
    session.flush()
    return queued


@dataclass(frozen=True)
class PushConfig:
    vapid_private_key: str
    vapid_subject: str
    messages_url: str  # where a tap on the notification leads
    allow_local: bool = False


@dataclass
class Report:
    sent: int = 0
    dropped: int = 0  # subscriptions the push service said are gone
    retried: int = 0
    given_up: int = 0
    statuses: list[int | None] = field(default_factory=list)


Sender = Callable[..., Any]


def payload(language: str, url: str) -> bytes:
    """The same few words for every notice: nothing about health, plans or people."""
    with force_locale(language):
        words = {
            "title": str(_l("My plans")),
            "body": str(_l("You have news in My plans.")),
            "url": url,
        }
    return json.dumps(words, ensure_ascii=False).encode()


def _post(device: PushSubscription, config: PushConfig, send: Sender) -> int | None:
    """One push to one device; the push service's status, or None if it did not answer."""
    http = requests.Session()
    http.trust_env = False  # no proxies from the environment
    http.max_redirects = 0  # a push service that redirects is not followed anywhere
    try:
        response = send(
            subscription_info={
                "endpoint": device.endpoint,
                "keys": {"p256dh": device.p256dh, "auth": device.auth},
            },
            data=payload(device.language, config.messages_url),
            vapid_private_key=config.vapid_private_key,
            vapid_claims={"sub": config.vapid_subject},
            content_encoding="aes128gcm",
            ttl=TIME_TO_LIVE,
            timeout=TIMEOUT_SECONDS,
            requests_session=http,
        )
        return int(response.status_code)
    except WebPushException as error:
        return None if error.response is None else int(error.response.status_code)
    except requests.RequestException:
        return None
    finally:
        http.close()


def deliver(session: Session, now: datetime, config: PushConfig, send: Sender = webpush) -> Report:
    """Send what is due: one push per device, however many messages wait for it."""
    report = Report()
    due: dict[int, list[PushDelivery]] = defaultdict(list)
    for row in session.scalars(
        select(PushDelivery)
        .where(PushDelivery.sent_at.is_(None), PushDelivery.next_attempt_at <= now)
        .order_by(PushDelivery.id)
    ):
        due[row.subscription_id].append(row)
    for subscription_id, rows in due.items():
        device = session.get(PushSubscription, subscription_id)
        if device is None:
            continue
        try:
            check_endpoint(device.endpoint, config.allow_local)
            if not config.allow_local and _resolves_to_local(device.endpoint):
                raise SubscriptionRefused("endpoint now resolves into a private network")
        except SubscriptionRefused:
            _drop(session, device)
            report.dropped += 1
            continue
        status = _post(device, config, send)
        report.statuses.append(status)
        _settle(session, device, rows, status, now, report)
    session.flush()
    return report


def _settle(
    session: Session,
    device: PushSubscription,
    rows: list[PushDelivery],
    status: int | None,
    now: datetime,
    report: Report,
) -> None:
    """What the push service's answer means for the device and its waiting pushes."""
    if status is not None and 200 <= status < 300:
        for row in rows:
            row.sent_at, row.last_status, row.next_attempt_at = now, status, None
        report.sent += 1
    elif status in (404, 410):  # the browser unsubscribed, or the app was removed
        _drop(session, device)
        report.dropped += 1
    elif status is None or status >= 500 or status == 429:
        for row in rows:
            row.attempts += 1
            row.last_status = status
            row.next_attempt_at = next_attempt(row.attempts, now)
        if rows[0].next_attempt_at is None:
            report.given_up += 1
        else:
            report.retried += 1
    else:  # refused for good (400, 403, 413): trying again would not help
        for row in rows:
            row.last_status, row.next_attempt_at = status, None
        report.given_up += 1


def public_key(private_key: str) -> str:
    """The VAPID public key the browser subscribes with (applicationServerKey)."""
    number = int.from_bytes(_unpadded(private_key), "big")
    key = ec.derive_private_key(number, ec.SECP256R1()).public_key()
    raw = key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")
