"""The governance lead asks for a month's board pack: a queued row and a job."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wellled.core.models import Job
from wellled.core.testing import Trust
from wellled.reports import actions
from wellled.reports.models import BoardPack

pytestmark = pytest.mark.django_db


def test_a_request_queues_the_pack_and_its_job(trust: Trust) -> None:
    pack = actions.request_board_pack(
        acting_user=trust.people["governance_lead"], month=datetime.date(2025, 3, 1)
    )
    assert pack.status == BoardPack.Status.QUEUED
    assert pack.requested_by == trust.people["governance_lead"]
    job = Job.objects.get()
    assert pack.job == job
    assert job.kind == "reports.board_pack"
    assert job.payload == {"board_pack_id": pack.pk}
    assert job.title == "Board pack for March 2025"


@pytest.mark.parametrize("month", [datetime.date(2025, 3, 2), datetime.date(2999, 1, 1)])
def test_the_month_must_be_a_month_not_in_the_future(trust: Trust, month: datetime.date) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.request_board_pack(acting_user=trust.people["governance_lead"], month=month)
    assert "month" in caught.value.message_dict
    assert not BoardPack.objects.exists()


@pytest.mark.parametrize("persona", ["board_member", "executive", "auditor", "staff_member"])
def test_only_board_pack_producers_may_ask(trust: Trust, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        actions.request_board_pack(
            acting_user=trust.people[persona], month=datetime.date(2025, 3, 1)
        )
    assert not BoardPack.objects.exists() and not Job.objects.exists()
