"""Statement scores from evidence-category scores (SAF as first published, 2023).

The conversion is the reference's best recollection (UNCERTAIN, section 2.4); these
examples are self-made to pin the implemented rule down.
"""

from __future__ import annotations

import pytest

from wellled.engines.ratings import (
    MissingScoresError,
    Rating,
    RatingsError,
    Rounding,
    ScoreError,
    score_key_question,
    statement_score_from_evidence,
)

from .support import statements


@pytest.mark.parametrize(
    ("categories", "score", "published"),
    [
        ({"peoples-experience": 3, "processes": 3, "outcomes": 3}, 3, 75),
        ({"peoples-experience": 4, "processes": 4, "outcomes": 3}, 4, 92),
        ({"peoples-experience": 2, "processes": 3}, 3, 63),  # 62.5% half up
        ({"peoples-experience": 1, "processes": 2}, 1, 38),  # mean 1.5 is still Inadequate
        ({"observation": 2, "outcomes": 2, "processes": None}, 2, 50),
    ],
)
def test_the_scored_categories_as_a_percentage_map_to_the_bands(
    categories: dict[str, int | None], score: int, published: int
) -> None:
    result = statement_score_from_evidence(categories)
    assert result.score == score
    assert result.percentage.published_percentage == published
    assert None not in result.categories.values()


def test_a_half_at_a_band_edge_is_flagged_with_each_rounding_s_score() -> None:
    result = statement_score_from_evidence({"peoples-experience": 2, "processes": 3})
    assert result.boundary_case
    assert result.scores_by_rounding[Rounding.FLOOR] == 2
    assert result.scores_by_rounding[Rounding.HALF_UP] == 3
    assert "UNCERTAIN" in result.notes[0]


def test_statement_scores_from_evidence_feed_the_key_question() -> None:
    ids = statements("caring", "saf_2023_evidence_categories")
    scores: dict[str, int | None] = {
        sid: statement_score_from_evidence({"peoples-experience": 3, "observation": 4}).score
        for sid in ids
    }
    result = score_key_question(scores, methodology="saf_2023_evidence_categories")
    assert result.rating is Rating.OUTSTANDING  # each statement 87.5% -> 88 -> 4


def test_the_2024_methodology_does_not_score_evidence_categories() -> None:
    with pytest.raises(RatingsError, match="scored directly"):
        statement_score_from_evidence({"processes": 3}, methodology="saf_2024_statements")


def test_an_unknown_category_is_named_with_the_known_ones() -> None:
    with pytest.raises(RatingsError) as error:
        statement_score_from_evidence({"audits": 3}, statement="safeguarding")
    assert str(error.value).startswith(
        "Unknown evidence category for statement 'safeguarding': audits. "
        "Use: peoples-experience, feedback-from-staff-and-leaders"
    )


def test_a_category_score_outside_1_to_4_names_the_category() -> None:
    with pytest.raises(ScoreError, match="evidence category 'outcomes' must be a whole number"):
        statement_score_from_evidence({"outcomes": 7})


def test_no_scored_category_is_refused() -> None:
    with pytest.raises(MissingScoresError, match="No evidence category is scored"):
        statement_score_from_evidence({"outcomes": None})
