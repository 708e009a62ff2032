"""Text typed into a form that was sent after the session had ended.

Nothing a person wrote is lost to a timeout: the fields are sealed with AES-GCM
(a key derived from the app's secret key, the person and the page bound in as
associated data) and kept for ``DRAFT_LIFETIME``. Only the person whose session
wrote them gets them back, once, on the page the form is on, after signing in
again; anyone else signing in on the same browser finds nothing.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from citizen_portal.auth.models import FormDraft

DRAFT_LIFETIME = timedelta(minutes=30)
# The signed session cookie's key: until when drafts kept for this person may wait.
DRAFTS_WAITING = "drafts_waiting"
MAX_FIELD = 10_000  # characters kept per field; forms allow at most 4,000
NONCE = 12
SUBJECT = "for_subject"  # the form field naming whom the form was written for


def _key(secret: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"citizen-portal form drafts"
    ).derive(secret.encode())


def _bound(person_id: int, page: str) -> bytes:
    return f"{person_id}\n{page}".encode()


def keep(
    db: Session, secret: str, person_id: int, page: str, fields: dict[str, str], now: datetime
) -> None:
    """Seal ``fields`` for ``person_id`` on ``page`` (replacing an older draft there)."""
    db.execute(delete(FormDraft).where(FormDraft.expires_at <= now))
    db.execute(delete(FormDraft).where(FormDraft.person_id == person_id, FormDraft.page == page))
    nonce = os.urandom(NONCE)
    plain = json.dumps({k: v[:MAX_FIELD] for k, v in fields.items()}).encode()
    sealed = nonce + AESGCM(_key(secret)).encrypt(nonce, plain, _bound(person_id, page))
    db.add(
        FormDraft(person_id=person_id, page=page, sealed=sealed, expires_at=now + DRAFT_LIFETIME)
    )


def take(
    db: Session, secret: str, person_id: int, page: str, subject: str, now: datetime
) -> dict[str, str]:
    """The person's draft for ``page``, once (it is then deleted); empty if none or
    expired. A draft written for another subject (``for_subject``: a representative
    acting for someone) stays until they act for that person again, or it expires."""
    draft = db.scalar(
        select(FormDraft).where(FormDraft.person_id == person_id, FormDraft.page == page)
    )
    if draft is None:
        return {}
    if draft.expires_at <= now:
        db.delete(draft)
        return {}
    nonce, body = draft.sealed[:NONCE], draft.sealed[NONCE:]
    fields: dict[str, str] = json.loads(
        AESGCM(_key(secret)).decrypt(nonce, body, _bound(person_id, page))
    )
    if fields.pop(SUBJECT, subject) != subject:
        return {}
    db.delete(draft)
    return fields


def waiting(db: Session, person_id: int, now: datetime) -> datetime | None:
    """When the last of ``person_id``'s kept drafts expires; None if none is kept."""
    latest: datetime | None = db.scalar(
        select(func.max(FormDraft.expires_at)).where(
            FormDraft.person_id == person_id, FormDraft.expires_at > now
        )
    )
    return latest
