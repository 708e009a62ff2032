"""Free text is kept as typed, but made plain: one normal form, no invisible
characters that reorder or hide what others read."""

from __future__ import annotations

import unicodedata

import pytest

from citizen_portal.formatting import left_to_right
from citizen_portal.text import plain


@pytest.mark.parametrize(
    "hidden",
    [
        "\u202a",
        "\u202b",
        "\u202c",
        "\u202d",
        "\u202e",  # bidi embeddings and overrides
        "\u2066",
        "\u2067",
        "\u2068",
        "\u2069",  # bidi isolates
        "\u200b",
        "\ufeff",  # zero-width space, byte order mark
        "\x00",
        "\x07",
        "\x1b",  # control characters
    ],
)
def test_invisible_characters_that_hide_or_reorder_text_are_removed(hidden: str) -> None:
    assert plain(f"Ring til{hidden} Hanne") == "Ring til Hanne"


def test_a_right_to_left_override_cannot_disguise_a_number() -> None:
    # Shown as "Call 112" reversed by the override; stored, it is just the digits.
    assert plain("Call \u202e211\u202c") == "Call 211"


def test_text_is_stored_in_one_normal_form() -> None:
    decomposed = "Sørensen, cafe\u0301"  # é as e + combining accent
    stored = plain(decomposed)
    assert stored == unicodedata.normalize("NFC", decomposed)
    assert "\u0301" not in stored


@pytest.mark.parametrize(
    "kept",
    [
        "\u0644\u0627\u200c\u0645",  # a zero-width non-joiner inside Arabic
        "\U0001f469\u200d\U0001f467",  # a zero-width joiner inside an emoji
        "Line one\nLine two",
        "<script>alert(1)</script>",  # markup is kept as typed; pages escape it
    ],
)
def test_what_people_need_to_write_is_kept(kept: str) -> None:
    assert plain(kept) == kept


def test_line_breaks_are_one_kind_and_ends_are_trimmed() -> None:
    assert plain("  a\r\nb\rc  ") == "a\nb\nc"


def test_left_to_right_isolates_and_escapes_the_value() -> None:
    assert str(left_to_right("+45 38 64 00 00")) == '<bdi dir="ltr">+45 38 64 00 00</bdi>'
    assert "<script>" not in str(left_to_right("<script>"))


def test_a_value_written_in_arabic_is_isolated_in_its_own_direction() -> None:
    # An Arabic date or time forced left to right would show its words in the wrong order.
    assert str(left_to_right("29 نوفمبر 2026")) == "<bdi>29 نوفمبر 2026</bdi>"
    assert str(left_to_right("10:30 ص")) == "<bdi>10:30 ص</bdi>"
    assert str(left_to_right("2027-06-30")) == '<bdi dir="ltr">2027-06-30</bdi>'
