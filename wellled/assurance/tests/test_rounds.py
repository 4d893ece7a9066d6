"""Self-assessment rounds: open, assign, score 1 to 4, live rating, what-if, close, trend."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wellled.assurance import actions
from wellled.assurance.models import AssessmentRound, RoundStatus
from wellled.assurance.queries import outcome_for, rounds_visible_to
from wellled.assurance.tests.support import WELL_LED, assessment, score_all, trust_round
from wellled.core.models import AuditEvent
from wellled.core.testing import Trust

pytestmark = pytest.mark.django_db


def test_a_trust_round_assesses_well_led_only(trust: Trust) -> None:
    round_ = trust_round(trust)
    assert round_.key_questions == ["well-led"]
    assert list(round_.statements.values_list("statement_id", flat=True)) == WELL_LED
    assert AuditEvent.objects.filter(action="assurance.round_opened").exists()


def test_a_service_round_assesses_all_five_key_questions(trust: Trust) -> None:
    round_ = actions.open_round(
        acting_user=trust.people["governance_lead"],
        scope=trust.service,
        methodology_id="saf_2024_statements",
        title="Service",
    )
    assert round_.key_questions == ["safe", "effective", "caring", "responsive", "well-led"]
    assert round_.statements.count() == 34


def test_a_team_is_not_a_round_scope(trust: Trust) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.open_round(
            acting_user=trust.people["governance_lead"],
            scope=trust.team,
            methodology_id="saf_2024_statements",
            title="Team",
        )
    assert "scope" in caught.value.message_dict


@pytest.mark.parametrize("persona", ["board_member", "executive", "service_lead", "guardian"])
def test_only_the_governance_lead_opens_rounds(trust: Trust, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        actions.open_round(
            acting_user=trust.people[persona],
            scope=trust.trust,
            methodology_id="saf_2024_statements",
            title="Round",
        )


@pytest.mark.parametrize("bad", [0, 5, -1, 40, "five", "", None, True, 2.5])
def test_a_score_outside_1_to_4_is_refused_and_nothing_changes(trust: Trust, bad: object) -> None:
    round_ = trust_round(trust)
    target = assessment(round_, "freedom-to-speak-up")
    with pytest.raises(ValidationError) as caught:
        actions.score_statement(
            acting_user=trust.people["governance_lead"],
            assessment=target,
            score=bad,
            rationale="Reasons",
        )
    assert "1" in caught.value.message_dict["score"][0]
    target.refresh_from_db()
    assert target.score is None


def test_a_score_needs_a_rationale(trust: Trust) -> None:
    round_ = trust_round(trust)
    with pytest.raises(ValidationError) as caught:
        actions.score_statement(
            acting_user=trust.people["governance_lead"],
            assessment=assessment(round_, "freedom-to-speak-up"),
            score=3,
            rationale="  ",
        )
    assert "rationale" in caught.value.message_dict


def test_the_owner_scores_their_statement_and_others_may_not(trust: Trust) -> None:
    round_ = trust_round(trust)
    target = assessment(round_, "freedom-to-speak-up")
    actions.assign_owner(
        acting_user=trust.people["governance_lead"],
        assessment=target,
        owner=trust.people["guardian"],
    )
    actions.score_statement(
        acting_user=trust.people["guardian"], assessment=target, score=3, rationale="Survey up"
    )
    target.refresh_from_db()
    assert target.score == 3
    other = assessment(round_, "partnerships-and-communities")
    with pytest.raises(PermissionDenied):
        actions.score_statement(
            acting_user=trust.people["guardian"], assessment=other, score=3, rationale="x"
        )
    with pytest.raises(PermissionDenied):
        actions.score_statement(
            acting_user=trust.people["board_member"], assessment=target, score=2, rationale="x"
        )
    # The owner sees the round even without VIEW_ASSURANCE.
    assert rounds_visible_to(trust.people["guardian"]).filter(pk=round_.pk).exists()
    assert not rounds_visible_to(trust.people["edi_lead"]).exists()


def test_only_the_governance_lead_assigns_owners(trust: Trust) -> None:
    round_ = trust_round(trust)
    with pytest.raises(PermissionDenied):
        actions.assign_owner(
            acting_user=trust.people["executive"],
            assessment=assessment(round_, "freedom-to-speak-up"),
            owner=trust.people["guardian"],
        )


def test_the_rating_is_the_engines_and_flags_the_boundary(trust: Trust) -> None:
    round_ = trust_round(trust)
    score_all(trust, round_, dict(zip(WELL_LED, [3, 3, 3, 3, 2, 2, 2, 2], strict=True)))
    result = outcome_for(round_).for_key_question("well-led")
    assert result is not None and result.result is not None
    assert result.result.raw_percentage == 62.5
    assert result.result.published_percentage == 63
    assert str(result.result.rating) == "Good"
    assert result.result.boundary_case
    # One point down anywhere drops it to Requires improvement; none moves it to Outstanding.
    assert {w.statement_id for w in result.down} == set(WELL_LED)
    assert {w.rating for w in result.down} == {"Requires improvement"}
    assert result.up == []


def test_what_if_lists_the_single_changes_that_move_a_band(trust: Trust) -> None:
    round_ = trust_round(trust)
    # 19/32 = 59.4%: RI. Any +1 gives 20/32 = 62.5% -> 63 Good.
    score_all(trust, round_, dict(zip(WELL_LED, [3, 3, 3, 2, 2, 2, 2, 2], strict=True)))
    result = outcome_for(round_).for_key_question("well-led")
    assert result is not None and result.result is not None
    assert str(result.result.rating) == "Requires improvement"
    assert not result.result.boundary_case
    assert {w.statement_id for w in result.up} == set(WELL_LED)
    assert all(w.rating == "Good" and w.published_percentage == 63 for w in result.up)
    assert result.down == []


def test_unscored_statements_take_the_previous_rating(trust: Trust) -> None:
    round_ = trust_round(trust, previous_ratings={"well-led": "Requires improvement"})
    score_all(trust, round_, {"freedom-to-speak-up": 4})
    result = outcome_for(round_).for_key_question("well-led")
    assert result is not None and result.result is not None
    assert result.result.statement_scores["shared-direction-and-culture"] == 2
    assert len(result.result.carried_forward) == 7
    assert result.result.published_percentage == 56  # 18/32 = 56.25


def test_without_a_previous_rating_unscored_statements_give_no_rating(trust: Trust) -> None:
    round_ = trust_round(trust)
    score_all(trust, round_, {"freedom-to-speak-up": 4})
    result = outcome_for(round_).for_key_question("well-led")
    assert result is not None
    assert result.result is None and "shared-direction-and-culture" in result.problem


def test_closing_with_unscored_statements_needs_a_reason(trust: Trust) -> None:
    round_ = trust_round(trust, previous_ratings={"well-led": "Good"})
    score_all(trust, round_, {"freedom-to-speak-up": 2})
    with pytest.raises(ValidationError) as caught:
        actions.close_round(acting_user=trust.people["governance_lead"], round_=round_)
    assert "7 statements are not scored" in caught.value.message_dict["reason"][0]
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPEN
    actions.close_round(
        acting_user=trust.people["governance_lead"],
        round_=round_,
        reason="Board asked for a partial view before the inspection",
    )
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED and round_.close_reason
    # Nothing is lost: the score stays, and a closed round refuses new scores.
    assert assessment(round_, "freedom-to-speak-up").score == 2
    with pytest.raises(ValidationError):
        actions.score_statement(
            acting_user=trust.people["governance_lead"],
            assessment=assessment(round_, "freedom-to-speak-up"),
            score=3,
            rationale="Later",
        )


def test_a_fully_scored_round_closes_without_a_reason(trust: Trust) -> None:
    round_ = trust_round(trust)
    score_all(trust, round_, dict.fromkeys(WELL_LED, 3))
    actions.close_round(acting_user=trust.people["governance_lead"], round_=round_)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED


def test_only_the_governance_lead_closes_a_round(trust: Trust) -> None:
    round_ = trust_round(trust)
    with pytest.raises(PermissionDenied):
        actions.close_round(acting_user=trust.people["board_member"], round_=round_, reason="x")


def test_linked_evidence_must_be_tagged_to_the_statement(trust: Trust) -> None:
    from wellled.assurance.tests.support import evidence

    item = evidence(trust, statements=["partnerships-and-communities"])
    round_ = trust_round(trust)
    with pytest.raises(ValidationError) as caught:
        actions.score_statement(
            acting_user=trust.people["governance_lead"],
            assessment=assessment(round_, "freedom-to-speak-up"),
            score=3,
            rationale="x",
            evidence=[item],
        )
    assert "evidence" in caught.value.message_dict


def _round_2023(trust: Trust) -> AssessmentRound:
    return trust_round(trust, methodology_id="saf_2023_evidence_categories")


def test_under_2023_category_scores_give_the_statement_score(trust: Trust) -> None:
    round_ = _round_2023(trust)
    target = assessment(round_, "freedom-to-speak-up")
    actions.score_statement(
        acting_user=trust.people["governance_lead"],
        assessment=target,
        score=None,
        rationale="Staff survey and process audit",
        category_scores={"feedback-from-staff-and-leaders": 2, "processes": 3, "outcomes": ""},
    )
    target.refresh_from_db()
    # 5/8 = 62.5% -> 63 (half up) -> Good -> 3, as the engine converts it.
    assert target.score == 3
    assert target.category_scores == {"feedback-from-staff-and-leaders": 2, "processes": 3}


def test_under_2023_a_bad_category_score_is_refused(trust: Trust) -> None:
    round_ = _round_2023(trust)
    with pytest.raises(ValidationError) as caught:
        actions.score_statement(
            acting_user=trust.people["governance_lead"],
            assessment=assessment(round_, "freedom-to-speak-up"),
            score=None,
            rationale="x",
            category_scores={"processes": 6},
        )
    assert "from 1 to 4" in caught.value.message_dict["category_scores"][0]
    with pytest.raises(ValidationError) as caught:
        actions.score_statement(
            acting_user=trust.people["governance_lead"],
            assessment=assessment(round_, "freedom-to-speak-up"),
            score=1,
            rationale="x",
            category_scores={"processes": 4},
        )
    assert "comes from its evidence categories (4)" in caught.value.message_dict["score"][0]


def test_category_scores_are_refused_under_2024(trust: Trust) -> None:
    round_ = trust_round(trust)
    with pytest.raises(ValidationError) as caught:
        actions.score_statement(
            acting_user=trust.people["governance_lead"],
            assessment=assessment(round_, "freedom-to-speak-up"),
            score=3,
            rationale="x",
            category_scores={"processes": 3},
        )
    assert "scores quality statements directly" in caught.value.message_dict["category_scores"][0]


def test_a_service_round_aggregates_its_five_ratings(trust: Trust) -> None:
    round_ = actions.open_round(
        acting_user=trust.people["governance_lead"],
        scope=trust.service,
        methodology_id="saf_2024_statements",
        title="Service",
        previous_ratings=dict.fromkeys(
            ["safe", "effective", "caring", "responsive", "well-led"], "Good"
        ),
    )
    outcome = outcome_for(round_)
    assert [kq.rating for kq in outcome.key_questions] == ["Good"] * 5
    assert outcome.overall is not None and str(outcome.overall.rating) == "Good"
    # Two key questions pulled down to Requires improvement make the overall RI.
    for statement in round_.statements.filter(key_question_id__in=["safe", "caring"]):
        actions.score_statement(
            acting_user=trust.people["governance_lead"],
            assessment=statement,
            score=2,
            rationale="Shortfalls",
        )
    outcome = outcome_for(round_)
    assert outcome.overall is not None
    assert str(outcome.overall.rating) == "Requires improvement"
