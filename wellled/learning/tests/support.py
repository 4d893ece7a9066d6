"""A complaint with an upheld issue and its learning, through the real actions."""

from __future__ import annotations

import datetime

from wellled.complaints import actions as complaint_actions
from wellled.complaints.models import Complaint, ComplaintIssue, ReferenceItem
from wellled.core.testing import Trust
from wellled.improvement.models import Action
from wellled.learning import actions
from wellled.learning.models import LearningShare

D = datetime.date
LEARNING = "Call-back requests are now logged on the team's shared list and checked daily."


def _ref(list_name: str, code: str) -> ReferenceItem:
    return ReferenceItem.objects.get(list=list_name, code=code)


def upheld_case(trust: Trust, *, learning: str = LEARNING) -> tuple[Complaint, ComplaintIssue]:
    manager = trust.people["complaints_manager"]
    complaint = complaint_actions.record_complaint(
        acting_user=manager,
        channel="letter",
        received_on=D(2026, 3, 2),
        service=trust.service,
        site=trust.site,
        summary="My father, Sam Okafor, waited three weeks for a call back.",
        complainant=complaint_actions.ComplainantDetails(
            full_name="Alex Rivera", email="alex@example.org"
        ),
        patient=complaint_actions.PatientDetails(full_name="Sam Okafor"),
        handler=trust.people["complaints_handler"],
    )
    issue = complaint_actions.add_issue(
        acting_user=manager,
        complaint=complaint,
        description="No call back for three weeks",
        subject=_ref("ko41a_subject", "communications"),
        service_area=_ref("ko41a_service_area", "mental_health"),
        profession=_ref("profession", "nursing"),
    )
    issue = complaint_actions.record_issue_outcome(
        acting_user=manager, issue=issue, outcome="upheld"
    )
    if learning:
        issue = complaint_actions.record_learning(
            acting_user=manager, issue=issue, learning_statement=learning
        )
    complaint.refresh_from_db()
    return complaint, issue


def add_action(trust: Trust, issue: ComplaintIssue, *, owner: str = "service_lead") -> Action:
    return actions.add_learning_action(
        acting_user=trust.people["complaints_manager"],
        issue=issue,
        description="Log every call-back request on the shared list",
        owner=trust.people[owner],
        due_on=D(2026, 5, 1),
        raised_on=D(2026, 3, 20),
    )


def share(trust: Trust, complaint: Complaint) -> LearningShare:
    return actions.share_learning(
        acting_user=trust.people["complaints_manager"],
        complaint=complaint,
        title="Call-backs that were never made",
        summary=LEARNING,
        audience=[trust.team],
        shared_on=D(2026, 4, 1),
    )
