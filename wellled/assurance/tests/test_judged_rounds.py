"""Self-assessment under CQC's 2026 draft frameworks: no scores, a fit per assessment
question and a judgement per key question, with evidence carried over from the quality
statements.

The drafts of 24 March 2026 replace the quality statements with assessment questions and
rating characteristics (Outstanding / Good / Requires improvement / Inadequate), and the
consultation proposed judgements "at key question level with reference to the rating
characteristics, with no lower-level scores" (Bevan Brittan and Care Circle Network on
the consultation and drafts; see docs/engines/ratings.md). The mapping of quality
statements to assessment questions is wellled's inference, and the pages say so.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wellled.assurance import actions
from wellled.assurance.models import AssessmentRound, KeyQuestionJudgement
from wellled.assurance.tests.support import assessment, evidence, trust_round
from wellled.core.models import AuditEvent
from wellled.core.testing import Trust

pytestmark = pytest.mark.django_db

DRAFT = "cqc_2026_mental_health_draft"


def _round(trust: Trust) -> AssessmentRound:
    return trust_round(trust, methodology_id=DRAFT, title="Well-led under the 2026 draft")


def test_a_trust_round_holds_the_six_well_led_questions_and_no_scores(trust: Trust) -> None:
    round_ = _round(trust)
    assert round_.key_questions == ["well-led"]
    assert list(round_.statements.values_list("statement_id", flat=True)) == [
        "strategic-direction",
        "workforce-equity-and-culture",
        "capable-and-compassionate-leaders",
        "governance-and-management",
        "partnerships-and-communities",
        "improvement-innovation-and-learning",
    ]
    with pytest.raises(ValidationError) as caught:
        actions.score_statement(
            acting_user=trust.people["governance_lead"],
            assessment=assessment(round_, "strategic-direction"),
            score=3,
            rationale="A number",
        )
    assert "no scores" in caught.value.message_dict["score"][0]


def test_the_owner_says_which_characteristics_fit_with_carried_over_evidence(
    trust: Trust,
) -> None:
    round_ = _round(trust)
    report = evidence(trust, title="Guardian annual report", statements=["freedom-to-speak-up"])
    question = assessment(round_, "workforce-equity-and-culture")
    actions.assign_owner(
        acting_user=trust.people["governance_lead"],
        assessment=question,
        owner=trust.people["guardian"],
    )
    question.refresh_from_db()
    actions.assess_question(
        acting_user=trust.people["guardian"],
        assessment=question,
        fit="requires improvement",
        rationale="Speaking up works; the race disparity ratio has not moved.",
        evidence=[report],
    )
    question.refresh_from_db()
    assert question.fit == "Requires improvement" and question.score is None
    assert list(question.evidence.all()) == [report]
    event = AuditEvent.objects.filter(action="assurance.question_assessed").get()
    assert event.after is not None and event.after["fit"] == "Requires improvement"


def test_bad_input_is_refused_beside_each_field(trust: Trust) -> None:
    round_ = _round(trust)
    board = evidence(trust, title="Board minutes", statements=["partnerships-and-communities"])
    with pytest.raises(ValidationError) as caught:
        actions.assess_question(
            acting_user=trust.people["governance_lead"],
            assessment=assessment(round_, "strategic-direction"),
            fit="Fine",
            rationale=" ",
            evidence=[board],
        )
    errors = caught.value.message_dict
    assert errors["fit"] == [
        "Unknown rating 'Fine': use one of \"Inadequate\", "
        '"Requires improvement", "Good", "Outstanding".'
    ]
    assert "Explain the fit" in errors["rationale"][0]
    assert "Not tagged to them: Board minutes" in errors["evidence"][0]


def test_someone_else_may_not_assess_a_question(trust: Trust) -> None:
    round_ = _round(trust)
    with pytest.raises(PermissionDenied):
        actions.assess_question(
            acting_user=trust.people["edi_lead"],
            assessment=assessment(round_, "strategic-direction"),
            fit="Good",
            rationale="Because",
        )


def test_the_key_question_judgement_is_a_word_never_a_percentage(trust: Trust, client_for) -> None:
    round_ = _round(trust)
    actions.judge_key_question(
        acting_user=trust.people["governance_lead"],
        round_=round_,
        key_question="well-led",
        rating="Requires improvement",
        rationale="Strategy and governance are Good; workforce equity is not yet.",
    )
    assert KeyQuestionJudgement.objects.get().rating == "Requires improvement"
    page = client_for("board_member").get(f"/assurance/rounds/{round_.pk}/").content.decode()
    assert "Well-led: Requires improvement" in page
    assert "Estimated, not CQC's" in page
    assert "%" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    assert "wellled" in page and "INFERENCE by wellled" in page


def test_only_the_governance_lead_judges_and_bad_words_are_refused(trust: Trust) -> None:
    round_ = _round(trust)
    with pytest.raises(PermissionDenied):
        actions.judge_key_question(
            acting_user=trust.people["board_member"],
            round_=round_,
            key_question="well-led",
            rating="Good",
            rationale="Because",
        )
    with pytest.raises(ValidationError) as caught:
        actions.judge_key_question(
            acting_user=trust.people["governance_lead"],
            round_=round_,
            key_question="safe",
            rating="62%",
            rationale="",
        )
    errors = caught.value.message_dict
    assert set(errors) == {"key_question", "rating", "rationale"}


def test_the_question_page_offers_only_carried_over_evidence_and_saves(
    trust: Trust, client_for
) -> None:
    round_ = _round(trust)
    report = evidence(trust, title="Guardian annual report", statements=["freedom-to-speak-up"])
    evidence(trust, title="Carbon plan", statements=["environmental-sustainability"])
    url = f"/assurance/rounds/{round_.pk}/questions/workforce-equity-and-culture/"
    client = client_for("governance_lead")
    page = client.get(url).content.decode()
    assert "Guardian annual report" in page and "Carbon plan" not in page
    assert "W3 Freedom to speak up" in page and "wellled's mapping, not CQC's" in page
    refused = client.post(url, {"fit": "Good", "rationale": ""}).content.decode()
    assert "There is a problem" in refused and "This field is required" in refused
    assert assessment(round_, "workforce-equity-and-culture").fit == ""
    saved = client.post(url, {"fit": "Good", "rationale": "Shown", "evidence": [report.pk]})
    assert saved.status_code == 302
    assert assessment(round_, "workforce-equity-and-culture").fit == "Good"
    judge = client.post(
        f"/assurance/rounds/{round_.pk}/judgements/well-led/",
        {"rating": "Good", "rationale": "In the round"},
    )
    assert judge.status_code == 302
    assert (
        client_for("board_member")
        .post(
            f"/assurance/rounds/{round_.pk}/judgements/well-led/",
            {"rating": "Outstanding", "rationale": "x"},
        )
        .status_code
        == 403
    )


def test_closing_names_questions_not_assessed(trust: Trust) -> None:
    round_ = _round(trust)
    with pytest.raises(ValidationError) as caught:
        actions.close_round(acting_user=trust.people["governance_lead"], round_=round_)
    assert caught.value.message_dict["reason"][0].startswith("6 questions are not assessed")


def test_other_pages_cope_with_a_round_under_a_draft(trust: Trust, client_for) -> None:
    round_ = _round(trust)
    question = assessment(round_, "strategic-direction")
    actions.assign_owner(
        acting_user=trust.people["governance_lead"],
        assessment=question,
        owner=trust.people["executive"],
    )
    executive = client_for("executive")
    home = executive.get("/").content.decode()
    assert "Assess a question in Well-led under the 2026 draft" in home
    moved = executive.get(f"/assurance/rounds/{round_.pk}/statements/strategic-direction/")
    assert moved.status_code == 302
    assert moved["Location"].endswith(f"/rounds/{round_.pk}/questions/strategic-direction/")
    board = client_for("board_member")
    assert board.get("/assurance/rounds/trend/").status_code == 200
    actions.judge_key_question(
        acting_user=trust.people["governance_lead"],
        round_=round_,
        key_question="well-led",
        rating="Good",
        rationale="In the round",
    )
    api = board.get(f"/api/v1/assurance/rounds/{round_.pk}/").json()
    assert [j["rating"] for j in api["judgements"]] == ["Good"]
    assert {s["fit"] for s in api["statements"]} == {""}


def test_the_well_led_page_keeps_the_latest_scored_round(trust: Trust, client_for) -> None:
    trust_round(trust, title="Scored well-led round")
    _round(trust)
    page = client_for("board_member").get("/assurance/well-led/").content.decode()
    assert "Scored well-led round" in page
    assert "Well-led under the 2026 draft" not in page
