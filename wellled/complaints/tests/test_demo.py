"""Use case: the demo trust's complaints tell the inspection's story."""

from __future__ import annotations

import datetime
import statistics

import pytest
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wellled.complaints import exports, ko41a, ko41a_ages, measures, rollup_check
from wellled.complaints.demo import load_demo
from wellled.complaints.models import Complaint, ComplaintIssue, Kind, Status
from wellled.organisation.demo import DemoResult, build_demo, plan_demo
from wellled.organisation.models import OrgUnit, UnitKind


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


def _cases_of_a_new_trust(seed: int) -> list[tuple[object, ...]]:
    """The cases of a trust built and loaded from scratch, then taken back."""
    with transaction.atomic():
        load_demo(build_demo(plan_demo(staff_count=30)), seed=seed, cases_per_month=3)
        cases: list[tuple[object, ...]] = list(
            Complaint.objects.order_by("reference").values_list(
                "reference", "status", "service__name", "site__name", "patient__date_of_birth"
            )
        )
        transaction.set_rollback(True)
    return cases


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_cases_wherever_the_id_sequences_stand() -> None:
    """A unit's path is made of plain-number ids ("/1/100/" sorts before "/1/23/"),
    and PostgreSQL does not roll a sequence back with a test's transaction: drawn
    in path order, the services moved with the ids other tests had used."""
    first = _cases_of_a_new_trust(seed=5)
    # Use up a thousand unit ids, so the next trust's have another number of digits.
    spent = OrgUnit.objects.bulk_create(
        OrgUnit(kind=UnitKind.TEAM, name=f"Spent {n}", path=f"/spent/{n}/") for n in range(1000)
    )
    OrgUnit.objects.filter(pk__in=[unit.pk for unit in spent]).delete()
    assert _cases_of_a_new_trust(seed=5) == first
    assert len(first) > 40


@pytest.mark.django_db
def test_the_demo_ko41a_return_has_patients_in_several_age_bands(demo: DemoResult) -> None:
    """Issue 14: the KO41a return's section 3, age of patient, from the demo's
    formal complaints, with some dates of birth not recorded."""
    load_demo(demo, seed=5, cases_per_month=6)
    year = exports.current_financial_year() - 1
    sheet = ko41a.ko41a_grid(start_year=year)
    band_columns = {
        band.code: sheet.headers.index(f"3. {band.label} [{band.code}]")
        for band in ko41a_ages.age_bands()
    }
    per_band = {
        code: sum(row[column] for row in sheet.rows) for code, column in band_columns.items()
    }
    unknown = per_band.pop("age_unknown")
    assert len([code for code, count in per_band.items() if count]) >= 5
    assert sum(per_band.values()) > unknown > 0
    checks = [text for label, text in sheet.notes if label == "Check"]
    assert not [text for text in checks if "age bands add up" in text]
