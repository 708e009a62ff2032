"""Who is acting: plain values, built by the web layer and read by the policy."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ActorKind(StrEnum):
    CITIZEN = "citizen"
    REPRESENTATIVE = "representative"
    SYSTEM = "system"
    ANONYMOUS = "anonymous"


class Scope(StrEnum):
    """What a representative may do. A representative never sees more than the citizen."""

    READ_PLANS = "read_plans"
    RECORD_WISHES = "record_wishes"
    MANAGE_CONSENTS = "manage_consents"


ALL_SCOPES = frozenset(Scope)


@dataclass(frozen=True)
class Actor:
    """Who is acting, and for whom, with what rights. A citizen acting for
    themself has every right; a representative only the scopes given."""

    person_id: int
    subject_person_id: int
    kind: ActorKind = ActorKind.CITIZEN
    scopes: frozenset[Scope] = ALL_SCOPES

    @property
    def is_representative(self) -> bool:
        return self.kind is ActorKind.REPRESENTATIVE


@dataclass(frozen=True)
class ClientActor:
    """A registered professional system, writing for its organisations only."""

    client_id: str
    organisations: frozenset[str]  # organisation identifiers
    scopes: frozenset[str]
