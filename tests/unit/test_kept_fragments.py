"""A kept template is rendered from its arguments alone (citizen_portal/fragments.py).

Its rendering is kept by a digest of its arguments and the language, so anything
else it read (the request, the signed-in person, the session, the database) could
show one reader what was rendered for another. These tests read the templates'
source: every name a kept template (or a template it imports) uses is one of its
arguments or a global that depends on nothing but the language; every filter is
one that does the same.
"""

from __future__ import annotations

import pytest
from flask import Flask
from jinja2 import Environment, meta, nodes

from citizen_portal.fragments import KEPT_TEMPLATES, render_kept

ARGUMENTS = {"plans/_version_body.html": {"page", "acting"}}
# Globals whose result depends on their arguments and the language only.
# (Not url_for: it depends on the request's host and script root.)
PURE_GLOBALS = {"vocabulary", "opening_hours", "format_date", "format_time"}
PURE_FILTERS = {"da", "ltr", "explain_terms", "replace", "length", "e", "escape"}


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


def test_the_check_sees_a_template_that_reads_the_request(app: Flask) -> None:
    env = _bare_environment(app)
    parsed = env.parse("{{ page.number }} {{ current_user.display_name }} {{ request.path }}")
    assert meta.find_undeclared_variables(parsed) - ARGUMENTS["plans/_version_body.html"] == {
        "current_user",
        "request",
    }


def test_only_a_declared_template_is_kept(app: Flask) -> None:
    with app.test_request_context(), pytest.raises(ValueError, match="not rendered from"):
        render_kept("plans/plan.html", page=None)
