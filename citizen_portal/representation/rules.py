"""The rules of representation, as pure functions (no database, no request).

- Only a person aged 15 or more grants a power of attorney; only a person
  aged 18 or more receives one (or any representation). Nobody represents
  themself. A grant cannot start in the past.
- Parental responsibility (forældremyndighed) lasts until 18, but from 15 the young person
  consents to their own treatment (Health Act § 17), so here a parent acts only for a child
  under 15 and that ends by itself on the 15th birthday.
- A representation is in effect from its start to its end date (inclusive),
  until revoked, and, for a citizen's grant, once the representative accepts.
- A representative acts only within the scopes given, and cannot pass them on.
- A citizen gives their own consents to share information from the age of 15
  (Health Act §17); before that, the person with custody gives them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from citizen_portal.i18n import lazy_gettext as _l
from citizen_portal.representation.models import RepresentationKind
from citizen_portal.security.actors import Actor, ActorKind, Scope

GRANTING_AGE = 15
REPRESENTATIVE_AGE = 18
CUSTODY_UNTIL_AGE = 15
OWN_CONSENT_AGE = 15


def gives_own_consent(birth_date: date | None, today: date) -> bool:
    """May a citizen born on ``birth_date`` give their own consents to share information?
    An unknown birth date (no CPR-derived date) is not held against them."""
    return birth_date is None or age_on(birth_date, today) >= OWN_CONSENT_AGE


def age_on(birth_date: date, day: date) -> int:
    years = day.year - birth_date.year
    return years - ((day.month, day.day) < (birth_date.month, birth_date.day))


@dataclass(frozen=True)
class RepresentationFacts:
    """What the rules need to know about one representation."""

    kind: RepresentationKind
    represented_id: int
    representative_id: int
    scopes: frozenset[Scope]
    valid_from: date
    valid_until: date | None
    accepted: bool
    revoked_at: datetime | None
    represented_birth_date: date | None


def in_effect(facts: RepresentationFacts, today: date) -> bool:
    if facts.revoked_at is not None:
        return False
    if not facts.kind.from_authority and not facts.accepted:
        return False
    if today < facts.valid_from:
        return False
    if facts.valid_until is not None and today > facts.valid_until:
        return False
    if facts.kind is RepresentationKind.PARENTAL_CUSTODY:
        born = facts.represented_birth_date
        return born is not None and age_on(born, today) < CUSTODY_UNTIL_AGE
    return True


def actor_for(
    person_id: int,
    subject_person_id: int,
    representations: list[RepresentationFacts],
    today: date,
) -> Actor | None:
    """The actor ``person_id`` may be when acting for ``subject_person_id``, or None.

    Several representations for the same pair add up their scopes.
    """
    if person_id == subject_person_id:
        return Actor(person_id, person_id)
    scopes: set[Scope] = set()
    for facts in representations:
        if (
            facts.representative_id == person_id
            and facts.represented_id == subject_person_id
            and in_effect(facts, today)
        ):
            scopes |= facts.scopes
    if not scopes:
        return None
    return Actor(person_id, subject_person_id, ActorKind.REPRESENTATIVE, frozenset(scopes))


def ends_on(facts: RepresentationFacts) -> date | None:
    """The last day a representation is in effect, if it has one."""
    end = facts.valid_until
    born = facts.represented_birth_date
    if facts.kind is RepresentationKind.PARENTAL_CUSTODY and born is not None:
        try:
            birthday = born.replace(year=born.year + CUSTODY_UNTIL_AGE)
        except ValueError:  # born on 29 February
            birthday = date(born.year + CUSTODY_UNTIL_AGE, 3, 1)
        last_day = date.fromordinal(birthday.toordinal() - 1)
        end = last_day if end is None else min(end, last_day)
    return end


class RepresentationRefused(ValueError):
    """Why a representation cannot be made; ``message`` is plain and translatable."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


def check_new_representation(
    kind: RepresentationKind,
    represented_id: int,
    represented_birth_date: date | None,
    representative_id: int,
    representative_birth_date: date | None,
    valid_from: date,
    valid_until: date | None,
    today: date,
) -> None:
    """Raise RepresentationRefused with a plain message if the rules forbid it."""
    if represented_id == representative_id:
        raise RepresentationRefused(_l("You cannot give a power of attorney to yourself."))
    if (
        representative_birth_date is None
        or age_on(representative_birth_date, valid_from) < REPRESENTATIVE_AGE
    ):
        raise RepresentationRefused(_l("The person you choose must be 18 or older."))
    if kind is RepresentationKind.POWER_OF_ATTORNEY:
        if represented_birth_date is None or age_on(represented_birth_date, today) < GRANTING_AGE:
            raise RepresentationRefused(_l("You must be 15 or older to give a power of attorney."))
        if valid_from < today:
            raise RepresentationRefused(_l("The start date cannot be in the past."))
    if kind is RepresentationKind.PARENTAL_CUSTODY and (
        represented_birth_date is None or age_on(represented_birth_date, today) >= CUSTODY_UNTIL_AGE
    ):
        raise RepresentationRefused(
            _l(
                "Parents can act here only for a child under 15. From 15, young people consent "
                "to their own treatment."
            )
        )
    if valid_until is not None and valid_until < valid_from:
        raise RepresentationRefused(_l("The end date must be after the start date."))
    if valid_until is not None and valid_until < today:
        raise RepresentationRefused(_l("The end date cannot be in the past."))
