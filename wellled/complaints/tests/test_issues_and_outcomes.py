"""Issues carry KO41a and HCAT coding and their own outcome; the case's is derived."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wellled.complaints import actions
from wellled.complaints.models import ComplaintIssue, Outcome, derive_outcome
from wellled.complaints.tests.support import issue, messages, record, ref

pytestmark = pytest.mark.django_db

U, P, N = Outcome.UPHELD, Outcome.PARTIALLY_UPHELD, Outcome.NOT_UPHELD


@pytest.mark.parametrize(
    ("outcomes", "overall"),
    [
        ([], None),
        ([U, ""], None),
        ([U], U),
        ([U, U], U),
        ([N, N], N),
        ([U, N], P),
        ([P], P),
        ([N, P], P),
    ],
)
def test_the_complaint_outcome_is_derived_from_its_issues(outcomes, overall) -> None:
    assert derive_outcome(outcomes) == overall


def test_a_complaint_reports_its_derived_outcome(trust) -> None:
    complaint = record(trust)
    first, second = issue(trust, complaint), issue(trust, complaint)
    assert complaint.outcome is None
    manager = trust.people["complaints_manager"]
    actions.record_issue_outcome(acting_user=manager, issue=first, outcome=U)
    actions.record_issue_outcome(acting_user=manager, issue=second, outcome=N)
    assert complaint.outcome == P


def test_a_clinical_treatment_issue_needs_a_sub_category_of_that_subject(trust) -> None:
    complaint = record(trust)
    clinical = ref("ko41a_subject", "clinical_treatment")
    with pytest.raises(ValidationError) as caught:
        issue(trust, complaint, subject=clinical)
    assert "clinical treatment sub-category" in messages(caught)
    with pytest.raises(ValidationError) as caught:
        issue(trust, complaint, clinical_subcategory=ref("ko41a_clinical", "mental_health"))
    assert "does not refine" in messages(caught)
    coded = issue(
        trust,
        complaint,
        subject=clinical,
        clinical_subcategory=ref("ko41a_clinical", "mental_health"),
    )
    assert coded.clinical_subcategory is not None


def test_codes_must_come_from_the_right_list_and_be_in_use(trust) -> None:
    complaint = record(trust)
    with pytest.raises(ValidationError) as caught:
        issue(trust, complaint, profession=ref("ko41a_subject", "communications"))
    assert "is not a KO41a profession" in messages(caught)
    retired = ref("profession", "dental")
    retired.is_active = False
    retired.save()
    with pytest.raises(ValidationError) as caught:
        issue(trust, complaint, profession=retired)
    assert "no longer in use" in messages(caught)


def test_hcat_coding_is_optional_but_consistent(trust) -> None:
    complaint = record(trust)
    plain = issue(trust, complaint)
    assert plain.hcat_category is None and plain.hcat_severity is None
    listening = ref("hcat_category", "listening")
    with pytest.raises(ValidationError) as caught:
        issue(trust, complaint, hcat_category=listening)
    assert "Rate the severity" in messages(caught)
    with pytest.raises(ValidationError) as caught:
        issue(trust, complaint, hcat_category=listening, hcat_severity=4)
    assert "0 (not present) to 3 (high)" in messages(caught)
    with pytest.raises(ValidationError) as caught:
        issue(
            trust,
            complaint,
            hcat_category=listening,
            hcat_severity=2,
            hcat_domain=ref("hcat_domain", "clinical"),
        )
    assert "is not in the Clinical domain" in messages(caught)
    coded = issue(
        trust,
        complaint,
        hcat_category=listening,
        hcat_severity=3,
        harm=ref("harm", "minor"),
        hcat_stage=ref("hcat_stage", "care_on_ward"),
    )
    # The domain follows from the category.
    assert coded.hcat_domain == ref("hcat_domain", "relationships")


def test_an_issue_needs_a_description_and_the_three_ko41a_codes(trust) -> None:
    complaint = record(trust)
    with pytest.raises(ValidationError) as caught:
        actions.add_issue(
            acting_user=None,
            complaint=complaint,
            description=" ",
            subject=None,
            service_area=None,
            profession=None,
        )
    text = messages(caught)
    for expected in (
        "Describe the issue",
        "Choose the KO41a subject area",
        "Choose the KO41a service area",
        "Choose the KO41a profession",
    ):
        assert expected in text
    assert not ComplaintIssue.objects.exists()


def test_an_outcome_must_be_one_of_the_three(trust) -> None:
    found = issue(trust, record(trust))
    with pytest.raises(ValidationError):
        actions.record_issue_outcome(acting_user=None, issue=found, outcome="resolved")


def test_learning_is_a_statement_or_a_reason_not_both_nor_neither(trust) -> None:
    found = issue(trust, record(trust))
    manager = trust.people["complaints_manager"]
    with pytest.raises(ValidationError):
        actions.record_learning(acting_user=manager, issue=found)
    with pytest.raises(ValidationError):
        actions.record_learning(
            acting_user=manager, issue=found, learning_statement="a", no_learning_reason="b"
        )
    done = actions.record_learning(
        acting_user=manager, issue=found, learning_statement="Call-back times now audited weekly"
    )
    assert done.learning_statement


@pytest.mark.parametrize("persona", ["service_lead", "board_member", "outsider", "operator"])
def test_only_complaints_staff_code_issues(trust, persona) -> None:
    complaint = record(trust)
    found = issue(trust, complaint)
    user = trust.people[persona]
    with pytest.raises(PermissionDenied):
        actions.add_issue(
            acting_user=user,
            complaint=complaint,
            description="x",
            subject=found.subject,
            service_area=found.service_area,
            profession=found.profession,
        )
    with pytest.raises(PermissionDenied):
        actions.record_issue_outcome(acting_user=user, issue=found, outcome=U)
    with pytest.raises(PermissionDenied):
        actions.record_learning(acting_user=user, issue=found, learning_statement="x")
