"""Both sides of every age boundary of representation, on the birthday and the day
before: mutation testing moved the representative age from 18 to 17 (and custody's
end from 15 to 14 or 16) and no test noticed, because the tests only tried 16."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask

from citizen_portal.representation.models import RepresentationKind
from citizen_portal.representation.rules import (
    RepresentationFacts,
    RepresentationRefused,
    age_on,
    check_new_representation,
    ends_on,
    in_effect,
)
from citizen_portal.security.actors import Scope

TODAY = date(2026, 11, 28)
K = RepresentationKind
ADULT = date(1980, 1, 1)


def _years_ago(years: int, days_later: int = 0) -> date:
    """Born ``years`` years before TODAY (turning that age today), or ``days_later`` after."""
    return date.fromordinal(TODAY.replace(year=TODAY.year - years).toordinal() + days_later)


def _check(kind: RepresentationKind, represented: date | None, representative: date | None) -> None:
    check_new_representation(kind, 1, represented, 2, representative, TODAY, None, TODAY)


def _refused(
    app: Flask, kind: RepresentationKind, represented: date | None, representative: date | None
) -> str:
    with app.app_context(), pytest.raises(RepresentationRefused) as refused:
        _check(kind, represented, representative)
    return str(refused.value.message)


def test_age_turns_on_the_birthday_not_the_day_before() -> None:
    assert age_on(_years_ago(18), TODAY) == 18
    assert age_on(_years_ago(18, 1), TODAY) == 17
    assert age_on(date(2000, 2, 29), date(2018, 2, 28)) == 17
    assert age_on(date(2000, 2, 29), date(2018, 3, 1)) == 18
    assert age_on(date(2000, 12, 31), date(2001, 1, 1)) == 0


@pytest.mark.parametrize("kind", list(K))
def test_a_representative_is_18_on_the_birthday_and_not_the_day_before(
    app: Flask, kind: RepresentationKind
) -> None:
    child = _years_ago(10) if kind is K.PARENTAL_CUSTODY else ADULT
    with app.app_context():
        _check(kind, child, _years_ago(18))  # 18 today: allowed
    assert "18 or older" in _refused(app, kind, child, _years_ago(18, 1))  # 18 tomorrow
    assert "18 or older" in _refused(app, kind, child, None)  # age unknown


def test_a_power_of_attorney_is_given_from_15_on_the_birthday(app: Flask) -> None:
    with app.app_context():
        _check(K.POWER_OF_ATTORNEY, _years_ago(15), ADULT)
    message = _refused(app, K.POWER_OF_ATTORNEY, _years_ago(15, 1), ADULT)
    assert "15 or older" in message
    assert "15 or older" in _refused(app, K.POWER_OF_ATTORNEY, None, ADULT)


def test_custody_is_registered_until_the_day_before_the_15th_birthday(app: Flask) -> None:
    with app.app_context():
        _check(K.PARENTAL_CUSTODY, _years_ago(15, 1), ADULT)  # 14 until tomorrow
    assert "under 15" in _refused(app, K.PARENTAL_CUSTODY, _years_ago(15), ADULT)
    assert "under 15" in _refused(app, K.PARENTAL_CUSTODY, None, ADULT)


@pytest.mark.parametrize("kind", [K.GUARDIAN, K.LASTING_POWER_OF_ATTORNEY])
def test_an_authority_registers_for_anyone_of_any_age(app: Flask, kind: RepresentationKind) -> None:
    with app.app_context():
        for born in (_years_ago(40), _years_ago(15, 1), _years_ago(10), None):
            _check(kind, born, ADULT)


def _custody(born: date | None, until: date | None = None) -> RepresentationFacts:
    return RepresentationFacts(
        kind=K.PARENTAL_CUSTODY,
        represented_id=1,
        representative_id=2,
        scopes=frozenset({Scope.READ_PLANS}),
        valid_from=date(2010, 1, 1),
        valid_until=until,
        accepted=False,
        revoked_at=None,
        represented_birth_date=born,
    )


def test_custody_is_in_effect_the_day_before_the_15th_birthday_and_ends_on_it() -> None:
    assert in_effect(_custody(_years_ago(15, 1)), TODAY)
    assert not in_effect(_custody(_years_ago(15)), TODAY)
    assert in_effect(_custody(_years_ago(14)), TODAY)
    assert not in_effect(_custody(None), TODAY), "no birth date: not in effect"


def test_custody_ends_the_day_before_the_15th_birthday_or_earlier() -> None:
    born = date(2012, 6, 10)
    assert ends_on(_custody(born)) == date(2027, 6, 9)
    assert ends_on(_custody(born, until=date(2020, 1, 1))) == date(2020, 1, 1)
    assert ends_on(_custody(born, until=date(2030, 1, 1))) == date(2027, 6, 9)
    assert ends_on(_custody(date(2012, 2, 29))) == date(2027, 2, 28)
    assert ends_on(_custody(None, until=date(2030, 1, 1))) == date(2030, 1, 1)
    assert ends_on(_custody(None)) is None
