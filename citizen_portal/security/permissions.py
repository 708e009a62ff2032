"""The permission vocabulary: ``resource:action``.

A pure vocabulary: no Flask, no database. Routes declare one of these with
``security.web.public`` / ``security.web.requires``; the policy decides them.
"""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    """``resource:action``. PUBLIC routes show no citizen data."""

    PUBLIC = "public"
    ACCOUNT_USE = "account:use"
    PLANS_READ = "plans:read"
    AUDIT_READ = "audit:read"  # the log of who read or changed the citizen's data
    REPRESENTATION_ACT = "representation:act"  # choose whom to act for; accept a grant
    REPRESENTATION_GRANT = "representation:grant"  # give or take back a power of attorney
    MESSAGES_READ = "messages:read"  # the signed-in person's own messages
    WISHES_READ = "wishes:read"
    WISHES_WRITE = "wishes:write"  # wishes, and the stance on a plan
    # The citizen's own acts, never a representative's (KIP guidelines; Psychiatry Act):
    PLANS_APPROVE = "plans:approve"  # approving a coordinated action plan
    WISHES_WRITE_OWN_WORDS = "wishes:write-own-words"  # the advance statement about treatment
    WISHES_SHARE = "wishes:share"  # let professionals read a wish section ("only for me" off)
    # The crisis card kept on the phone: only the citizen, on their own phone.
    CRISIS_CARD_KEEP = "crisis-card:keep"
    CONSENTS_READ = "consents:read"
    CONSENTS_MANAGE = "consents:manage"  # give and withdraw
    # Scopes of professional systems (OAuth 2.0 client credentials).
    API_PLANS_WRITE = "api:plans:write"
    API_REPRESENTATIONS_WRITE = "api:representations:write"  # registries of authorities
    API_CITIZEN_INPUT_READ = "api:citizen-input:read"  # wishes, stances, consents back out
