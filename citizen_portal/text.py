"""Free text from citizens: kept as plain text, and made safe where markup could slip in."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

import bleach

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Invisible characters that reorder or hide text for the next reader (a bidi
# override can show "112" as "211"): embeddings, overrides and isolates, the
# zero-width space and the byte order mark. The zero-width joiner and non-joiner
# stay: Arabic script and emoji need them.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\ufeff")
)


def plain(value: str | None) -> str:
    """Trimmed text in one normal form (NFC), with one kind of line break and no
    control or reordering characters. Markup is not removed: it is stored as typed
    and always shown escaped."""
    text = unicodedata.normalize("NFC", value or "").translate(_INVISIBLE)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


def map_strings(document: Any, change: Callable[[str], str]) -> Any:
    """A copy of a JSON document with ``change`` applied to every string in it."""
    if isinstance(document, str):
        return change(document)
    if isinstance(document, list):
        return [map_strings(item, change) for item in document]
    if isinstance(document, dict):
        return {key: map_strings(value, change) for key, value in document.items()}
    return document


def narrative(text: str) -> str:
    """A FHIR narrative (XHTML) for ``text``: professional systems may render it as
    HTML, so every tag is escaped by bleach, not by hand."""
    safe = bleach.clean(text, tags=set(), attributes={}, strip=False)
    paragraphs = "".join(f"<p>{line}</p>" for line in safe.split("\n") if line.strip())
    return f'<div xmlns="http://www.w3.org/1999/xhtml">{paragraphs or "<p></p>"}</div>'
