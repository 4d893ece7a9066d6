"""Complaint learning as a source of improvement actions: the register names the
case by its reference and the issue's subject, never the people in it, and links
to the case only for readers who may open complaints."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from wellled.core.testing import Trust
from wellled.improvement import actions, sources
from wellled.improvement.queries import source_labels
from wellled.learning.improvement_source import KIND
from wellled.learning.tests.support import upheld_case

pytestmark = pytest.mark.django_db


def test_an_issue_is_described_by_reference_and_subject_only(trust: Trust) -> None:
    complaint, issue = upheld_case(trust)
    action = actions.raise_action(
        acting_user=trust.people["complaints_manager"],
        source_kind=KIND,
        source_id=str(issue.pk),
        title="Log every call-back request on the shared list",
        owner=trust.people["service_lead"],
        due_on=datetime.date(2026, 6, 1),
        raised_on=datetime.date(2026, 4, 1),
    )
    assert action.unit == trust.service and action.sign_off_role == ""
    info = source_labels([action], trust.people["complaints_manager"])[(KIND, str(issue.pk))]
    assert info.label == f"Complaint {complaint.reference}: {issue.subject.label}"
    assert "Okafor" not in info.label and "Rivera" not in info.label
    assert info.href == f"/learning/complaints/{complaint.pk}/"
    assert "learning-improvement-and-innovation" in info.statement_ids
    board = source_labels([action], trust.people["board_member"])[(KIND, str(issue.pk))]
    assert board.label == info.label and board.href == ""


def test_only_a_manager_of_the_service_may_raise_on_its_learning(trust: Trust) -> None:
    _, issue = upheld_case(trust)
    assert sources.get(KIND).may_raise(trust.people["complaints_manager"], str(issue.pk))  # type: ignore[union-attr]
    with pytest.raises(PermissionDenied):
        actions.raise_action(
            acting_user=trust.people["staff_member"],
            source_kind=KIND,
            source_id=str(issue.pk),
            title="x",
            owner=trust.people["service_lead"],
            due_on=datetime.date(2026, 6, 1),
        )
