"""The framework files load, and say what the reference says."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from wellled.engines.ratings import (
    Rating,
    UnknownMethodologyError,
    get_methodology,
    methodologies,
    score_key_question,
)

SAF = ("saf_2023_evidence_categories", "saf_2024_statements")


DRAFTS_2026 = (
    "cqc_2026_adult_social_care_draft",
    "cqc_2026_hospitals_draft",
    "cqc_2026_mental_health_draft",
    "cqc_2026_primary_community_draft",
)


def test_the_methodologies_are_shipped() -> None:
    assert methodologies() == (
        *DRAFTS_2026,
        "kloe_2014",
        "saf_2023_evidence_categories",
        "saf_2024_statements",
    )


@pytest.mark.parametrize("methodology", SAF)
def test_the_saf_has_34_quality_statements_8_6_5_7_8(methodology: str) -> None:
    method = get_methodology(methodology)
    counts = {kq.id: len(kq.statements) for kq in method.key_questions}
    assert counts == {"safe": 8, "effective": 6, "caring": 5, "responsive": 7, "well-led": 8}


def test_the_well_led_statements_carry_their_we_statements() -> None:
    well_led = get_methodology("saf_2024_statements").key_question("well-led")
    assert [s.name for s in well_led.statements][:3] == [
        "Shared direction and culture",
        "Capable, compassionate and inclusive leaders",
        "Freedom to speak up",
    ]
    assert all(s.we_statement and s.we_statement.startswith("We ") for s in well_led.statements)


def test_the_2023_methodology_has_the_six_evidence_categories() -> None:
    assert list(get_methodology("saf_2023_evidence_categories").evidence_categories) == [
        "peoples-experience",
        "feedback-from-staff-and-leaders",
        "feedback-from-partners",
        "observation",
        "processes",
        "outcomes",
    ]


@pytest.mark.parametrize("methodology", SAF)
def test_the_bands_cover_25_to_100_without_gaps(methodology: str) -> None:
    bands = get_methodology(methodology).bands
    assert [(b.rating, b.low, b.high) for b in bands] == [
        (Rating.INADEQUATE, 25, 38),
        (Rating.REQUIRES_IMPROVEMENT, 39, 62),
        (Rating.GOOD, 63, 87),
        (Rating.OUTSTANDING, 88, 100),
    ]


@pytest.mark.parametrize("methodology", SAF)
def test_unassessed_statements_take_the_score_the_previous_rating_implies(
    methodology: str,
) -> None:
    assert get_methodology(methodology).implied_scores == {
        Rating.OUTSTANDING: 4,
        Rating.GOOD: 3,
        Rating.REQUIRES_IMPROVEMENT: 2,
        Rating.INADEQUATE: 1,
    }


def test_the_kloe_methodology_has_the_eight_well_led_kloes() -> None:
    well_led = get_methodology("kloe_2014").key_question("well-led")
    assert [s.label for s in well_led.statements] == [f"W{n}" for n in range(1, 9)]


def test_every_rule_cites_sources_the_file_defines() -> None:
    folder = resources.files("wellled.engines.ratings") / "frameworks"
    for methodology in methodologies():
        data = json.loads((folder / f"{methodology}.json").read_text(encoding="utf-8"))
        cited = [key for rule in data["limiters"].values() for key in rule["sources"]]
        cited += [k for p in data["aggregation"]["principles"].values() for k in p["sources"]]
        # The 2026 drafts have no limiter or aggregation rules; their judgement rule and
        # their status are cited instead.
        cited += data.get("key_question_judgement_sources", []) + data.get("status_sources", [])
        assert cited
        assert set(cited) <= set(data["sources"]), methodology


def test_an_unknown_methodology_names_the_known_ones() -> None:
    with pytest.raises(UnknownMethodologyError) as error:
        score_key_question({"safeguarding": 3}, methodology="saf_2026")
    assert str(error.value) == (
        "Unknown methodology 'saf_2026'. Known methodologies: "
        f"{', '.join(DRAFTS_2026)}, kloe_2014, saf_2023_evidence_categories, saf_2024_statements."
    )
