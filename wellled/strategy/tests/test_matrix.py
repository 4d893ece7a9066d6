"""The 5x5 risk matrix (NPSA 2008, reference §2.1): only 14 scores are possible,
bands 1-3 low, 4-6 moderate, 8-12 high, 15-25 extreme by default."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wellled.strategy import matrix

axis = st.integers(min_value=1, max_value=5)


def test_only_fourteen_scores_are_possible() -> None:
    assert sorted(matrix.VALID_SCORES) == [1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 20, 25]


@given(axis, axis)
def test_every_product_is_valid_and_in_exactly_one_band(likelihood: int, consequence: int) -> None:
    value = matrix.score(likelihood, consequence)
    assert value in matrix.VALID_SCORES
    holding = [b for b in matrix.DEFAULT_BANDS if b.low <= value <= b.high]
    assert len(holding) == 1 and matrix.band(value) == holding[0].name


@given(st.integers().filter(lambda n: n not in range(1, 6)), axis)
def test_a_likelihood_or_consequence_outside_1_to_5_is_refused(bad: int, good: int) -> None:
    with pytest.raises(ValueError, match="1 to 5"):
        matrix.score(bad, good)
    with pytest.raises(ValueError, match="1 to 5"):
        matrix.score(good, bad)


@given(st.integers(min_value=1, max_value=25).filter(lambda n: n not in matrix.VALID_SCORES))
def test_a_score_no_product_can_give_has_no_band(value: int) -> None:
    with pytest.raises(ValueError):
        matrix.band(value)


def test_the_default_bands_and_overlapping_ones() -> None:
    assert [matrix.band(v) for v in (3, 4, 6, 8, 12, 15)] == [
        "Low",
        "Moderate",
        "Moderate",
        "High",
        "High",
        "Extreme",
    ]
    matrix.check_bands(matrix.DEFAULT_BANDS)
    with pytest.raises(ValueError, match="score 4"):
        matrix.check_bands([matrix.Band("Low", 1, 4), matrix.Band("Rest", 4, 25)])
