"""Use case: the demo trust's complaints tell the inspection's story."""

from __future__ import annotations

import datetime
import statistics

import pytest
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wellled.complaints import measures, rollup_check
from wellled.complaints.demo import load_demo
from wellled.complaints.models import Complaint, ComplaintIssue, Kind, Status
from wellled.organisation.demo import DemoResult, build_demo, plan_demo


@pytest.fixture
def demo() -> DemoResult:
    return build_demo(plan_demo(staff_count=30))


def _fingerprint() -> list[tuple[str, str, str, datetime.date]]:
    return list(
        Complaint.objects.order_by("reference").values_list(
            "reference", "status", "service__name", "received_on"
        )
    )


@pytest.mark.django_db
def test_two_years_of_cases_with_late_answers_then_improvement(demo: DemoResult) -> None:
    line = load_demo(demo, seed=11, cases_per_month=24)
    assert line.startswith("Complaints: ")
    today = timezone.localdate()
    cases = Complaint.objects.all()
    assert cases.filter(kind=Kind.PALS).exists() and cases.filter(kind=Kind.COMPLAINT).exists()
    first = min(cases.values_list("received_on", flat=True))
    assert (today - first).days > 650  # two years
    # Every formal complaint someone handles is coded with KO41a subjects; those made
    # online today wait in the triage queue, uncoded and with nobody handling them.
    handled = cases.filter(handler__isnull=False)
    assert not handled.filter(kind=Kind.COMPLAINT, issues__isnull=True).exists()
    waiting = cases.filter(handler__isnull=True, status=Status.RECEIVED)
    assert waiting.count() == 3
    assert set(waiting.values_list("channel", "received_on")) == {("online", today)}
    # Some answers were late, and learning is missing on some upheld issues.
    late = cases.filter(first_responded_on__gt=F("first_response_due"))
    assert late.exists()
    assert ComplaintIssue.objects.filter(
        outcome__in=["upheld", "partially_upheld"],
        learning_statement="",
        no_learning_reason="",
        complaint__status=Status.RESPONDED,
    ).exists()
    # Open cases, some overdue, for the caseload and the reminders.
    assert cases.filter(status__in=[Status.INVESTIGATING, Status.ACKNOWLEDGED]).exists()
    series = measures.monthly_series(
        "responded_by_agreed_date", today.replace(day=1) - datetime.timedelta(days=700), today
    )
    values = [v for _, v in series if v is not None]
    worst_year = statistics.mean(values[4:12])
    latest = statistics.mean(values[-8:-2])
    assert latest > worst_year + 10  # timeliness was poor, and has improved
    # Two years of cases through the actions: every rolled-up figure matches them.
    assert rollup_check.check() == []


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_cases(demo: DemoResult) -> None:
    with transaction.atomic():
        load_demo(demo, seed=5, cases_per_month=3)
        first = _fingerprint()
        transaction.set_rollback(True)
    load_demo(demo, seed=5, cases_per_month=3)
    assert _fingerprint() == first
    assert len(first) > 40
