"""A kept template is rendered from its arguments alone (citizen_portal/fragments.py).

Its rendering is kept by a digest of its arguments and the language, so anything
else it read (the request, the signed-in person, the session, the database) could
show one reader what was rendered for another. These tests read the templates'
source: every name a kept template (or a template it imports) uses is one of its
arguments or a global that depends on nothing but the language; every filter is
one that does the same.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask, g
from jinja2 import ChoiceLoader, DictLoader, Environment, Template, meta, nodes
from markupsafe import Markup

from citizen_portal import fragments
from citizen_portal.fragments import (
    EXPLAINING_TEMPLATES,
    KEPT_TEMPLATES,
    KeptRenderings,
    render_kept,
)
from citizen_portal.security.web import form_guard, typed_text
from citizen_portal.wishes.forms import StanceForm

ARGUMENTS = {
    "plans/_plan_content.html": {
        "page",
        "acting",
        "instead",
        "mine",
        "may_state",
        "may_approve",
        "ChangeKind",
        "Late",
        "lang",
        "typed_back",
        "StanceForm",
    },
    "_site_header.html": {
        "lang",
        "idle_seconds",
        "signed_in",
        "name",
        "acting",
        "acting_name",
        "owner",
        "person_id",
    },
    "_site_end.html": {"lang", "signed_in", "here", "unread"},
}
# Globals whose result depends on their arguments, the language and the script root
# only (the digest holds all three). url_for gives paths, never a host (checked
# below); slot() marks where a request's own value goes; form_guard() gives a slot
# and typed_text() nothing while a kept rendering is made (tested below).
PURE_GLOBALS = {
    "vocabulary",
    "opening_hours",
    "format_date",
    "format_time",
    "plan_type_slug",
    "language_names",
    "right_to_left",
    "url_for",
    "slot",
    "form_guard",
    "typed_text",
}
PURE_FILTERS = {"da", "ltr", "explain_terms", "replace", "length", "e", "escape", "list", "unique"}


def _bare_environment(app: Flask) -> Environment:
    """The app's loader and extensions, none of its globals: every name is undeclared."""
    env = Environment(loader=app.jinja_loader, extensions=["jinja2.ext.i18n"], autoescape=True)
    env.filters.update(app.jinja_env.filters)  # which ones are used is checked apart
    return env


def _templates_used(env: Environment, name: str) -> set[str]:
    found = {name}
    todo = [name]
    while todo:
        source = env.loader.get_source(env, todo.pop())[0]  # type: ignore[union-attr]
        for imported in meta.find_referenced_templates(env.parse(source)):
            assert imported is not None, f"{name} imports a template named at run time"
            if imported not in found:
                found.add(imported)
                todo.append(imported)
    return found


@pytest.mark.parametrize("template_name", KEPT_TEMPLATES)
def test_a_kept_template_reads_only_its_arguments(app: Flask, template_name: str) -> None:
    env = _bare_environment(app)
    allowed = ARGUMENTS[template_name] | PURE_GLOBALS
    for name in _templates_used(env, template_name):
        parsed = env.parse(env.loader.get_source(env, name)[0])  # type: ignore[union-attr]
        names = meta.find_undeclared_variables(parsed) - {"_", "gettext", "ngettext"}
        assert names <= allowed, f"{name} reads {sorted(names - allowed)}"
        filters = {f.name for f in parsed.find_all(nodes.Filter)}
        assert filters <= PURE_FILTERS, f"{name} uses the filters {sorted(filters - PURE_FILTERS)}"
        if "explain_terms" in filters:
            assert template_name in EXPLAINING_TEMPLATES, f"{name} explains glossary terms"
        for call in parsed.find_all(nodes.Call):
            if isinstance(call.node, nodes.Name) and call.node.name == "url_for":
                keywords = {k.key for k in call.kwargs}
                assert not keywords & {"_external", "_scheme"}, f"{name} links with a host"


def test_the_check_sees_a_template_that_reads_the_request(app: Flask) -> None:
    env = _bare_environment(app)
    parsed = env.parse("{{ page.number }} {{ current_user.display_name }} {{ request.path }}")
    assert meta.find_undeclared_variables(parsed) - ARGUMENTS["plans/_plan_content.html"] == {
        "current_user",
        "request",
    }


def test_only_a_declared_template_is_kept(app: Flask) -> None:
    with app.test_request_context(), pytest.raises(ValueError, match="not rendered from"):
        render_kept("plans/plan.html", page=None)


def _kept_with_slots(app: Flask, monkeypatch: pytest.MonkeyPatch, source: str) -> KeptRenderings:
    """A KeptRenderings that may keep ``source`` as the template ``slots.html``."""
    loader = ChoiceLoader([DictLoader({"slots.html": source}), app.jinja_env.loader])  # type: ignore[list-item]
    monkeypatch.setattr(app.jinja_env, "loader", loader)
    monkeypatch.setattr(app.jinja_env, "cache", {})
    monkeypatch.setattr(fragments, "KEPT_TEMPLATES", ("slots.html",))
    return KeptRenderings()


def test_each_slot_is_filled_on_every_request_and_each_marker_on_its_own(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = _kept_with_slots(
        app, monkeypatch, "<p>{{ text }}</p>{{ slot('token') }}|{{ slot('token') }}"
    )
    tokens = iter(["one", "two", "three", "<four>"])
    with app.test_request_context():
        first = kept.render("slots.html", {"token": lambda: next(tokens)}, text="hello")
        second = kept.render("slots.html", {"token": lambda: next(tokens)}, text="hello")
    assert len(kept) == 1, "the second rendering is the kept one"
    assert first == "<p>hello</p>one|two"
    assert second == "<p>hello</p>three|&lt;four&gt;", "a plain string is escaped"


def test_text_that_looks_like_a_slot_marker_stays_text(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = _kept_with_slots(app, monkeypatch, "<p>{{ text }}</p>{{ slot('token') }}")
    with app.test_request_context():
        marker = str(fragments.slot_marker("token"))
        rendered = kept.render("slots.html", {"token": Markup("<b>x</b>")}, text=marker)
    assert rendered.count("<b>x</b>") == 1, "only the template's own marker is filled"
    assert "&lt;!--slot:" in rendered


def test_a_slot_left_unfilled_is_an_error_not_a_marker_on_the_page(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = _kept_with_slots(app, monkeypatch, "{{ slot('token') }}")
    with app.test_request_context(), pytest.raises(ValueError, match="not filled"):
        kept.render("slots.html", {})


def test_the_script_root_is_part_of_the_key(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    kept = _kept_with_slots(app, monkeypatch, "<a href=\"{{ url_for('plans.my_plans') }}\">x</a>")
    with app.test_request_context("/"):
        here = kept.render("slots.html")
    with app.test_request_context("/", base_url="http://localhost/portal/"):
        below = kept.render("slots.html")
    assert (here, below) == ('<a href="/plans">x</a>', '<a href="/portal/plans">x</a>')


def test_form_guard_and_typed_text_keep_nothing_of_the_request(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also from a macro imported without the context, as forms.html's are."""
    kept = _kept_with_slots(
        app,
        monkeypatch,
        '{% from "forms.html" import textarea %}<form>{{ form_guard() }}'
        '{{ textarea(Form(formdata=None, meta={"csrf": False}).comment) }}</form>',
    )
    with app.test_request_context():
        g.typed_text = {"comment": "Skrevet før timeout"}
        first = kept.render("slots.html", Form=StanceForm)
        second = kept.render("slots.html", Form=StanceForm)
        assert form_guard()  # outside a kept rendering, the real one
        assert typed_text("comment") == "Skrevet før timeout"
    assert len(kept) == 1, "the second is the kept one"
    assert "Skrevet før timeout" not in first
    assert '<textarea class="input textarea" id="comment" name="comment"' in first
    once = [re.findall(r'name="once" value="([^"]+)"', r) for r in (first, second)]
    assert len(once[0]) == len(once[1]) == 1
    assert once[0] != once[1], "each rendering has its own one-time token"


def test_each_template_keeps_its_own_renderings(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many readers' headers never push a plan page's content out."""
    loader = ChoiceLoader([DictLoader({"page.html": "{{ n }}", "header.html": "{{ n }}"})])
    monkeypatch.setattr(app.jinja_env, "loader", loader)
    monkeypatch.setattr(app.jinja_env, "cache", {})
    monkeypatch.setattr(fragments, "KEPT_TEMPLATES", ("page.html", "header.html"))
    kept = KeptRenderings(size=2)
    rendered: list[str] = []
    get_template = app.jinja_env.get_template

    def counting_get_template(name: str) -> Template:
        rendered.append(name)
        return get_template(name)

    monkeypatch.setattr(app.jinja_env, "get_template", counting_get_template)
    with app.test_request_context():
        kept.render("page.html", n=1)
        for reader in range(5):
            kept.render("header.html", n=reader)
        kept.render("page.html", n=1)
    assert rendered.count("page.html") == 1, "the page was kept while headers came and went"
    assert len(kept) == 3
