"""Aggregation by the ratings principles, and the gaps they leave to judgement.

Self-made combinations, each checking one principle; the published ones are in
test_worked_examples.py.
"""

from __future__ import annotations

import pytest

from wellled.engines.ratings import Rating, RatingsError, aggregate_overall

from .support import five

OUT, GOOD, RI, INAD = "Outstanding", "Good", "Requires improvement", "Inadequate"


def test_one_inadequate_and_one_ri_needs_judgement_naming_the_gap() -> None:
    result = aggregate_overall(five(GOOD, GOOD, RI, GOOD, INAD))
    assert result.judgement_needed and result.rating is None
    assert result.reason == (
        "3 Good, 1 Requires improvement, 1 Inadequate: "
        "the ratings principles do not decide this combination."
    )
    assert result.gap is not None and result.gap.startswith("One Inadequate with at most one")


def test_two_ri_with_one_inadequate_is_ri_by_the_letter_of_the_principles() -> None:
    result = aggregate_overall(five(INAD, RI, RI, GOOD, GOOD))
    assert result.rating is Rating.REQUIRES_IMPROVEMENT
    assert result.counts[Rating.INADEQUATE] == 1


def test_one_outstanding_is_not_enough_of_five() -> None:
    assert aggregate_overall(five(OUT, GOOD, GOOD, GOOD, GOOD)).rating is Rating.GOOD


def test_outstanding_needs_the_others_good() -> None:
    assert aggregate_overall(five(OUT, OUT, OUT, GOOD, RI)).rating is Rating.GOOD


def test_the_saf_location_principles_need_all_five_key_questions() -> None:
    with pytest.raises(RatingsError) as error:
        aggregate_overall({"safe": GOOD, "caring": GOOD, "leadership": GOOD})
    assert "missing effective, responsive, well-led; unknown leadership" in str(error.value)
    assert "give its existing rating" in str(error.value)


def test_a_bad_rating_names_its_key() -> None:
    with pytest.raises(RatingsError, match="Rating for 'caring': Unknown rating 'Fine'"):
        aggregate_overall(five(GOOD, GOOD, "Fine", GOOD, GOOD))


def test_ratings_are_read_in_any_case_and_as_ri() -> None:
    result = aggregate_overall(five("good", "GOOD", "ri", "RI", "requires improvement"))
    assert result.rating is Rating.REQUIRES_IMPROVEMENT


def test_unknown_principles_are_refused_with_the_known_ones() -> None:
    with pytest.raises(RatingsError, match="Known: nhs_trust, nhs_trust_combined_2018"):
        aggregate_overall(five(*[GOOD] * 5), methodology="kloe_2014", principles="ics")


def test_nhs_trust_principles_scale_the_outstanding_threshold_with_the_count() -> None:
    services = {f"service-{n}": GOOD for n in range(9)}
    two_outstanding = services | {"service-0": OUT, "service-1": OUT}
    two = aggregate_overall(two_outstanding, methodology="kloe_2014")
    three = aggregate_overall(two_outstanding | {"service-2": OUT}, methodology="kloe_2014")
    assert two.rating is Rating.GOOD
    assert three.rating is Rating.OUTSTANDING
    single = aggregate_overall({"medical care": OUT, "surgery": GOOD}, methodology="kloe_2014")
    assert single.rating is Rating.OUTSTANDING


def test_nhs_trust_thresholds_not_published_for_the_count_need_judgement() -> None:
    result = aggregate_overall(
        {"medical care": GOOD, "surgery": RI, "maternity": GOOD}, methodology="kloe_2014"
    )
    assert result.judgement_needed
    assert result.gap is not None
    assert result.gap.startswith("No verified Requires improvement threshold for 3 ratings.")


def test_a_unanimous_set_aggregates_to_itself_whatever_its_size() -> None:
    result = aggregate_overall({"a": RI, "b": RI, "c": RI}, methodology="kloe_2014")
    assert result.rating is Rating.REQUIRES_IMPROVEMENT
    assert "derived" in result.reason


def test_the_result_cites_its_principles() -> None:
    result = aggregate_overall(five(GOOD, GOOD, GOOD, GOOD, GOOD))
    assert result.principles == "location"
    assert "UNCERTAIN" in result.status
    assert result.sources[0].startswith("https://")
