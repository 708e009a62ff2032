"""Translated messages with people's and partners' values: text everywhere, and
never markup in a page (escaping by construction, not by each template)."""

from __future__ import annotations

import ast
from pathlib import Path

from flask import Flask, render_template_string
from flask_babel import Babel

from citizen_portal.i18n import lazy_gettext

PACKAGE = Path(__file__).resolve().parents[2] / "citizen_portal"
NAME = '<img src=x onerror="alert(1)">'


def test_a_value_is_escaped_in_a_page_and_kept_as_typed_elsewhere() -> None:
    app = Flask(__name__)
    Babel(app)  # no catalogue: the message itself
    with app.test_request_context():
        message = lazy_gettext("%(name)s accepted your power of attorney.", name=NAME)
        page = render_template_string("<p>{{ message }}</p>", message=message)
        assert "<img" not in page
        assert "&lt;img" in page
        # PDFs, FHIR and logs take the text as it is (they escape in their own way).
        assert str(message) == f"{NAME} accepted your power of attorney."


def test_no_module_uses_flask_babels_own_lazy_gettext() -> None:
    """Flask-Babel's lazy string hands its formatted text to Jinja as markup."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "i18n.py" and path.parent == PACKAGE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "flask_babel":
                names = {alias.name for alias in node.names}
                if names & {"lazy_gettext", "lazy_ngettext", "lazy_pgettext"}:
                    offenders.append(str(path.relative_to(PACKAGE)))
    assert offenders == []
