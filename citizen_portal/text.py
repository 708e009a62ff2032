"""Free text from citizens: kept as plain text, and made safe where markup could slip in."""

from __future__ import annotations

import re

import bleach

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain(value: str | None) -> str:
    """Trimmed text with one kind of line break and no control characters.
    Markup is not removed: it is stored as typed and always shown escaped."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


def narrative(text: str) -> str:
    """A FHIR narrative (XHTML) for ``text``: professional systems may render it as
    HTML, so every tag is escaped by bleach, not by hand."""
    safe = bleach.clean(text, tags=set(), attributes={}, strip=False)
    paragraphs = "".join(f"<p>{line}</p>" for line in safe.split("\n") if line.strip())
    return f'<div xmlns="http://www.w3.org/1999/xhtml">{paragraphs or "<p></p>"}</div>'
