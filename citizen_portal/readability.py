"""How hard a Danish text is to read: LIX (Björnsson's readability index).

LIX = words per sentence + 100 × (words longer than six letters) / words.
Under 35 reads as easy; the regional guidance asks for a 5th–6th grade level.

``python -m citizen_portal.readability`` prints the 20 hardest Danish strings of
the interface, the glossary and the explainers, with their scores.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from babel.messages.pofile import read_po

from citizen_portal.i18n_catalogues import TRANSLATIONS

_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", re.UNICODE)
# A line break ends a sentence too: headings and list items carry no full stop.
_SENTENCE_END = re.compile(r"[.!?:;]+(?:\s|$)|\n")
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{[^}]*\}")

EASY = 35  # the highest LIX an explainer or glossary explanation may have
LONGEST_SENTENCE = 20  # words


@dataclass(frozen=True)
class Score:
    lix: float
    words: int
    sentences: int
    longest_sentence: int


def sentences(text: str) -> list[list[str]]:
    text = _PLACEHOLDER.sub("x", text)
    parts = [p for p in _SENTENCE_END.split(text) if p.strip()]
    return [words for words in (_WORD.findall(p) for p in parts) if words]


def score(text: str) -> Score:
    found = sentences(text)
    words = [w for s in found for w in s]
    if not words:
        return Score(0.0, 0, 0, 0)
    long_words = sum(1 for w in words if len(w) > 6)
    lix = len(words) / len(found) + 100 * long_words / len(words)
    return Score(round(lix, 1), len(words), len(found), max(len(s) for s in found))


def danish_strings() -> list[tuple[str, str]]:
    """(where, Danish text) for every translated interface string."""
    with (TRANSLATIONS / "da" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f)
    found: list[tuple[str, str]] = []
    for message in catalog:
        if not message.id:
            continue
        string = message.string
        texts = (
            [str(t) for t in string] if isinstance(string, tuple | list) else [str(string or "")]
        )
        key = str(message.id if isinstance(message.id, str) else message.id[0])
        found += [(key, text) for text in texts if text]
    return found


def main() -> int:
    rows = sorted(
        ((score(text), text) for _, text in danish_strings() if len(_WORD.findall(text)) >= 5),
        key=lambda row: row[0].lix,
        reverse=True,
    )
    print(f"{'LIX':>5}  {'words':>5}  text")
    for found, text in rows[:20]:
        print(f"{found.lix:5.1f}  {found.words:5d}  {text[:110]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
