"""Payments: a claim at the policy's rate, approval, payment, the turnaround, and
the finance export; payment declined and claims over the rate."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wellled.core.testing import Trust
from wellled.involvement import actions, queries
from wellled.involvement.models import Claim, ClaimStatus
from wellled.involvement.tests.support import DAY, activity, claim, person, policy

pytestmark = pytest.mark.django_db


def test_a_claim_is_paid_at_the_policy_rate_and_its_turnaround_measured(trust: Trust) -> None:
    short = claim(trust)  # 3 hours at level 3: the half-day rate
    assert short.payment_pence == 7500 and short.expenses_pence == 820
    actions.approve_claim(acting_user=trust.people["involvement_lead"], claim=short)
    actions.mark_paid(
        acting_user=None, claim=short, paid_on=short.received_on + datetime.timedelta(days=6)
    )
    short.refresh_from_db()
    assert short.status == ClaimStatus.PAID and short.turnaround_days == 6
    assert short.approved_by == trust.people["involvement_lead"]
    long_day = activity(trust, hours="6").participants.get()
    slow = actions.submit_claim(
        acting_user=None, participation=long_day, received_on=DAY, today=DAY
    )
    assert slow.payment_pence == 15000  # over 4 hours: the day rate
    actions.approve_claim(acting_user=None, claim=slow)
    actions.mark_paid(acting_user=None, claim=slow, paid_on=DAY + datetime.timedelta(days=20))
    lead = trust.people["involvement_lead"]
    assert queries.turnaround(lead) == {"paid": 2, "median_days": 13, "within_target_pct": 50}


def test_a_claim_over_the_rate_needs_the_approvers_reason(trust: Trust, client_for: Any) -> None:
    over = claim(trust, payment_pence=12000)
    with pytest.raises(ValidationError) as refused:
        actions.approve_claim(acting_user=None, claim=over)
    assert refused.value.message_dict["over_rate_reason"] == [
        "This claim is £120.00, over the policy's £75.00: give the reason for paying more"
    ]
    client = client_for("involvement_lead")
    page = client.post(f"/involvement/claims/{over.pk}/approve/", {"over_rate_reason": ""})
    assert page.status_code == 200
    assert "give the reason for paying more" in page.content.decode()
    done = client.post(
        f"/involvement/claims/{over.pk}/approve/",
        {"over_rate_reason": "The workshop ran over by two hours"},
    )
    assert done["Location"] == "/involvement/claims/"
    over.refresh_from_db()
    assert over.status == ClaimStatus.APPROVED
    assert over.over_rate_reason == "The workshop ran over by two hours"


def test_someone_declining_payment_has_expenses_only_with_a_plain_note(trust: Trust) -> None:
    with pytest.raises(ValidationError) as refused:
        claim(trust, payment_declined=True)
    assert "Say in plain words why" in refused.value.message_dict["declined_note"][0]
    declined = claim(
        trust,
        payment_declined=True,
        declined_note="Expenses only: payment could affect Ada's benefits",
    )
    assert declined.payment_pence == 0 and declined.total_pence == 820


def test_only_someone_who_attended_can_claim_and_only_once(trust: Trust) -> None:
    ada, ben = person(trust), person(trust)
    session = activity(trust, ada, attended=[ada], participants=[ada, ben])
    absent = session.participants.get(person=ben)
    with pytest.raises(ValidationError, match="Only someone who attended"):
        actions.submit_claim(acting_user=None, participation=absent, received_on=DAY, today=DAY)
    present = session.participants.get(person=ada)
    actions.submit_claim(acting_user=None, participation=present, received_on=DAY, today=DAY)
    with pytest.raises(ValidationError, match="already been made"):
        actions.submit_claim(acting_user=None, participation=present, received_on=DAY, today=DAY)


def test_the_lead_records_a_claim_and_a_payment_on_the_pages(trust: Trust, client_for: Any) -> None:
    policy()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    part = activity(trust, held_on=yesterday, today=timezone.localdate()).participants.get()
    client = client_for("involvement_lead")
    response = client.post(
        f"/involvement/participations/{part.pk}/claim/",
        {
            "received_on_day": yesterday.day,
            "received_on_month": yesterday.month,
            "received_on_year": yesterday.year,
            "expenses": "12.40",
            "payment": "",
        },
    )
    assert response["Location"] == "/involvement/claims/"
    found = Claim.objects.get()
    assert found.expenses_pence == 1240 and found.payment_pence == 7500
    actions.approve_claim(acting_user=None, claim=found)
    today = timezone.localdate()
    paid = client.post(
        f"/involvement/claims/{found.pk}/paid/",
        {"paid_on_day": today.day, "paid_on_month": today.month, "paid_on_year": today.year},
    )
    assert paid["Location"] == "/involvement/claims/"
    found.refresh_from_db()
    assert found.turnaround_days == 1
    page = client.get("/involvement/claims/").content.decode()
    assert "1 claim paid, in a median of 1 day from arrival" in page


def test_finance_gets_approved_claims_as_a_workbook_with_names_as_text(
    trust: Trust, client_for: Any
) -> None:
    from openpyxl import load_workbook

    risky = person(trust, full_name='=HYPERLINK("http://example.org")')
    part = activity(trust, risky).participants.get()
    found = actions.submit_claim(
        acting_user=None, participation=part, received_on=DAY, expenses_pence=500, today=DAY
    )
    claim(trust)  # submitted, not approved: not for finance yet
    actions.approve_claim(acting_user=None, claim=found)
    response = client_for("involvement_lead").get("/involvement/claims/finance.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][0] == found.pk and rows[1][6] == 80.0
    assert rows[1][1] == "'" + risky.full_name  # kept as text, never run as a formula
    assert sheet.cell(row=2, column=2).data_type == "s"


@pytest.mark.parametrize("persona", ["service_lead", "executive", "complaints_manager"])
def test_only_the_involvement_lead_handles_claims(
    trust: Trust, client_for: Any, persona: str
) -> None:
    found = claim(trust)
    with pytest.raises(PermissionDenied):
        actions.approve_claim(acting_user=trust.people[persona], claim=found)
    client = client_for(persona)
    assert client.get("/involvement/claims/").status_code == 403
    assert client.get("/involvement/claims/finance.xlsx").status_code == 403
    assert client.post(f"/involvement/claims/{found.pk}/approve/").status_code == 403


def test_a_policy_version_applies_from_its_date(trust: Trust) -> None:
    policy(datetime.date(2025, 4, 1))
    newer = actions.add_payment_policy(
        acting_user=None,
        version="2026",
        in_force_from=datetime.date(2026, 3, 1),
        target_days=7,
        levels=[(3, "Panel or committee member", 8000, 16000)],
    )
    assert queries.policy_in_force(DAY) == newer
    assert queries.policy_in_force(datetime.date(2026, 2, 28)) != newer
    assert claim(trust).payment_pence == 8000
