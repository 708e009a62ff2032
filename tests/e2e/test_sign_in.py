"""Sign-in end to end, through the built-in provider and a certified third-party one."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from citizen_portal.audit.models import AuditEvent, AuditTag
from citizen_portal.auth.models import UserSession
from citizen_portal.devidp.provider import ACR_SUBSTANTIAL
from tests.e2e.conftest import HostileSetup, LivePortal, PortalFactory
from tests.e2e.flows import sign_in_with_dev_idp, sign_in_with_oidc_provider, submit_form


def _signed_in_tags(portal: LivePortal) -> list[AuditTag]:
    with portal.engine.connect() as conn:
        return list(conn.scalars(select(AuditEvent.tag).order_by(AuditEvent.id)))


def test_citizen_signs_in_with_the_dev_provider_and_sees_their_plans(
    dev_portal: LivePortal,
) -> None:
    before = len(_signed_in_tags(dev_portal))
    _session, response = sign_in_with_dev_idp(dev_portal.url, "demo-mette")
    assert response.status_code == 200
    assert response.url == f"{dev_portal.url}/plans"
    assert "Signed in as Mette Nielsen" in response.text
    assert "Discharge agreement" in response.text
    tags = _signed_in_tags(dev_portal)[before:]
    assert tags == [AuditTag.ACCOUNT_SIGNED_IN, AuditTag.PLANS_LISTED]


def test_sign_in_returns_to_the_page_asked_for(dev_portal: LivePortal) -> None:
    session = requests.Session()
    first = session.get(f"{dev_portal.url}/plans", timeout=10)
    assert "/dev-idp/authorize" in first.url
    landed = submit_form(session, first, {"persona": "demo-peter"})
    assert landed.url == f"{dev_portal.url}/plans"


def test_sign_out_ends_the_session_at_the_portal_and_the_provider(
    dev_portal: LivePortal,
) -> None:
    session, response = sign_in_with_dev_idp(dev_portal.url, "demo-jonas")
    out = submit_form(session, response, {})
    assert out.url.split("?")[0] == f"{dev_portal.url}/auth/signed-out"
    assert "You are signed out" in out.text
    assert [r.url.split("?")[0] for r in out.history][1] == f"{dev_portal.url}/dev-idp/end-session"
    again = session.get(f"{dev_portal.url}/plans", timeout=10)
    assert "/dev-idp/authorize" in again.url, "no session survives sign-out"


def test_cpr_numbers_are_never_stored_in_clear(dev_portal: LivePortal) -> None:
    sign_in_with_dev_idp(dev_portal.url, "demo-mette")
    cprs = ("1403881234", "140388-1234", "0911843456", "2207952345", "0502014567")
    with dev_portal.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            rows = conn.execute(text(f'SELECT * FROM "{table}"')).fetchall()  # noqa: S608
            dump = repr(rows)
            for cpr in cprs:
                assert cpr not in dump, f"CPR number in table {table}"


@pytest.mark.oidc_provider
def test_citizen_signs_in_through_certified_oidc_provider(certified_portal: LivePortal) -> None:
    _session, response = sign_in_with_oidc_provider(certified_portal.url, "demo-peter")
    assert response.url == f"{certified_portal.url}/plans", response.text[:800]
    assert "Signed in as Peter Sørensen" in response.text
    assert "Coordinated action plan" in response.text
    with Session(certified_portal.engine) as db:
        latest = db.scalars(select(UserSession).order_by(UserSession.id.desc())).first()
        assert latest is not None
        assert latest.ended_at is None
        assert latest.person.given_name == "Peter"


@pytest.mark.oidc_provider
def test_sign_out_uses_the_certified_providers_end_session_endpoint(
    certified_portal: LivePortal,
) -> None:
    session, response = sign_in_with_oidc_provider(certified_portal.url, "demo-sara")
    assert "You have no plans here yet." in response.text
    out = submit_form(session, response, {})
    # oidc-provider asks the person to confirm signing out of the provider too.
    assert "/session/end" in out.url
    done = submit_form(session, out, {"logout": "yes"})
    assert done.url.split("?")[0] == f"{certified_portal.url}/auth/signed-out"
    again = session.get(f"{certified_portal.url}/plans", timeout=10)
    assert not again.url.startswith(certified_portal.url), "the portal session has ended"


def test_required_assurance_level_is_enforced(start_portal: PortalFactory) -> None:
    high = "https://data.gov.dk/concept/core/nsis/high"
    with start_portal(OIDC_REQUIRED_ACR=high) as strict:
        _session, response = sign_in_with_dev_idp(strict.url, "demo-mette")
        assert response.status_code == 400
        assert "We could not sign you in" in response.text
    with start_portal(OIDC_REQUIRED_ACR=ACR_SUBSTANTIAL) as portal:
        _session, response = sign_in_with_dev_idp(portal.url, "demo-mette")
        assert response.url == f"{portal.url}/plans"


def test_sign_out_without_provider_end_session_lands_on_the_portal(
    hostile: HostileSetup,
) -> None:
    hostile.provider.defect = "none"
    session = requests.Session()
    signed_in = session.get(f"{hostile.portal.url}/auth/sign-in", timeout=10)
    assert signed_in.url == f"{hostile.portal.url}/plans"
    out = submit_form(session, signed_in, {})
    assert out.url == f"{hostile.portal.url}/auth/signed-out"
    again = session.get(f"{hostile.portal.url}/plans", allow_redirects=False, timeout=10)
    assert again.status_code == 302, "signed out: the portal asks for a new sign-in"
    assert again.headers["Location"].startswith("/auth/sign-in")


def test_power_of_attorney_form_asks_the_provider_for_a_fresh_sign_in(
    dev_portal: LivePortal,
) -> None:
    session, _ = sign_in_with_dev_idp(dev_portal.url, "demo-mette")
    # The sign-in was ten minutes ago.
    with Session(dev_portal.engine) as db:
        latest = db.scalars(select(UserSession).order_by(UserSession.id.desc())).first()
        assert latest is not None
        assert latest.authenticated_at is not None
        latest.authenticated_at -= timedelta(minutes=10)
        db.commit()
    chooser = session.get(f"{dev_portal.url}/powers-of-attorney/new", timeout=10)
    assert "/dev-idp/authorize" in chooser.url
    assert "prompt=login" in chooser.url
    assert "max_age=0" in chooser.url
    # The provider's page shares the portal's layout: skip the header's sign-out form.
    form = submit_form(session, chooser, {"persona": "demo-mette"}, "form:has(input[name=persona])")
    assert form.url == f"{dev_portal.url}/powers-of-attorney/new"
    assert "Give someone a power of attorney" in form.text


def test_provider_that_does_not_prove_a_fresh_sign_in_is_refused(hostile: HostileSetup) -> None:
    hostile.provider.defect = "none"  # a normal sign-in, but it never sends auth_time,
    # so the portal cannot know when the person last proved who they are.
    session = requests.Session()
    session.headers["Accept-Language"] = "en"
    assert session.get(f"{hostile.portal.url}/auth/sign-in", timeout=10).url.endswith("/plans")
    response = session.get(f"{hostile.portal.url}/powers-of-attorney/new", timeout=10)
    assert response.status_code == 400
    assert "We could not sign you in" in response.text
