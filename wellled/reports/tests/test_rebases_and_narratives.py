"""Recalculating limits needs a reason and a second person; narratives come from owners."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wellled.core.testing import Trust
from wellled.reports import actions
from wellled.reports.models import Narrative, Rebase
from wellled.reports.queries import last_month
from wellled.reports.tests.support import make_metric

pytestmark = pytest.mark.django_db

APRIL = datetime.date(2025, 4, 1)


def test_a_rebase_with_no_reason_is_refused(trust: Trust, client_for) -> None:
    metric = make_metric(trust)
    with pytest.raises(ValidationError) as caught:
        actions.request_rebase(
            acting_user=trust.people["governance_lead"], metric=metric, period=APRIL, reason="  "
        )
    assert "reason" in caught.value.message_dict
    response = client_for("governance_lead").post(
        f"/reports/metrics/{metric.slug}/recalculations/new/",
        {"period_day": "1", "period_month": "4", "period_year": "2025", "reason": ""},
    )
    assert response.status_code == 200
    assert "Enter the reason" in response.content.decode()
    assert not Rebase.objects.exists()


def test_a_rebase_must_start_a_period(trust: Trust) -> None:
    metric = make_metric(trust)
    with pytest.raises(ValidationError) as caught:
        actions.request_rebase(
            acting_user=trust.people["governance_lead"],
            metric=metric,
            period=datetime.date(2025, 4, 9),
            reason="New pathway",
        )
    assert "start of a month" in caught.value.message_dict["period"][0]


def test_governance_asks_and_an_executive_approves_on_the_pages(trust: Trust, client_for) -> None:
    metric = make_metric(trust)
    response = client_for("governance_lead").post(
        f"/reports/metrics/{metric.slug}/recalculations/new/",
        {"period_day": "1", "period_month": "4", "period_year": "2025", "reason": "New pathway"},
    )
    assert response.status_code == 302
    rebase = Rebase.objects.get()
    assert rebase.requested_by == trust.people["governance_lead"] and not rebase.is_approved
    executive = client_for("executive")
    detail = executive.get(f"/reports/metrics/{metric.slug}/").content.decode()
    assert f"/recalculations/{rebase.pk}/approve/" in detail
    response = executive.post(f"/reports/metrics/{metric.slug}/recalculations/{rebase.pk}/approve/")
    assert response.status_code == 302
    rebase.refresh_from_db()
    assert rebase.approver == trust.people["executive"] and rebase.approved_at is not None


def test_nobody_approves_their_own_rebase(trust: Trust, client_for) -> None:
    metric = make_metric(trust)
    operator = trust.people["operator"]  # holds both capabilities
    rebase = actions.request_rebase(
        acting_user=operator, metric=metric, period=APRIL, reason="New pathway"
    )
    with pytest.raises(ValidationError, match="someone else must approve"):
        actions.approve_rebase(acting_user=operator, rebase=rebase)
    page = client_for("operator").get(
        f"/reports/metrics/{metric.slug}/recalculations/{rebase.pk}/approve/"
    )
    assert "someone else must approve" in page.content.decode()
    actions.approve_rebase(acting_user=trust.people["executive"], rebase=rebase)
    with pytest.raises(ValidationError, match="already approved"):
        actions.approve_rebase(acting_user=trust.people["executive"], rebase=rebase)


@pytest.mark.parametrize("persona", ["governance_lead", "board_member", "service_lead"])
def test_only_rebase_approvers_approve(trust: Trust, client_for, persona: str) -> None:
    metric = make_metric(trust)
    rebase = actions.request_rebase(
        acting_user=trust.people["operator"], metric=metric, period=APRIL, reason="x"
    )
    with pytest.raises(PermissionDenied):
        actions.approve_rebase(acting_user=trust.people[persona], rebase=rebase)
    response = client_for(persona).post(
        f"/reports/metrics/{metric.slug}/recalculations/{rebase.pk}/approve/"
    )
    assert response.status_code == 403
    rebase.refresh_from_db()
    assert not rebase.is_approved


def test_the_owner_writes_the_narrative(trust: Trust, client_for) -> None:
    metric = make_metric(trust, owner=trust.people["guardian"])
    client = client_for("guardian")
    assert client.get(f"/reports/metrics/{metric.slug}/narrative/").status_code == 200
    response = client.post(
        f"/reports/metrics/{metric.slug}/narrative/",
        {"what": "Up", "so_what": "Staff feel safer", "what_next": "Keep going"},
    )
    assert response.status_code == 302
    narrative = Narrative.objects.get()
    assert narrative.month == last_month() and narrative.author == trust.people["guardian"]
    # Writing again the same month rewrites it.
    client.post(
        f"/reports/metrics/{metric.slug}/narrative/",
        {"what": "Up again", "so_what": "s", "what_next": "n"},
    )
    assert Narrative.objects.get().what == "Up again"
    # An earlier month through ?month=YYYY-MM.
    client.post(
        f"/reports/metrics/{metric.slug}/narrative/?month=2025-01",
        {"what": "w", "so_what": "s", "what_next": "n"},
    )
    assert Narrative.objects.filter(month=datetime.date(2025, 1, 1)).exists()


def test_a_narrative_needs_all_three_parts(trust: Trust, client_for) -> None:
    metric = make_metric(trust)
    response = client_for("governance_lead").post(
        f"/reports/metrics/{metric.slug}/narrative/", {"what": "Up", "so_what": "", "what_next": ""}
    )
    assert response.status_code == 200
    assert "Say what it means" in response.content.decode()
    assert not Narrative.objects.exists()


@pytest.mark.parametrize("persona", ["board_member", "executive", "service_lead"])
def test_others_may_not_write_the_narrative(trust: Trust, client_for, persona: str) -> None:
    metric = make_metric(trust, owner=trust.people["guardian"])
    with pytest.raises(PermissionDenied):
        actions.write_narrative(
            acting_user=trust.people[persona],
            metric=metric,
            month=last_month(),
            what="w",
            so_what="s",
            what_next="n",
        )
    response = client_for(persona).post(
        f"/reports/metrics/{metric.slug}/narrative/",
        {"what": "w", "so_what": "s", "what_next": "n"},
    )
    assert response.status_code == 403
    assert not Narrative.objects.exists()


def test_governance_adds_annotations_on_period_starts(trust: Trust, client_for) -> None:
    metric = make_metric(trust)
    client = client_for("governance_lead")
    response = client.post(
        f"/reports/metrics/{metric.slug}/notes/new/",
        {"period_day": "3", "period_month": "4", "period_year": "2025", "text": "Ward closed"},
    )
    assert response.status_code == 200 and "start of a month" in response.content.decode()
    response = client.post(
        f"/reports/metrics/{metric.slug}/notes/new/",
        {"period_day": "1", "period_month": "4", "period_year": "2025", "text": "Ward closed"},
    )
    assert response.status_code == 302
    assert metric.annotations.get().text == "Ward closed"
    assert (
        client_for("board_member")
        .post(
            f"/reports/metrics/{metric.slug}/notes/new/",
            {"period_day": "1", "period_month": "5", "period_year": "2025", "text": "x"},
        )
        .status_code
        == 403
    )
