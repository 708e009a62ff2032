"""LIX, the Danish readability measure, and the report of the hardest strings."""

from __future__ import annotations

import pytest

from citizen_portal.readability import main, score


def test_lix_counts_words_per_sentence_and_long_words() -> None:
    assert score("Jeg har en plan. Den er god.").lix == 3.5  # 7 words, 2 sentences
    # 4 words, 1 sentence, 2 longer than six letters: 4 + 50.
    assert score("Koordinerende indsatsplaner er svære.").lix == 54.0
    assert score("Overskrift\nEn kort linje.").sentences == 2, "a line break ends a sentence"
    assert score("Hej %(name)s.").words == 2, "placeholders count as one short word"


def test_readability_script_prints_the_twenty_hardest_danish_strings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main() == 0
    rows = capsys.readouterr().out.strip().splitlines()
    assert rows[0].split() == ["LIX", "words", "text"]
    assert len(rows) == 21
    scores = [float(r.split()[0]) for r in rows[1:]]
    assert scores == sorted(scores, reverse=True)
