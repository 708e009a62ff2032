"""Reading pages in functional tests."""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag
from flask.testing import FlaskClient


def page(client: FlaskClient, path: str) -> BeautifulSoup:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def csrf(client: FlaskClient, path: str = "/plans") -> str:
    field = page(client, path).select_one("input[name=csrf_token]")
    assert field is not None
    return str(field["value"])


def text_of(html: str | Tag) -> str:
    """The text as read: words split only where elements split them (the spans
    that mark a language or isolate a number are read as the words they hold)."""
    soup = BeautifulSoup(str(html), "html.parser")
    for inline in soup.select("span[lang], bdi"):
        inline.unwrap()
    soup = BeautifulSoup(str(soup), "html.parser")  # joins the split strings
    return " ".join(soup.get_text(" ").split())


def act_for(client: FlaskClient, subject_id: int) -> None:
    response = client.post(
        "/acting-for", data={"csrf_token": csrf(client, "/acting-for"), "subject": subject_id}
    )
    assert response.status_code == 302


def shown_soup(html: str) -> BeautifulSoup:
    """The page as a reader sees it: glossary explanations closed, and explained
    terms read as the plain words they wrap."""
    soup = BeautifulSoup(html, "html.parser")
    for explanation in soup.select(".term-explanation[hidden]"):
        explanation.decompose()
    for term in soup.select("span.term"):
        term.replace_with(term.get_text())
    return BeautifulSoup(str(soup), "html.parser")  # joins the split strings


def shown_text(html: str) -> str:
    return text_of(shown_soup(html))


def one(soup: BeautifulSoup | Tag, selector: str) -> Tag:
    """The one element matching ``selector``; fails the test if there is none."""
    found = soup.select_one(selector)
    assert found is not None, selector
    return found
