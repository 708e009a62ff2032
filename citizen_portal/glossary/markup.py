"""Finding glossary terms in professionals' text, and explaining the first one of each.

The original wording is never changed: the matched words are only wrapped. Without
JavaScript the term links to its glossary entry; with it, static/js/app.js turns
the link into a button that opens the explanation in place.
"""

from __future__ import annotations

import re
from functools import cache

from flask import g, has_request_context, url_for
from flask_babel import get_locale
from markupsafe import Markup, escape

from citizen_portal.glossary.terms import TERMS, Term
from citizen_portal.i18n import RIGHT_TO_LEFT


@cache
def _pattern() -> tuple[re.Pattern[str], dict[str, Term]]:
    by_form = {form.lower(): term for term in TERMS for form in term.forms}
    # Longest first, so "koordinerende indsatsplan" wins over shorter forms.
    alternatives = "|".join(re.escape(f) for f in sorted(by_form, key=len, reverse=True))
    return re.compile(rf"(?<!\w)({alternatives})(?!\w)", re.IGNORECASE), by_form


def explained_on_this_page() -> set[str]:
    """The terms already explained on the page being rendered (their slugs): each is
    explained once, at its first use (the kept plan body adds its own: fragments.py)."""
    explained: set[str] = g.setdefault("explained_terms", set())
    return explained


def explain_terms(text: str | None) -> Markup:
    """``text``, escaped, with the first use on this page of each term explained."""
    if not text:
        return Markup("")
    if not has_request_context():
        return escape(text)
    explained = explained_on_this_page()
    pattern, by_form = _pattern()
    out: list[Markup] = []
    position = 0
    for match in pattern.finditer(text):
        term = by_form[match.group(1).lower()]
        if term.slug in explained:
            continue
        explained.add(term.slug)
        out.append(escape(text[position : match.start()]))
        out.append(_wrapped(match.group(1), term))
        position = match.end()
    out.append(escape(text[position:]))
    return Markup("").join(out)


def _wrapped(words: str, term: Term) -> Markup:
    lang = str(get_locale() or "da")
    # Markup.format escapes every argument.
    return Markup(
        '<span class="term"><a class="term-link" href="{href}" data-explains="{target}">'
        "{words}</a>"
        '<span class="term-explanation" id="{target}" lang="{lang}" dir="{dir}" hidden>'
        "<strong>{name}:</strong> {explanation}</span></span>"
    ).format(
        href=f"{url_for('glossary.glossary')}#{term.slug}",
        target=f"explain-{term.slug}",
        words=words,
        name=term.name,
        explanation=term.explanation,
        # In the reader's language, inside Danish plan text.
        lang=lang,
        dir="rtl" if lang in RIGHT_TO_LEFT else "ltr",
    )
