"""Driving sign-in forms over HTTP with requests, the way a browser would."""

from __future__ import annotations

from urllib.parse import urljoin

import requests
from bs4 import BeautifulSoup


def submit_form(
    session: requests.Session,
    response: requests.Response,
    fields: dict[str, str],
    selector: str = "form",
) -> requests.Response:
    """Submit the page's first form matching ``selector`` with its hidden fields plus ``fields``."""
    page = BeautifulSoup(response.text, "html.parser")
    form = page.select_one(selector)
    assert form is not None, response.text[:500]
    data = {
        str(i["name"]): str(i.get("value", ""))
        for i in form.find_all("input")
        if i.get("name") and i.get("type") in ("hidden", None, "text", "password")
    }
    data.update(fields)
    action = urljoin(response.url, str(form.get("action") or response.url))
    return session.post(action, data=data, timeout=10)


def sign_in_with_dev_idp(base_url: str, persona: str) -> tuple[requests.Session, requests.Response]:
    session = requests.Session()
    session.headers["Accept-Language"] = "en"
    chooser = session.get(f"{base_url}/auth/sign-in", timeout=10)
    assert chooser.status_code == 200, chooser.text[:500]
    return session, submit_form(session, chooser, {"persona": persona})


def sign_in_with_oidc_provider(
    base_url: str, login: str
) -> tuple[requests.Session, requests.Response]:
    """oidc-provider's development interactions: a login form, then a consent form."""
    session = requests.Session()
    session.headers["Accept-Language"] = "en"
    response = session.get(f"{base_url}/auth/sign-in", timeout=10)
    for _ in range(3):
        if response.url.startswith(base_url):
            break
        assert response.status_code == 200, response.text[:500]
        response = submit_form(session, response, {"login": login, "password": "any"})
    return session, response
