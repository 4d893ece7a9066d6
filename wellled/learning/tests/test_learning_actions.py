"""A complaints manager turns an upheld issue's learning into actions with owners,
due dates and evidence; the case cannot close until they are done. The actions are
improvement actions: on the trust's register, with their evidence in the library."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wellled.complaints import actions as complaint_actions
from wellled.core.models import AuditEvent
from wellled.core.testing import Trust
from wellled.learning import actions
from wellled.learning.queries import closure_gaps
from wellled.learning.tests.support import D, add_action, upheld_case

pytestmark = pytest.mark.django_db


def test_an_upheld_issue_with_learning_needs_an_action_before_closing(trust: Trust) -> None:
    complaint, _ = upheld_case(trust)
    assert closure_gaps(complaint) == [
        "Issue 1 has learning but no action: add what will change, with an owner and a due date"
    ]


def test_an_upheld_issue_without_learning_is_named(trust: Trust) -> None:
    complaint, _ = upheld_case(trust, learning="")
    assert closure_gaps(complaint) == [
        "Issue 1 is upheld but has no learning: record what was learned, or why there is "
        "nothing to learn"
    ]


def test_a_recorded_reason_for_no_learning_needs_no_action(trust: Trust) -> None:
    complaint, issue = upheld_case(trust, learning="")
    complaint_actions.record_learning(
        acting_user=trust.people["complaints_manager"],
        issue=issue,
        no_learning_reason="The delay was caused by a national system outage.",
    )
    assert closure_gaps(complaint) == []


def test_an_open_action_blocks_closure_until_done_with_evidence(trust: Trust) -> None:
    complaint, issue = upheld_case(trust)
    action = add_action(trust, issue)
    assert closure_gaps(complaint) == [
        "Issue 1 has 1 learning action without evidence of completion"
    ]
    actions.complete_learning_action(
        acting_user=trust.people["service_lead"],
        action=action,
        evidence="Shared list in use since April; audit of 20 requests: all called back.",
        completed_on=D(2026, 4, 20),
    )
    assert closure_gaps(complaint) == []
    event = AuditEvent.objects.filter(action="improvement.completed").get()
    assert "audit of 20" not in str(event.after)
    # The evidence is filed in the library under what learning evidences (W7, R4).
    item = action.evidence_links.get().item
    assert item.kind == "note" and "audit of 20" in item.description
    assert set(item.statement_ids) == {
        "learning-improvement-and-innovation",
        "listening-to-and-involving-people",
    }


def test_complaints_handler_may_add_an_action(trust: Trust) -> None:
    _, issue = upheld_case(trust)
    action = actions.add_learning_action(
        acting_user=trust.people["complaints_handler"],
        issue=issue,
        description="Team huddle to review the call-back list",
        owner=trust.people["service_lead"],
        due_on=D(2026, 5, 1),
        raised_on=D(2026, 3, 20),
    )
    assert action.owner == trust.people["service_lead"]
    assert (action.source_kind, action.source_id) == ("complaint_learning", str(issue.pk))
    assert AuditEvent.objects.filter(action="improvement.action_raised").count() == 1


@pytest.mark.parametrize("persona", ["service_lead", "staff_member", "executive", "operator"])
def test_others_may_not_add_actions(trust: Trust, persona: str) -> None:
    _, issue = upheld_case(trust)
    with pytest.raises(PermissionDenied):
        actions.add_learning_action(
            acting_user=trust.people[persona],
            issue=issue,
            description="Anything",
            owner=trust.people["service_lead"],
            due_on=D(2026, 5, 1),
        )


def test_actions_are_only_for_upheld_issues(trust: Trust) -> None:
    _, issue = upheld_case(trust, learning="")
    complaint_actions.record_issue_outcome(
        acting_user=trust.people["complaints_manager"], issue=issue, outcome="not_upheld"
    )
    issue.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        add_action(trust, issue)
    assert "upheld or partially upheld" in str(caught.value)


def test_an_action_needs_a_description_and_a_sensible_due_date(trust: Trust) -> None:
    _, issue = upheld_case(trust)
    with pytest.raises(ValidationError) as caught:
        actions.add_learning_action(
            acting_user=trust.people["complaints_manager"],
            issue=issue,
            description="  ",
            owner=trust.people["service_lead"],
            due_on=D(2026, 1, 1),
        )
    errors = caught.value.message_dict
    assert errors["description"] == ["Enter what will change"]
    assert "on or after the day the complaint was received" in errors["due_on"][0]


def test_completing_needs_evidence_and_a_date_not_in_the_future(trust: Trust) -> None:
    _, issue = upheld_case(trust)
    action = add_action(trust, issue)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        actions.complete_learning_action(
            acting_user=trust.people["service_lead"],
            action=action,
            evidence="",
            completed_on=tomorrow,
        )
    errors = caught.value.message_dict
    assert errors["evidence"] == ["Enter the evidence that this was done"]
    assert errors["completed_on"] == ["The date it was done must be today or in the past"]
    action.refresh_from_db()
    assert action.done_on is None and action.is_open


@pytest.mark.parametrize("persona", ["staff_member", "executive", "guardian"])
def test_only_the_owner_or_complaints_staff_complete_an_action(trust: Trust, persona: str) -> None:
    _, issue = upheld_case(trust)
    action = add_action(trust, issue)
    with pytest.raises(PermissionDenied):
        actions.complete_learning_action(
            acting_user=trust.people[persona], action=action, evidence="Done"
        )


def test_an_action_is_completed_once(trust: Trust) -> None:
    _, issue = upheld_case(trust)
    action = add_action(trust, issue)
    actions.complete_learning_action(
        acting_user=trust.people["service_lead"], action=action, evidence="Done: see audit"
    )
    with pytest.raises(ValidationError, match="already done"):
        actions.complete_learning_action(
            acting_user=trust.people["service_lead"], action=action, evidence="Again"
        )


def test_an_action_naming_the_people_on_the_case_is_refused(trust: Trust) -> None:
    """The register is read by leaders who do not see casework."""
    _, issue = upheld_case(trust)
    with pytest.raises(ValidationError) as caught:
        actions.add_learning_action(
            acting_user=trust.people["complaints_manager"],
            issue=issue,
            description="Apologise to Sam Okafor and call back within a day",
            owner=trust.people["service_lead"],
            due_on=D(2026, 5, 1),
            raised_on=D(2026, 3, 20),
        )
    assert "must not be able to identify anyone" in caught.value.message_dict["description"][0]


def test_a_due_date_before_today_is_refused_for_a_new_action(trust: Trust) -> None:
    """Raised today (the default), an action cannot already be due."""
    _, issue = upheld_case(trust)
    with pytest.raises(ValidationError) as caught:
        actions.add_learning_action(
            acting_user=trust.people["complaints_manager"],
            issue=issue,
            description="Log every call-back request",
            owner=trust.people["service_lead"],
            due_on=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert "cannot be before the action was raised" in caught.value.message_dict["due_on"][0]
