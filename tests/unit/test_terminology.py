"""The terminology base (translations/terms.csv): one term per legal concept in every
language, and every catalogue entry uses the term of the concept it is about."""

from __future__ import annotations

import re

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from citizen_portal.glossary.terminology import concepts, concepts_in, problems
from citizen_portal.glossary.terms import TERMS
from citizen_portal.i18n_catalogues import TRANSLATIONS

REQUIRED = {
    "consent",
    "approval",
    "stance",
    "power-of-attorney",
    "lasting-power-of-attorney",
    "guardian",
    "parental-responsibility",
    "representative",
    "advance-statement",
    "relative",
    "discharge-agreement",
    "coordination-plan",
    "coordinated-action-plan",
    "emergency",
}


def _catalogue(language: str) -> Catalog:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f)


def _texts(message: object) -> list[str]:
    string = getattr(message, "string", "")
    return [string] if isinstance(string, str) else [s for s in string if s]


def test_every_concept_has_a_term_a_meaning_and_a_source_in_every_language() -> None:
    found = {c.slug: c for c in concepts()}
    assert set(found) >= REQUIRED
    for concept in found.values():
        assert all(concept.terms.values()), concept.slug
        assert concept.meaning, concept.slug
        assert concept.source, concept.slug
        # Each concept's own term is found as that concept, in each language.
        for language, term in concept.terms.items():
            first = term.split(" / ")[0].split(" (")[0]
            assert concept.slug in concepts_in(first, language), (concept.slug, language, first)


def test_the_rule_finds_the_longest_term_and_stems() -> None:
    assert concepts_in("Giv en fremtidsfuldmagt", "da") == {"lasting-power-of-attorney"}
    assert concepts_in("Din fuldmagt og dine samtykker", "da") == {"power-of-attorney", "consent"}
    assert concepts_in("Jeg er uenig", "da") == {"stance"}
    assert concepts_in("the discharge agreement", "en") == {"discharge-agreement"}
    assert concepts_in("I agree", "en") == {"stance"}
    assert concepts_in("التوكيل المستقبلي", "ar") == {"lasting-power-of-attorney"}
    assert concepts_in("بموافقتك", "ar") == {"consent"}  # with its clitics
    assert concepts_in("اعتمادك للخطة", "ar") == {"approval"}
    assert concepts_in("أتفق مع الخطة", "ar") == {"stance"}


def test_the_rule_catches_a_consent_term_in_an_approval_string() -> None:
    # The wording the review found: approval translated with the consent word.
    assert problems("Godkendt af dig", "وافقت عليها", "ar") == [
        "names approval without its term 'الاعتماد / يعتمد'",
        "uses the term of consent, which the Danish does not name",
    ]
    assert problems("Godkendt af dig", "اعتمدتها أنت", "ar") == []
    assert problems("Jeg er enig", "أوافق", "ar") != []
    assert problems("Giv samtykke", "Give approval", "en") != []


def test_every_catalogue_entry_uses_the_term_of_its_concept() -> None:
    danish = _catalogue("da")
    wrong = []
    for language in ("en", "ar"):
        for message in _catalogue(language):
            if not message.id:
                continue
            source = danish.get(message.id)
            if source is None:
                continue
            for da_text, text in zip(_texts(source), _texts(message), strict=False):
                found = problems(da_text, text, language)
                if found:
                    wrong.append((language, da_text, text, found))
    assert not wrong, "\n".join(map(str, wrong))


def test_english_treats_consent_as_uncountable() -> None:
    countable = re.compile(r"\b(?:a consent|consents)\b", re.IGNORECASE)
    english = [t for m in _catalogue("en") if m.id for t in _texts(m)]
    assert not [t for t in english if countable.search(t)]


def test_wording_the_review_found_misleading_is_gone() -> None:
    misleading = {
        # "Givet af Hanne for dig" can read as "given to you"; "på dine vegne" cannot.
        "da": [
            r"af %\(name\)s for dig",
            r"Handl for dem",
            r"få dagen til at gå",
            r"\budgave",
            r"kun børn under 15",
        ],
        "en": [r"Parental custody", r"Key person", r"threads together", r"free at the hospital"],
        "ar": [r"حضان", r"توكيل دائم", r"قبل %\(date\)s"],
    }
    for language, patterns in misleading.items():
        texts = [t for m in _catalogue(language) if m.id for t in _texts(m)]
        for pattern in patterns:
            found = [t for t in texts if re.search(pattern, t)]
            assert not found, (language, pattern, found)


def test_the_emergency_department_is_not_explained_as_psychiatric() -> None:
    by_form = {form: term.slug for term in TERMS for form in term.forms}
    assert by_form["skadestue"] == "emergency-department"
    assert by_form["akutmodtagelse"] == "emergency-department"
    assert by_form["psykiatrisk akutmodtagelse"] == "emergency-psychiatry"
