"""The demo's learning follows the inspection's story: before it, learning was often
left unfinished; afterwards most actions are done, shared and read."""

from __future__ import annotations

import re

import pytest

from wellled.complaints.demo import load_demo as load_complaints
from wellled.complaints.models import Status
from wellled.learning.demo import load_demo
from wellled.learning.models import LearningAction, LearningShare, ReadReceipt, YouSaidWeDid
from wellled.learning.queries import audience_users, closure_gaps
from wellled.learning.redaction import personal_details_in
from wellled.organisation.demo import build_demo, plan_demo

pytestmark = pytest.mark.django_db


def test_demo_learning_is_recorded_shared_and_names_no_one() -> None:
    result = build_demo(plan_demo(staff_count=30))
    load_complaints(result, seed=3, cases_per_month=8)
    line = load_demo(result, seed=3)
    assert line.startswith("Learning: ")
    assert LearningAction.objects.exists()
    assert LearningAction.objects.filter(completed_on__isnull=False).exists()
    assert LearningAction.objects.filter(completed_on__isnull=True).exists()
    assert LearningShare.objects.exists()
    counts = {
        label: int(number)
        for number, label in re.findall(r"(\d+) (actions|shared|read receipts)", line)
    }
    assert counts["actions"] == LearningAction.objects.count()
    assert counts["shared"] == LearningShare.objects.count()
    assert counts["read receipts"] == ReadReceipt.objects.count()
    for receipt in ReadReceipt.objects.select_related("share"):
        assert audience_users(receipt.share).filter(pk=receipt.user_id).exists()
    assert YouSaidWeDid.objects.exists()
    for share in LearningShare.objects.select_related("complaint"):
        assert personal_details_in(share.summary, share.complaint) == []
    # Every case closed by the demo really had its learning complete.
    for action in LearningAction.objects.filter(issue__complaint__status=Status.CLOSED):
        assert closure_gaps(action.issue.complaint) == []
