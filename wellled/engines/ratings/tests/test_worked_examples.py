"""Worked examples, each with its source.

Sources are from /work/shared/reference/cqc-framework.md (sections cited). "Published"
means a public page gave the numbers; "derived" means the reference computed them from
the published rules and CQC has not published them. CQC's own "Example: how we reach a
rating" (https://gl-cqc.axis12.com/node/11030) could not be read, so it is not here.
"""

from __future__ import annotations

import pytest

from wellled.engines.ratings import Rating, aggregate_overall, score_key_question

from .support import five, scored, statements

OUT, GOOD, RI, INAD = "Outstanding", "Good", "Requires improvement", "Inadequate"


def test_e1_matar_gp_practice_safe_21_of_32_is_good() -> None:
    # Published (3rd-party, citing CQC), reference 2.9 E1:
    # https://www.matar.co.uk/blog/understanding-the-cqcs-new-scoring-system-for-gp-practices
    # "Let us assume that the practice scored 21 for the safe key question": 21/32 = 65.6%.
    # Only the total is published; the split across the 8 statements is ours.
    result = score_key_question(scored("safe", [3, 3, 3, 3, 3, 2, 2, 2]))
    assert result.percentage.total == 21
    assert round(result.raw_percentage, 1) == 65.6
    assert result.published_percentage == 66
    assert result.rating is Rating.GOOD


# Derived in the reference (2.9, "Derived test cases"): computed from the confirmed
# formula and bands, not published by CQC.
DERIVED = [
    ("well-led", [3] * 8, 75.0, 75, Rating.GOOD),
    ("well-led", [4] * 8, 100.0, 100, Rating.OUTSTANDING),
    ("well-led", [2] * 8, 50.0, 50, Rating.REQUIRES_IMPROVEMENT),
    ("well-led", [1] * 8, 25.0, 25, Rating.INADEQUATE),
    ("well-led", [4] * 4 + [3] * 4, 87.5, 88, Rating.OUTSTANDING),
    ("well-led", [3] * 4 + [2] * 4, 62.5, 63, Rating.GOOD),
    ("well-led", [2] * 4 + [1] * 4, 37.5, 38, Rating.INADEQUATE),
    ("well-led", [3] * 7 + [1], 68.75, 69, Rating.GOOD),
    ("well-led", [4] * 6 + [3] * 2, 93.75, 94, Rating.OUTSTANDING),
    ("effective", [3] * 3 + [2] * 3, 62.5, 63, Rating.GOOD),
    ("caring", [3] * 4 + [2], 70.0, 70, Rating.GOOD),
    ("caring", [2] * 4 + [3], 55.0, 55, Rating.REQUIRES_IMPROVEMENT),
    ("responsive", [2] * 3 + [3] * 4, 64.2857, 64, Rating.GOOD),
    ("responsive", [2] * 4 + [3] * 3, 60.7143, 61, Rating.REQUIRES_IMPROVEMENT),
]


@pytest.mark.parametrize(("key_question", "scores", "raw", "published", "rating"), DERIVED)
def test_reference_derived_cases_with_half_up_rounding(
    key_question: str, scores: list[int], raw: float, published: int, rating: Rating
) -> None:
    result = score_key_question(scored(key_question, scores))
    assert result.raw_percentage == pytest.approx(raw, abs=1e-4)
    assert result.published_percentage == published
    assert result.rating is rating


def test_reference_derived_ambiguous_cases_under_floor_rounding() -> None:
    # Reference 2.4 and 2.9: 87.5% is Good if floored, 62.5% is RI if floored.
    top = score_key_question(scored("well-led", [4] * 4 + [3] * 4), rounding="floor")
    middle = score_key_question(scored("effective", [3] * 3 + [2] * 3), rounding="floor")
    assert (top.rating, top.boundary_case) == (Rating.GOOD, True)
    assert (middle.rating, middle.boundary_case) == (Rating.REQUIRES_IMPROVEMENT, True)


def test_reference_derived_one_statement_at_1_is_ri_with_the_limiter() -> None:
    # Reference 2.9: "Good by %; RI if the QS=1 limiter exists (UNCERTAIN)".
    result = score_key_question(scored("well-led", [3] * 7 + [1]), limiters=["statement_scored_1"])
    assert result.rating is Rating.REQUIRES_IMPROVEMENT


@pytest.mark.parametrize(
    ("total", "rating"),
    [(t, Rating.REQUIRES_IMPROVEMENT) for t in range(13, 20)]
    + [(t, Rating.GOOD) for t in range(21, 28)],
)
def test_story_well_led_totals_13_to_20_are_ri_and_21_to_28_good(
    total: int, rating: Rating
) -> None:
    # Derived in the reference (2.8): the trust's well-led fall from Good to Requires
    # improvement means a total of 13-20 of 32, where 20 (62.5%) depends on rounding. The
    # story gives no statement scores, so the split here is ours.
    ids = statements("well-led")
    scores = [1] * 8
    for i in range(total - 8):
        scores[i % 8] += 1
    result = score_key_question(dict(zip(ids, scores, strict=True)))
    assert result.rating is rating
    assert not result.boundary_case


def test_story_well_led_total_20_is_the_rounding_boundary() -> None:
    result = score_key_question(scored("well-led", [3, 3, 3, 3, 2, 2, 2, 2]))
    assert result.boundary_case
    assert result.rating is Rating.GOOD  # half up; Requires improvement if floored


# Aggregation. Published (3rd-party on CQC's March 2018 NHS trust guidance), reference 2.9.


def test_e2_capsticks_two_ri_of_six_with_the_others_good_is_good() -> None:
    # https://capsticks.com/insights/new-cqc-guidance-on-combining-ratings-for-quality-and-use-of-resources
    ratings = five(GOOD, RI, GOOD, GOOD, RI) | {"use-of-resources": GOOD}
    result = aggregate_overall(
        ratings, methodology="kloe_2014", principles="nhs_trust_combined_2018"
    )
    assert result.rating is Rating.GOOD


def test_e3_capsticks_three_ri_of_six_is_ri() -> None:
    ratings = five(GOOD, RI, GOOD, RI, RI) | {"use-of-resources": OUT}
    result = aggregate_overall(
        ratings, methodology="kloe_2014", principles="nhs_trust_combined_2018"
    )
    assert result.rating is Rating.REQUIRES_IMPROVEMENT


def test_e4_hsj_two_of_five_inadequate_is_inadequate_and_still_two_of_six() -> None:
    # https://www.hsj.co.uk/quality-and-performance/efficiency-rating-could-make-it-easier-for-trusts-to-be-inadequate/7020999.article
    five_domains = aggregate_overall(five(INAD, GOOD, GOOD, INAD, GOOD), methodology="kloe_2014")
    six = aggregate_overall(
        five(INAD, GOOD, GOOD, INAD, GOOD) | {"use-of-resources": GOOD},
        methodology="kloe_2014",
        principles="nhs_trust_combined_2018",
    )
    assert five_domains.rating is six.rating is Rating.INADEQUATE


def test_e5_hsj_two_of_six_outstanding_with_the_others_good_is_outstanding() -> None:
    ratings = five(OUT, GOOD, OUT, GOOD, GOOD) | {"use-of-resources": GOOD}
    result = aggregate_overall(
        ratings, methodology="kloe_2014", principles="nhs_trust_combined_2018"
    )
    assert result.rating is Rating.OUTSTANDING


# Derived in the reference (2.9, "Overall, 5 KQs") from the adult social care principles
# https://gl-cqc.axis12.com/guidance-providers/adult-social-care/how-we-aggregate-ratings-using-rating-principles-adult-social


@pytest.mark.parametrize(
    ("ratings", "overall"),
    [
        ((OUT, OUT, GOOD, GOOD, GOOD), Rating.OUTSTANDING),
        ((OUT, OUT, OUT, OUT, RI), Rating.GOOD),
        ((GOOD, GOOD, GOOD, GOOD, RI), Rating.GOOD),
        ((GOOD, GOOD, GOOD, RI, RI), Rating.REQUIRES_IMPROVEMENT),
        ((INAD, INAD, GOOD, GOOD, GOOD), Rating.INADEQUATE),
    ],
)
def test_reference_derived_overall_ratings(ratings: tuple[str, ...], overall: Rating) -> None:
    for methodology in ("saf_2024_statements", "saf_2023_evidence_categories", "kloe_2014"):
        assert aggregate_overall(five(*ratings), methodology=methodology).rating is overall


def test_reference_derived_one_inadequate_and_four_good_needs_judgement() -> None:
    # Reference 2.9: "Not covered by the rules: judgement; normally RI".
    result = aggregate_overall(five(GOOD, GOOD, GOOD, GOOD, INAD))
    assert result.judgement_needed
    assert result.rating is None
    assert result.gap is not None and "normally Requires improvement" in result.gap
