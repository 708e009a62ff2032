"""Reading pages in functional tests."""

from __future__ import annotations

from bs4 import BeautifulSoup
from flask.testing import FlaskClient


def page(client: FlaskClient, path: str) -> BeautifulSoup:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def csrf(client: FlaskClient, path: str = "/plans") -> str:
    field = page(client, path).select_one("input[name=csrf_token]")
    assert field is not None
    return str(field["value"])


def text_of(html: str | BeautifulSoup) -> str:
    soup = html if isinstance(html, BeautifulSoup) else BeautifulSoup(html, "html.parser")
    return " ".join(soup.get_text(" ").split())


def act_for(client: FlaskClient, subject_id: int) -> None:
    response = client.post(
        "/acting-for", data={"csrf_token": csrf(client, "/acting-for"), "subject": subject_id}
    )
    assert response.status_code == 302
