"""CQC's draft sector frameworks of 24 March 2026, held as data beside the SAF.

Sources (cited in the data files and docs/engines/ratings.md):
- CQC, "Initial response: public consultation Better regulation, better care": CQC
  re-introduces sector-specific frameworks and publishes four drafts, for adult social
  care; mental health care; primary care and community services; secondary and
  specialist care (hospitals).
- Gordons LLP: the drafts were issued for consultation on 24 March 2026, with 24 key lines
  of enquiry and rating characteristics different for each of the four sectors.
- Care Circle Network: "Scoring has been removed. Instead, ratings will be based on
  professional judgement 'in the round' at key question level."
- The well-led titles come from a copy of the adult social care draft held by a third
  party (/work reference "cqc-2026-frameworks"); whether the other sectors share them is
  not confirmed, and the data says so.
"""

from __future__ import annotations

import pytest

from wellled.engines.ratings import RatingsError, get_methodology, score_key_question

DRAFTS = (
    "cqc_2026_adult_social_care_draft",
    "cqc_2026_mental_health_draft",
    "cqc_2026_primary_community_draft",
    "cqc_2026_hospitals_draft",
)
WELL_LED_TITLES = [
    "Strategic direction",
    "Workforce equity and culture",
    "Capable and compassionate leaders",
    "Governance and management",
    "Partnerships and communities",
    "Improvement, innovation and learning",
]
NOT_AVAILABLE = "Text not yet available"


def test_four_sector_drafts_are_framework_versions_with_their_status_as_data() -> None:
    sectors = {get_methodology(m).data["sector"] for m in DRAFTS}
    assert sectors == {
        "Adult social care",
        "Mental health care",
        "Primary care and community services",
        "Secondary and specialist care (hospitals)",
    }
    for methodology in DRAFTS:
        method = get_methodology(methodology)
        assert method.status == "draft"
        assert method.content["first_published"] == "2026-03-24"
        # No start date was announced: it is data, set when CQC names one.
        assert method.data["in_force"]["from"] is None


@pytest.mark.parametrize("methodology", DRAFTS)
def test_well_led_has_six_assessment_questions(methodology: str) -> None:
    well_led = get_methodology(methodology).key_question("well-led")
    assert [s.name for s in well_led.statements] == WELL_LED_TITLES


def test_only_the_adult_social_care_titles_are_confirmed() -> None:
    for methodology in DRAFTS:
        kq = next(
            k
            for k in get_methodology(methodology).content["key_questions"]
            if k["id"] == "well-led"
        )
        confirmed = kq["kloes_status"].startswith("CONFIRMED")
        assert confirmed == (methodology == "cqc_2026_adult_social_care_draft")


@pytest.mark.parametrize("methodology", DRAFTS)
def test_judgement_is_at_key_question_level_with_no_percentage(methodology: str) -> None:
    method = get_methodology(methodology)
    assert method.judged and method.key_question_scoring is None and not method.bands
    with pytest.raises(RatingsError, match="does not score key questions numerically"):
        score_key_question({"strategic-direction": 3}, methodology=methodology)


@pytest.mark.parametrize("methodology", DRAFTS)
def test_every_rating_level_has_bullets_or_says_the_text_is_not_available(
    methodology: str,
) -> None:
    method = get_methodology(methodology)
    for kloe in method.key_question("well-led").statements:
        levels = method.statement_data(kloe.id)["characteristics"]
        assert list(levels) == ["Outstanding", "Good", "Requires improvement", "Inadequate"]
        for level in levels.values():
            assert level["bullets"] or level["status"].startswith(NOT_AVAILABLE)
    for kq in method.content["key_questions"]:
        if not kq["statements"]:
            assert kq["kloes_status"].startswith(NOT_AVAILABLE)


@pytest.mark.parametrize("methodology", DRAFTS)
def test_every_well_led_quality_statement_carries_over_and_the_mapping_is_ours(
    methodology: str,
) -> None:
    method = get_methodology(methodology)
    saf = get_methodology("saf_2024_statements").key_question("well-led").statement_ids
    mapped = {
        sid for k in method.key_question("well-led").statements for sid in method.mapped_from(k.id)
    }
    assert mapped == set(saf)
    assert method.content["mapping"]["status"].startswith("INFERENCE by wellled")
    assert method.mapped_from("workforce-equity-and-culture") == (
        "freedom-to-speak-up",
        "workforce-equality-diversity-and-inclusion",
    )
