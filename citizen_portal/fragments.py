"""Parts of pages rendered once per distinct input and language, then kept.

Rendering templates is most of a page's time, and some parts of pages change
only when what they show changes: the body of a plan page (who does what,
goals, wishes, appointments, everything written in the plan) is rendered from a
page model that is rebuilt on every request but is equal from one request to
the next. Such a part is a template rendered from its arguments alone
(``render_kept``; a test fails if a kept template reads anything else, such as
the request or the signed-in person), so it is a pure function of:

- its arguments (for the plan body: the page model, already redacted for its
  reader, with the functions' phone numbers and opening hours as they are now,
  and the name of the person a representative acts for);
- the language;
- the glossary terms already explained higher up on the page (each term is
  explained at its first use only; the part's own are added after it, also
  when it is taken from the kept ones).

Kept rendered, keyed by a digest of exactly those: the pickled values (a
faithful serialisation, so equal bytes mean equal values) hashed with BLAKE2b.
Nothing is keyed by plan, version or reader: two readers share a rendering only
when everything they may see in it is identical, and a changed phone number, a
passed date or a withheld section makes a different key.
"""

from __future__ import annotations

import hashlib
import pickle
from collections import OrderedDict
from threading import Lock
from typing import Any

from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup

from citizen_portal.glossary.markup import explained_on_this_page

# Templates rendered from their arguments alone (tests/unit/test_kept_fragments.py).
KEPT_TEMPLATES = ("plans/_version_body.html",)


class KeptRenderings:
    """At most ``size`` renderings, the least recently used dropped first."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._lock = Lock()
        # digest -> (the rendering, the glossary terms it explains)
        self._items: OrderedDict[bytes, tuple[Markup, frozenset[str]]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def render(self, template_name: str, **values: Any) -> Markup:
        if template_name not in KEPT_TEMPLATES:
            raise ValueError(f"{template_name} is not rendered from its arguments alone")
        explained = explained_on_this_page()
        before = sorted(explained)
        language = str(get_locale())
        inputs = (template_name, language, before, sorted(values.items()))
        key = hashlib.blake2b(pickle.dumps(inputs, protocol=5), digest_size=32).digest()
        with self._lock:
            kept = self._items.get(key)
            if kept is not None:
                self._items.move_to_end(key)
        if kept is None:
            template = current_app.jinja_env.get_template(template_name)
            # Autoescaped like every .html template: people's and partners' text is escaped.
            rendered = Markup(template.render(**values))  # noqa: S704
            kept = (rendered, frozenset(explained.difference(before)))
            with self._lock:
                self._items[key] = kept
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        rendered, explained_by_it = kept
        explained.update(explained_by_it)
        return rendered


def kept_renderings() -> KeptRenderings:
    """This app's kept renderings (one per app and process, like the version cache)."""
    kept: KeptRenderings = current_app.extensions.setdefault("kept_renderings", KeptRenderings())
    return kept


def render_kept(template_name: str, **values: Any) -> Markup:
    """``template_name`` rendered with ``values``, or its kept rendering of them."""
    return kept_renderings().render(template_name, **values)
