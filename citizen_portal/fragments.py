"""Parts of pages rendered once per distinct input and language, then kept.

Rendering templates is most of a page's time, and some parts of pages change
only when what they show changes: the content of a plan page (the first
screen, what changed, who does what, goals, wishes, appointments, everything
written in the plan, the versions) is rendered from a page model that is
rebuilt on every request but is equal from one request to the next. Such a
part is a template rendered from its arguments alone (``render_kept``; a test
fails if a kept template reads anything else, such as the request or the
signed-in person), so it is a pure function of:

- its arguments (for the plan content: the page model, already redacted for
  its reader, with the functions' phone numbers and opening hours as they are
  now, the name of the person a representative acts for, the reader's stance
  and what they may do);
- the language;
- the request's script root (``url_for`` gives paths below it; the routes
  themselves never change while the app runs);
- the glossary terms already explained higher up on the page (each term is
  explained at its first use only; the part's own are added after it, also
  when it is taken from the kept ones).

Kept rendered, keyed by a digest of exactly those: the pickled values (a
faithful serialisation, so equal bytes mean equal values) hashed with BLAKE2b.
Nothing is keyed by plan, version or reader: two readers share a rendering only
when everything they may see in it is identical, and a changed phone number, a
passed date or a withheld section makes a different key.

What must differ on every request goes in a slot: the kept template writes
``slot("name")`` where it belongs, the rendering keeps a marker there, and each
request fills every marker with its own value (a callable is called once per
marker, so two forms never share a one-time token). In a kept template
``form_guard()`` is such a slot, always filled with the request's own guard
(CSRF token, whom the form is for, a one-time token), and ``typed_text()`` is
empty: a form is kept only as it is with nothing typed, and a page whose typed
text was given back after a timeout renders that form in a slot of its own.
The marker holds a random number drawn when the process starts, and everything
else in a rendering is escaped, so no text from a person or partner can make one.
"""

from __future__ import annotations

import hashlib
import pickle
import secrets
from collections import OrderedDict
from collections.abc import Callable, Mapping
from threading import Lock
from typing import Any

from flask import current_app, g, request
from flask_babel import get_locale
from markupsafe import Markup, escape

from citizen_portal.glossary.markup import explained_on_this_page

# Templates rendered from their arguments alone (tests/unit/test_kept_fragments.py).
KEPT_TEMPLATES = ("plans/_plan_content.html", "_site_header.html", "_site_end.html")
# Those that explain glossary terms: their key holds the terms explained above them.
# (The others' does not, so the end of every page is one rendering whatever the
# plan above it explained; a test checks this list against the templates.)
EXPLAINING_TEMPLATES = frozenset({"plans/_plan_content.html"})

# What a slot is filled with: a value, or a callable giving one for each marker.
SlotValue = Markup | str | Callable[[], Markup | str]

_SLOT_PREFIX = f"<!--slot:{secrets.token_hex(16)}:"


def slot_marker(name: str) -> Markup:
    """Where the slot ``name`` is in a kept rendering, until a request fills it."""
    return Markup(f"{_SLOT_PREFIX}{name}-->")  # noqa: S704 (our own constant)


def rendering_kept() -> bool:
    """Is a kept rendering being made? (form_guard() and typed_text() ask: the
    first gives its slot's marker then, the second nothing, whichever template
    calls them, imported with the context or not.)"""
    return bool(g.get("rendering_kept"))


# A rendering as kept: the text before the first slot, then each slot's name with
# the text after it (split once, when it is kept).
Pieces = tuple[Markup, tuple[tuple[str, Markup], ...]]


def _pieces(rendered: Markup) -> Pieces:
    head, *rest = rendered.split(_SLOT_PREFIX)
    slots = []
    for piece in rest:
        name, after = piece.split("-->", 1)
        slots.append((str(name), after))
    return head, tuple(slots)


def _fill(pieces: Pieces, slots: Mapping[str, SlotValue]) -> Markup:
    head, rest = pieces
    if not rest:
        return head
    filled = [head]
    for name, after in rest:
        if name not in slots:
            raise ValueError(f"a kept rendering has a slot that was not filled: {name}")
        value = slots[name]
        filled.append(escape(value() if callable(value) else value))  # once per marker
        filled.append(after)
    return Markup("").join(filled)


class KeptRenderings:
    """At most ``size`` renderings of each template, the least recently used
    dropped first (per template, so that the many small headers of many readers
    never push out the plan pages)."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._lock = Lock()
        # digest -> (the rendering in pieces, the glossary terms it explains)
        self._templates: dict[str, OrderedDict[bytes, tuple[Pieces, frozenset[str]]]] = {}

    def __len__(self) -> int:
        return sum(len(items) for items in self._templates.values())

    def render(
        self,
        template_name: str,
        slots: Mapping[str, SlotValue] | None = None,
        **values: Any,
    ) -> Markup:
        if template_name not in KEPT_TEMPLATES:
            raise ValueError(f"{template_name} is not rendered from its arguments alone")
        explains = template_name in EXPLAINING_TEMPLATES
        explained = explained_on_this_page()
        before = sorted(explained) if explains else []
        language = str(get_locale())
        inputs = (template_name, language, request.script_root, before, sorted(values.items()))
        key = hashlib.blake2b(pickle.dumps(inputs, protocol=5), digest_size=32).digest()
        items = self._templates.setdefault(template_name, OrderedDict())
        with self._lock:
            kept = items.get(key)
            if kept is not None:
                items.move_to_end(key)
        if kept is None:
            template = current_app.jinja_env.get_template(template_name)
            g.rendering_kept = True
            try:
                # Autoescaped like every .html template: people's and partners' text is escaped.
                rendered = Markup(template.render(**values, slot=slot_marker))  # noqa: S704
            finally:
                g.rendering_kept = False
            newly_explained = explained.difference(before) if explains else set()
            kept = (_pieces(rendered), frozenset(newly_explained))
            with self._lock:
                items[key] = kept
                while len(items) > self.size:
                    items.popitem(last=False)
        pieces, explained_by_it = kept
        explained.update(explained_by_it)
        # Filled by the app's own form_guard (security/web.py, which imports this module).
        form_guard: SlotValue = current_app.jinja_env.globals["form_guard"]  # type: ignore[assignment]
        return _fill(pieces, {"form_guard": form_guard, **(slots or {})})


def kept_renderings() -> KeptRenderings:
    """This app's kept renderings (one per app and process, like the version cache)."""
    kept: KeptRenderings = current_app.extensions.setdefault("kept_renderings", KeptRenderings())
    return kept


def render_kept(
    template_name: str, slots: Mapping[str, SlotValue] | None = None, **values: Any
) -> Markup:
    """``template_name`` rendered with ``values``, or its kept rendering of them,
    with its slots filled by ``slots``."""
    return kept_renderings().render(template_name, slots, **values)
