"""A governance lead records an inspection, its ratings and its statement scores."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wellled.core.models import AuditEvent
from wellled.core.testing import Trust
from wellled.inspections import actions
from wellled.inspections.models import Inspection
from wellled.inspections.tests.support import D, inspection

pytestmark = pytest.mark.django_db

REQUIRES_IMPROVEMENT_SCORES = {
    "shared-direction-and-culture": 2,
    "capable-compassionate-and-inclusive-leaders": 2,
    "freedom-to-speak-up": 2,
    "workforce-equality-diversity-and-inclusion": 2,
    "governance-management-and-sustainability": 2,
    "partnerships-and-communities": 3,
    "learning-improvement-and-innovation": 2,
    "environmental-sustainability": 3,
}


def test_governance_lead_records_an_inspection_through_the_page(trust: Trust, client_for) -> None:
    client = client_for("governance_lead")
    response = client.post(
        "/inspections/new/",
        {
            "kind": "cqc_inspection",
            "title": "CQC well-led inspection 2025",
            "methodology": "saf_2024_statements",
            "scope": trust.trust.pk,
            "started_on_day": "11",
            "started_on_month": "3",
            "started_on_year": "2025",
            "ended_on_day": "3",
            "ended_on_month": "4",
            "ended_on_year": "2025",
            "report_published_on_day": "16",
            "report_published_on_month": "7",
            "report_published_on_year": "2025",
            "report_url": "https://www.cqc.org.uk/provider/RZZ",
            "overall_rating": "",
        },
    )
    recorded = Inspection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/inspections/{recorded.pk}/"
    assert recorded.report_published_on == D(2025, 7, 16)
    assert AuditEvent.objects.filter(action="inspections.recorded").count() == 1


def test_ratings_and_scores_are_saved_and_checked_against_the_engine(
    trust: Trust,
    client_for,
) -> None:
    record = inspection(trust)
    data = {f"score_{sid}": str(score) for sid, score in REQUIRES_IMPROVEMENT_SCORES.items()}
    data["rating_well-led"] = "Requires improvement"
    client = client_for("governance_lead")
    response = client.post(f"/inspections/{record.pk}/ratings/", data)
    assert response.status_code == 302
    assert {s.statement_id: s.score for s in record.statement_scores.all()} == (
        REQUIRES_IMPROVEMENT_SCORES
    )
    page = client.get(f"/inspections/{record.pk}/").content.decode()
    assert "published as 56%" in page
    assert "differs from the rating the scores give" not in page


def test_a_recorded_rating_the_scores_do_not_give_is_pointed_out(trust: Trust, client_for) -> None:
    record = inspection(trust)
    actions.set_ratings(
        acting_user=None,
        inspection=record,
        key_question_ratings={"well-led": "Good"},
        statement_scores=REQUIRES_IMPROVEMENT_SCORES,
    )
    page = client_for("board_member").get(f"/inspections/{record.pk}/").content.decode()
    assert "differs from the rating the scores give" in page


@pytest.mark.parametrize("bad", [0, 5, -1, 2.5, "3", True])
def test_a_score_outside_1_to_4_is_refused_and_nothing_is_lost(trust: Trust, bad: object) -> None:
    record = inspection(trust)
    actions.set_ratings(
        acting_user=None,
        inspection=record,
        key_question_ratings={"well-led": "Requires improvement"},
        statement_scores=REQUIRES_IMPROVEMENT_SCORES,
    )
    with pytest.raises(ValidationError) as error:
        actions.set_ratings(
            acting_user=None,
            inspection=record,
            key_question_ratings={},
            statement_scores={"freedom-to-speak-up": bad},  # type: ignore[dict-item]
        )
    assert "must be a whole number from 1 to 4" in str(error.value)
    assert record.statement_scores.count() == 8
    assert record.ratings.get().rating == "Requires improvement"


def test_a_score_outside_1_to_4_on_the_page_gets_a_clear_message(trust: Trust, client_for) -> None:
    record = inspection(trust)
    response = client_for("governance_lead").post(
        f"/inspections/{record.pk}/ratings/", {"score_freedom-to-speak-up": "5"}
    )
    assert response.status_code == 200
    assert "Choose a score from 1 to 4" in response.content.decode()
    assert record.statement_scores.count() == 0


def test_an_unknown_methodology_is_refused(trust: Trust) -> None:
    with pytest.raises(ValidationError) as error:
        inspection(trust, methodology="saf_2026_draft")
    assert "Unknown methodology 'saf_2026_draft'" in str(error.value)
    assert "saf_2024_statements" in str(error.value)
    assert not Inspection.objects.exists()


def test_unknown_statements_and_key_questions_are_refused(trust: Trust) -> None:
    record = inspection(trust)
    with pytest.raises(ValidationError, match="Unknown quality statement 'kindness'"):
        actions.set_ratings(
            acting_user=None,
            inspection=record,
            key_question_ratings={},
            statement_scores={"kindness": 3},
        )
    with pytest.raises(ValidationError, match="Unknown key question 'use-of-resources'"):
        actions.set_ratings(
            acting_user=None,
            inspection=record,
            key_question_ratings={"use-of-resources": "Good"},
            statement_scores={},
        )


def test_a_rating_must_be_in_cqc_words(trust: Trust) -> None:
    record = inspection(trust)
    with pytest.raises(ValidationError) as error:
        actions.set_ratings(
            acting_user=None,
            inspection=record,
            key_question_ratings={"well-led": "Excellent"},
            statement_scores={},
        )
    assert error.value.message_dict["rating_well-led"] == [
        "Unknown rating 'Excellent': use one of "
        '"Inadequate", "Requires improvement", "Good", "Outstanding".'
    ]


def test_the_2014_framework_takes_ratings_but_not_scores(trust: Trust) -> None:
    record = inspection(trust, methodology="kloe_2014", title="CQC inspection 2019")
    with pytest.raises(ValidationError, match="does not score quality statements"):
        actions.set_ratings(
            acting_user=None,
            inspection=record,
            key_question_ratings={"well-led": "Good"},
            statement_scores={"kloe-w1": 3},
        )
    actions.set_ratings(
        acting_user=None,
        inspection=record,
        key_question_ratings={"well-led": "Good", "safe": "RI"},
        statement_scores={},
        overall_rating="good",
    )
    assert sorted(record.ratings.values_list("rating", flat=True)) == [
        "Good",
        "Requires improvement",
    ]
    record.refresh_from_db()
    assert record.overall_rating == "Good"


def test_dates_and_scope_are_checked(trust: Trust) -> None:
    with pytest.raises(ValidationError) as error:
        inspection(
            trust,
            ended_on=D(2025, 3, 1),
            scope=trust.team,
            report_published_on=D(2025, 1, 1),
        )
    messages = error.value.message_dict
    assert messages["ended_on"] == ["The end date cannot be before the start date"]
    assert "trust, a location (site) or a service" in messages["scope"][0]
    assert "before the inspection" in messages["report_published_on"][0]


def test_mock_inspections_and_peer_reviews_use_the_same_records(trust: Trust) -> None:
    mock = inspection(trust, kind="mock_inspection", scope=trust.service, report_url="")
    peer = inspection(trust, kind="peer_review", scope=trust.site, report_url="")
    assert not mock.is_cqc and not peer.is_cqc
    assert Inspection.objects.count() == 2


@pytest.mark.parametrize("persona", ["executive", "board_member", "service_lead", "auditor"])
def test_only_governance_leads_record_inspections(trust: Trust, persona: str, client_for) -> None:
    with pytest.raises(PermissionDenied):
        inspection_by(trust, persona)
    assert client_for(persona).get("/inspections/new/").status_code == 403


def test_a_service_lead_sees_their_service_and_the_trust_but_not_other_services(
    trust: Trust,
    client_for,
) -> None:
    own = inspection(trust, kind="mock_inspection", scope=trust.service, title="Own service")
    other = inspection(trust, kind="mock_inspection", scope=trust.other_service, title="Other")
    whole = inspection(trust, title="Whole trust")
    client = client_for("service_lead")
    assert client.get(f"/inspections/{own.pk}/").status_code == 200
    assert client.get(f"/inspections/{whole.pk}/").status_code == 200
    assert client.get(f"/inspections/{other.pk}/").status_code == 403
    listing = client.get("/inspections/").content.decode()
    assert "Own service" in listing and "Whole trust" in listing and "Other" not in listing


def inspection_by(trust: Trust, persona: str) -> Inspection:
    return actions.record_inspection(
        acting_user=trust.people[persona],
        kind="cqc_inspection",
        title="CQC inspection",
        methodology="saf_2024_statements",
        scope=trust.trust,
        started_on=D(2025, 3, 4),
        ended_on=D(2025, 3, 6),
    )
