"""Scoring a key question: the percentage, rounding, unassessed statements, limiters, errors.

Examples here are self-made to exercise one rule each; the published ones are in
test_worked_examples.py.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from wellled.engines.ratings import (
    MissingScoresError,
    Rating,
    RatingsError,
    Rounding,
    ScoreError,
    apply_limiters,
    score_key_question,
)

from .support import scored, statements


def test_the_percentage_is_the_total_over_four_per_statement() -> None:
    result = score_key_question(scored("responsive", [2, 2, 2, 3, 3, 3, 3]))
    assert result.percentage.total == 18
    assert result.percentage.maximum == 28
    assert result.percentage.raw_percentage == Fraction(1800, 28)
    assert result.published_percentage == 64
    assert result.rating is Rating.GOOD
    assert result.key_question == "responsive"
    assert result.methodology == "saf_2024_statements"


def test_half_up_is_the_default_and_62_5_publishes_as_63_good() -> None:
    result = score_key_question(scored("well-led", [3, 3, 3, 3, 2, 2, 2, 2]))
    assert result.raw_percentage == 62.5
    assert result.published_percentage == 63
    assert result.percentage.rounding is Rounding.HALF_UP
    assert result.rating is Rating.GOOD


def test_the_rounding_mode_is_configurable_and_the_boundary_is_flagged() -> None:
    scores = scored("well-led", [3, 3, 3, 3, 2, 2, 2, 2])
    floor = score_key_question(scores, rounding="floor")
    assert (floor.published_percentage, floor.rating) == (62, Rating.REQUIRES_IMPROVEMENT)
    assert floor.boundary_case
    assert floor.ratings_by_rounding == {
        Rounding.HALF_UP: Rating.GOOD,
        Rounding.HALF_EVEN: Rating.REQUIRES_IMPROVEMENT,
        Rounding.FLOOR: Rating.REQUIRES_IMPROVEMENT,
        Rounding.CEILING: Rating.GOOD,
    }
    assert "Boundary case: 62.5%" in floor.notes[0]


def test_a_half_that_stays_in_its_band_is_not_a_boundary_case() -> None:
    result = score_key_question(scored("well-led", [2, 2, 2, 2, 1, 1, 1, 1]))
    assert result.raw_percentage == 37.5
    assert result.published_percentage == 38
    assert result.rating is Rating.INADEQUATE
    assert not result.boundary_case
    assert result.notes == ()


def test_an_unknown_rounding_mode_is_refused_by_name() -> None:
    with pytest.raises(RatingsError, match="Unknown rounding mode 'bankers'"):
        score_key_question(scored("caring", [3, 3, 3, 3, 3]), rounding="bankers")


def test_unassessed_statements_take_the_previous_rating_and_are_named() -> None:
    safe = statements("safe")
    result = score_key_question(
        {safe[0]: 2, safe[1]: 2, safe[2]: None}, previous_rating="Outstanding"
    )
    assert result.statement_scores == {safe[0]: 2, safe[1]: 2} | dict.fromkeys(safe[2:], 4)
    assert result.carried_forward == safe[2:]
    assert result.previous_rating is Rating.OUTSTANDING
    assert result.percentage.total == 28
    assert "6 statement(s) scored from the previous rating (Outstanding)" in result.notes[-1]


def test_unassessed_statements_without_a_previous_rating_are_refused_not_guessed() -> None:
    safe = statements("safe")
    with pytest.raises(MissingScoresError) as error:
        score_key_question({safe[0]: 3, safe[1]: None})
    message = str(error.value)
    assert message.startswith("No score for 7 Safe statement(s): safe-systems-pathways")
    assert "pass previous_rating=" in message


def test_a_key_question_can_be_scored_from_its_previous_rating_alone() -> None:
    result = score_key_question({}, key_question="caring", previous_rating="requires improvement")
    assert result.published_percentage == 50
    assert result.rating is Rating.REQUIRES_IMPROVEMENT


@pytest.mark.parametrize("bad", [0, 5, -1, 2.5, "3", True])
def test_a_score_outside_1_to_4_names_the_statement(bad: object) -> None:
    with pytest.raises(ScoreError) as error:
        score_key_question({"freedom-to-speak-up": bad}, previous_rating="Good")  # type: ignore[dict-item]
    assert str(error.value) == (
        "Score for statement 'freedom-to-speak-up' must be a whole number from 1 to 4, "
        f"or None if not assessed; got {bad!r}."
    )


def test_an_unknown_statement_is_named() -> None:
    with pytest.raises(ScoreError, match="Unknown quality statement 'speaking-up'"):
        score_key_question({"speaking-up": 3})


def test_statements_of_two_key_questions_are_refused() -> None:
    with pytest.raises(ScoreError, match=r"mix key questions \(safe, well-led\)"):
        score_key_question({"safeguarding": 3, "freedom-to-speak-up": 3})


def test_a_statement_outside_the_named_key_question_is_refused() -> None:
    with pytest.raises(ScoreError, match="'safeguarding' is not Well-led statement"):
        score_key_question({"safeguarding": 3}, key_question="well-led")


def test_the_kloe_methodology_has_no_numeric_scoring() -> None:
    with pytest.raises(RatingsError, match="kloe_2014 does not score key questions"):
        score_key_question({"kloe-w1": 3}, methodology="kloe_2014")


def test_a_statement_scored_1_limits_good_to_requires_improvement_when_switched_on() -> None:
    scores = scored("well-led", [3, 3, 3, 3, 3, 3, 3, 1])
    plain = score_key_question(scores)
    limited = score_key_question(scores, limiters=["statement_scored_1"])
    assert plain.rating is Rating.GOOD and plain.limiters_applied == ()
    assert limited.band_rating is Rating.GOOD
    assert limited.published_percentage == 69
    assert limited.rating is Rating.REQUIRES_IMPROVEMENT
    (applied,) = limited.limiters_applied
    assert applied.name == "statement_scored_1"
    assert applied.reason.startswith("environmental-sustainability scored 1:")
    assert applied.changed_rating
    assert "UNCERTAIN" in applied.status


def test_the_statement_limiter_does_nothing_without_a_1() -> None:
    result = score_key_question(scored("caring", [2, 3, 3, 3, 3]), limiters=["statement_scored_1"])
    assert result.rating is Rating.GOOD
    assert result.limiters_applied == ()


def test_a_requirement_notice_limits_to_requires_improvement_at_best() -> None:
    result = score_key_question(scored("caring", [4, 4, 4, 4, 4]), limiters=["requirement_notice"])
    assert result.band_rating is Rating.OUTSTANDING
    assert result.rating is Rating.REQUIRES_IMPROVEMENT
    (applied,) = result.limiters_applied
    assert applied.cap is Rating.REQUIRES_IMPROVEMENT
    assert "requirement notice" in applied.reason
    assert applied.sources[0] == (
        "https://cqc.org.uk/guidance-providers/nhs-trusts/ratings-principles-nhs-trusts"
    )


def test_a_warning_notice_makes_the_rating_inadequate_and_both_are_listed() -> None:
    result = score_key_question(
        scored("caring", [3, 3, 3, 3, 3]), limiters=["requirement_notice", "warning_notice"]
    )
    assert result.rating is Rating.INADEQUATE
    assert [a.name for a in result.limiters_applied] == ["requirement_notice", "warning_notice"]


def test_a_limiter_that_does_not_lower_the_rating_is_listed_as_not_changing_it() -> None:
    result = score_key_question(scored("caring", [2, 2, 2, 2, 2]), limiters=["requirement_notice"])
    assert result.rating is Rating.REQUIRES_IMPROVEMENT
    assert not result.limiters_applied[0].changed_rating


def test_an_unknown_limiter_is_refused_with_the_known_ones() -> None:
    with pytest.raises(RatingsError) as error:
        score_key_question(scored("caring", [3, 3, 3, 3, 3]), limiters=["special_measures"])
    assert str(error.value) == (
        "Unknown limiter 'special_measures' for saf_2024_statements. Known limiters: "
        "statement_scored_1, requirement_notice, warning_notice, condition_of_registration."
    )


def test_enforcement_limiters_apply_to_judged_kloe_ratings() -> None:
    rating, applied = apply_limiters("Good", ["warning_notice"], methodology="kloe_2014")
    assert rating is Rating.INADEQUATE
    assert applied[0].status == "CONFIRMED"
