"""Finding people by CPR number without ever keeping the number itself."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal.people.models import Person
from citizen_portal.text import map_strings

# ASCII digits only: "\d" also matches Arabic-Indic and fullwidth digits, which would
# hash to another person than the same number typed in ASCII.
_CPR = re.compile(r"^[0-9]{6}-?[0-9]{4}$")


class InvalidCpr(ValueError):
    """Not ten digits (with an optional dash after the sixth)."""


def normalise_cpr(cpr: str) -> str:
    cpr = cpr.strip()
    if not _CPR.match(cpr):
        raise InvalidCpr("A CPR number has ten digits")
    return cpr.replace("-", "")


def hash_cpr(cpr: str, key: bytes) -> str:
    """Keyed hash (HMAC-SHA256): without the key, a hash cannot be reversed by
    trying all ~10^10 CPR numbers, which a plain hash could."""
    return hmac.new(key, normalise_cpr(cpr).encode(), hashlib.sha256).hexdigest()


def birth_date_from_cpr(cpr: str) -> date | None:
    """The date part of a CPR number, with the century from the 7th digit."""
    digits = normalise_cpr(cpr)
    day, month, year2, seventh = (
        int(digits[0:2]),
        int(digits[2:4]),
        int(digits[4:6]),
        int(digits[6]),
    )
    if seventh <= 3:
        century = 1900
    elif seventh in (4, 9):
        century = 2000 if year2 <= 36 else 1900
    else:
        century = 2000 if year2 <= 57 else 1800
    try:
        return date(century + year2, month, day)
    except ValueError:
        return None


def find_by_cpr(session: Session, cpr: str, key: bytes) -> Person | None:
    return session.scalar(select(Person).where(Person.cpr_hash == hash_cpr(cpr, key)))


def find_or_create_by_cpr(
    session: Session, cpr: str, key: bytes, given_name: str, family_name: str
) -> Person:
    person = find_by_cpr(session, cpr, key)
    if person is None:
        person = Person(
            cpr_hash=hash_cpr(cpr, key),
            given_name=given_name,
            family_name=family_name,
            birth_date=birth_date_from_cpr(cpr),
        )
        session.add(person)
        session.flush()
    return person


def without_cpr(document: Any, cpr: str, cpr_hash: str) -> Any:
    """A copy of a JSON document (e.g. a source bundle) with every occurrence of
    the CPR number (ten digits, or with the dash) replaced by its keyed hash:
    what is kept at rest. ``with_cpr`` puts the number back for an export."""
    digits = normalise_cpr(cpr)
    dashed = f"{digits[:6]}-{digits[6:]}"
    return map_strings(document, lambda s: s.replace(dashed, cpr_hash).replace(digits, cpr_hash))


def with_cpr(document: Any, cpr: str, cpr_hash: str) -> Any:
    """The document as it was sent: the keyed hash replaced by the CPR number."""
    digits = normalise_cpr(cpr)
    return map_strings(document, lambda s: s.replace(cpr_hash, digits))
