"""The terminology base: one term per legal concept per language (translations/terms.csv).

Each concept has, per language, the patterns that find it in a text (regular
expressions, case-insensitive; in Danish and English a pattern must start a word,
in Arabic it may follow a clitic such as ال or و or ب). A longer match wins over a
shorter one inside it, so "fremtidsfuldmagt" is the lasting power of attorney, not
also a "fuldmagt".

The rule tests/unit/test_terminology.py holds every catalogue to: an entry is about
the concepts its Danish text names; its English and Arabic text must name each of
them with that concept's own term, and must not name another concept of the same
group (consent, approval and stance; the kinds of representation; the three plans)
that the Danish does not name.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TERMS_CSV = Path(__file__).resolve().parent.parent.parent / "translations" / "terms.csv"
LANGUAGES = ("da", "en", "ar")


@dataclass(frozen=True)
class Concept:
    slug: str
    group: str
    terms: dict[str, str]
    patterns: dict[str, re.Pattern[str]]
    meaning: str
    source: str


def _compile(language: str, forms: str) -> re.Pattern[str]:
    start = r"(?<![\w])" if language != "ar" else ""
    return re.compile(rf"{start}(?:{forms})", re.IGNORECASE)


@cache
def concepts() -> tuple[Concept, ...]:
    with TERMS_CSV.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return tuple(
        Concept(
            slug=row["concept"],
            group=row["group"],
            terms={lang: row[lang] for lang in LANGUAGES},
            patterns={lang: _compile(lang, row[f"{lang}_forms"]) for lang in LANGUAGES},
            meaning=row["meaning"],
            source=row["source"],
        )
        for row in rows
    )


def concepts_in(text: str, language: str) -> set[str]:
    """The concepts ``text`` names, longest match first (no match inside a longer one)."""
    matches = [
        (m.start(), m.end(), concept.slug)
        for concept in concepts()
        for m in concept.patterns[language].finditer(text)
    ]
    matches.sort(key=lambda m: (m[0] - m[1], m[0]))  # longest first
    taken: list[tuple[int, int]] = []
    found: set[str] = set()
    for start, end, slug in matches:
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            continue
        taken.append((start, end))
        found.add(slug)
    return found


def problems(danish: str, translation: str, language: str) -> list[str]:
    """Why ``translation`` breaks the terminology base, or nothing."""
    by_slug = {c.slug: c for c in concepts()}
    meant = concepts_in(danish, "da")
    used = concepts_in(translation, language)
    # A plan's Danish name kept as it is (as the plans' own titles are) names it too.
    kept = concepts_in(translation, "da") if language != "da" else set()
    found = [
        f"names {slug} without its term {by_slug[slug].terms[language]!r}"
        for slug in sorted(meant - used - kept)
    ]
    groups = {by_slug[slug].group for slug in meant}
    found += [
        f"uses the term of {slug}, which the Danish does not name"
        for slug in sorted(used - meant)
        if by_slug[slug].group in groups
    ]
    return found
