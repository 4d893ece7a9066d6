"""The demo's learning follows the inspection's story: before it, learning was often
left unfinished; afterwards most actions are done, shared and read."""

from __future__ import annotations

import re

import pytest

from wellled.complaints.demo import load_demo as load_complaints
from wellled.complaints.models import ComplaintIssue
from wellled.complaints.models import Status as CaseStatus
from wellled.improvement.models import Action, Status
from wellled.learning.demo import load_demo
from wellled.learning.improvement_source import KIND
from wellled.learning.models import LearningShare, ReadReceipt, YouSaidWeDid
from wellled.learning.queries import audience_users, closure_gaps
from wellled.learning.redaction import personal_details_in
from wellled.organisation.demo import build_demo, plan_demo

pytestmark = pytest.mark.django_db


def test_demo_learning_is_recorded_shared_and_names_no_one() -> None:
    result = build_demo(plan_demo(staff_count=30))
    load_complaints(result, seed=3, cases_per_month=8)
    line = load_demo(result, seed=3)
    assert line.startswith("Learning: ")
    learning_actions = Action.objects.filter(source_kind=KIND)
    assert learning_actions.filter(status=Status.DONE).exists()
    assert learning_actions.exclude(status=Status.DONE).exists()
    # Every completed one has its evidence in the library.
    for action in learning_actions.filter(status=Status.DONE):
        assert action.evidence_links.exists()
    assert LearningShare.objects.exists()
    counts = {
        label: int(number)
        for number, label in re.findall(r"(\d+) (actions|shared|read receipts)", line)
    }
    assert counts["actions"] == learning_actions.count()
    assert counts["shared"] == LearningShare.objects.count()
    assert counts["read receipts"] == ReadReceipt.objects.count()
    for receipt in ReadReceipt.objects.select_related("share"):
        assert audience_users(receipt.share).filter(pk=receipt.user_id).exists()
    assert YouSaidWeDid.objects.exists()
    for share in LearningShare.objects.select_related("complaint"):
        assert personal_details_in(share.summary, share.complaint) == []
    # Every case closed by the demo really had its learning complete.
    closed_issue_ids = {
        str(pk)
        for pk in ComplaintIssue.objects.filter(complaint__status=CaseStatus.CLOSED).values_list(
            "pk", flat=True
        )
    }
    for action in learning_actions.filter(source_id__in=closed_issue_ids):
        issue = ComplaintIssue.objects.select_related("complaint").get(pk=action.source_id)
        assert closure_gaps(issue.complaint) == []
