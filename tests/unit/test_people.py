from __future__ import annotations

from datetime import date

import pytest

from citizen_portal.people.services import (
    InvalidCpr,
    birth_date_from_cpr,
    hash_cpr,
    normalise_cpr,
)


def test_cpr_hash_is_keyed_and_does_not_contain_the_number() -> None:
    one = hash_cpr("140388-1234", b"key-one")
    assert one == hash_cpr("1403881234", b"key-one"), "the dash does not matter"
    assert one != hash_cpr("1403881234", b"key-two"), "without the key it cannot be rebuilt"
    assert "1403881234" not in one
    assert len(one) == 64


@pytest.mark.parametrize("bad", ["", "12345", "14038812345", "abcdefghij", "1403-881234"])
def test_malformed_cpr_is_refused(bad: str) -> None:
    with pytest.raises(InvalidCpr):
        normalise_cpr(bad)


@pytest.mark.parametrize(
    ("cpr", "born"),
    [
        ("1403881234", date(1988, 3, 14)),  # 7th digit 1: 1900s
        ("0502014567", date(2001, 2, 5)),  # 7th digit 4, year <= 36: 2000s
        ("0502404567", date(1940, 2, 5)),  # 7th digit 4, year > 36: 1900s
        ("0101108123", date(2010, 1, 1)),  # 7th digit 8, year <= 57: 2000s
        ("0101608123", date(1860, 1, 1)),  # 7th digit 8, year > 57: 1800s
        ("3102881234", None),  # no 31 February
    ],
)
def test_birth_date_follows_the_cpr_century_rule(cpr: str, born: date | None) -> None:
    assert birth_date_from_cpr(cpr) == born


ARABIC_INDIC_CPR = "".join(chr(0x0660 + int(digit)) for digit in "1403881234")


@pytest.mark.parametrize("lookalike", [ARABIC_INDIC_CPR, "\uff11" * 10, "140388\u00a01234"])
def test_a_cpr_number_is_ascii_digits_only(lookalike: str) -> None:
    """Arabic-Indic or fullwidth digits would hash to a second, phantom person."""
    with pytest.raises(InvalidCpr):
        normalise_cpr(lookalike)
