from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import Flask

from citizen_portal.representation.models import RepresentationKind
from citizen_portal.representation.rules import (
    RepresentationFacts,
    RepresentationRefused,
    age_on,
    check_new_representation,
    in_effect,
)
from citizen_portal.security.actors import Scope

TODAY = date(2026, 11, 28)
K = RepresentationKind


def _facts(**overrides: object) -> RepresentationFacts:
    values: dict[str, object] = {
        "kind": K.POWER_OF_ATTORNEY,
        "represented_id": 1,
        "representative_id": 2,
        "scopes": frozenset({Scope.READ_PLANS}),
        "valid_from": date(2026, 1, 1),
        "valid_until": None,
        "accepted": True,
        "revoked_at": None,
        "represented_birth_date": date(1980, 5, 5),
    }
    values.update(overrides)
    return RepresentationFacts(**values)  # type: ignore[arg-type]


def test_age_counts_whole_years_to_the_birthday() -> None:
    assert age_on(date(2011, 11, 28), TODAY) == 15
    assert age_on(date(2011, 11, 29), TODAY) == 14


def test_grant_is_in_effect_only_accepted_unrevoked_and_within_its_dates() -> None:
    assert in_effect(_facts(), TODAY)
    assert not in_effect(_facts(accepted=False), TODAY)
    assert not in_effect(_facts(revoked_at=datetime(2026, 11, 1, tzinfo=UTC)), TODAY)
    assert not in_effect(_facts(valid_from=date(2026, 12, 1)), TODAY)
    assert in_effect(_facts(valid_until=TODAY), TODAY), "the end date is the last day"
    assert not in_effect(_facts(valid_until=date(2026, 11, 27)), TODAY)


def test_custody_ends_on_the_15th_birthday_and_needs_no_acceptance() -> None:
    custody = {"kind": K.PARENTAL_CUSTODY, "accepted": False}
    assert in_effect(_facts(**custody, represented_birth_date=date(2011, 11, 29)), TODAY)
    assert not in_effect(_facts(**custody, represented_birth_date=date(2011, 11, 28)), TODAY)


@pytest.mark.parametrize(
    ("kind", "represented_born", "representative_born", "start", "end", "message"),
    [
        (K.POWER_OF_ATTORNEY, date(1990, 1, 1), date(2010, 1, 1), TODAY, None, "18 or older"),
        (K.POWER_OF_ATTORNEY, date(2012, 1, 1), date(1980, 1, 1), TODAY, None, "15 or older"),
        (
            K.POWER_OF_ATTORNEY,
            date(1990, 1, 1),
            date(1980, 1, 1),
            date(2026, 1, 1),
            None,
            "in the past",
        ),
        (
            K.POWER_OF_ATTORNEY,
            date(1990, 1, 1),
            date(1980, 1, 1),
            TODAY,
            date(2026, 1, 1),
            "after the start date",
        ),
        (K.PARENTAL_CUSTODY, date(2000, 1, 1), date(1980, 1, 1), TODAY, None, "under 15"),
    ],
)
def test_refused_representations_say_why(
    app: Flask,
    kind: RepresentationKind,
    represented_born: date,
    representative_born: date,
    start: date,
    end: date | None,
    message: str,
) -> None:
    with app.app_context(), pytest.raises(RepresentationRefused) as refused:
        check_new_representation(
            kind, 1, represented_born, 2, representative_born, start, end, TODAY
        )
    assert message in str(refused.value.message)


def test_nobody_represents_themself(app: Flask) -> None:
    with app.app_context(), pytest.raises(RepresentationRefused) as refused:
        check_new_representation(
            K.POWER_OF_ATTORNEY, 1, date(1990, 1, 1), 1, date(1990, 1, 1), TODAY, None, TODAY
        )
    assert "yourself" in str(refused.value.message)


@pytest.mark.parametrize(
    ("kind", "represented", "represented_born", "start", "end", "danish"),
    [
        (
            K.POWER_OF_ATTORNEY,
            2,
            date(1990, 1, 1),
            TODAY,
            None,
            "Du kan ikke give fuldmagt til dig selv.",
        ),
        (
            K.POWER_OF_ATTORNEY,
            1,
            date(2012, 1, 1),
            TODAY,
            None,
            "Du skal være mindst 15 år for at give fuldmagt.",
        ),
        (
            K.POWER_OF_ATTORNEY,
            1,
            date(1990, 1, 1),
            date(2026, 1, 1),
            None,
            "Startdatoen må ikke ligge i fortiden.",
        ),
        (
            K.PARENTAL_CUSTODY,
            1,
            date(2000, 1, 1),
            TODAY,
            None,
            "Forældre kan kun handle her for et barn under 15 år. Fra 15 år giver unge selv "
            "samtykke til deres behandling.",
        ),
        (
            K.POWER_OF_ATTORNEY,
            1,
            date(1990, 1, 1),
            TODAY,
            date(2026, 11, 27),
            "Slutdatoen skal ligge efter startdatoen.",
        ),
        (
            K.PARENTAL_CUSTODY,
            1,
            date(2015, 1, 1),
            date(2026, 1, 1),
            date(2026, 6, 1),
            "Slutdatoen må ikke ligge i fortiden.",
        ),
    ],
)
def test_a_refusal_reads_as_a_whole_sentence_in_the_readers_language(
    app: Flask,
    kind: RepresentationKind,
    represented: int,
    represented_born: date,
    start: date,
    end: date | None,
    danish: str,
) -> None:
    """The portal speaks Danish by default: the reason for a refusal is the
    catalogue's Danish sentence, never English left untranslated."""
    with app.test_request_context("/", headers={"Accept-Language": "da"}):
        with pytest.raises(RepresentationRefused) as refused:
            check_new_representation(
                kind, represented, represented_born, 2, date(1980, 1, 1), start, end, TODAY
            )
        assert str(refused.value.message) == danish


def test_a_power_of_attorney_may_last_one_day_today() -> None:
    """From today until today: the end date is the last day, so this is one day."""
    check_new_representation(
        K.POWER_OF_ATTORNEY, 1, date(1990, 1, 1), 2, date(1980, 1, 1), TODAY, TODAY, TODAY
    )
