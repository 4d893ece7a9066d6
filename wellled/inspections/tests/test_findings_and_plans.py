"""A governance lead records the findings and turns each into an action plan."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wellled.core.testing import Trust
from wellled.inspections import actions
from wellled.inspections.models import ActionPlan, Finding
from wellled.inspections.tests.support import D, finding, inspection, plan

pytestmark = pytest.mark.django_db


def test_findings_of_every_kind_are_recorded_with_their_statements(trust: Trust) -> None:
    record = inspection(trust)
    kinds = ["must_do", "should_do", "requirement_notice", "warning_notice", "condition"]
    for kind in kinds:
        finding(record, kind=kind, reference=kind[:4], statement_ids=["freedom-to-speak-up"])
    assert sorted(record.findings.values_list("kind", flat=True)) == sorted(kinds)
    assert {f.statement_ids[0] for f in record.findings.all()} == {"freedom-to-speak-up"}


def test_a_finding_through_the_page(trust: Trust, client_for) -> None:
    record = inspection(trust)
    response = client_for("governance_lead").post(
        f"/inspections/{record.pk}/findings/new/",
        {
            "kind": "requirement_notice",
            "reference": "RN1",
            "regulation": "Regulation 17: Good governance",
            "text": "Governance systems did not identify delays in complaints.",
            "statements": ["governance-management-and-sustainability"],
        },
    )
    assert response.status_code == 302
    saved = Finding.objects.get()
    assert saved.statement_ids == ["governance-management-and-sustainability"]


def test_notices_and_conditions_need_the_regulation(trust: Trust) -> None:
    record = inspection(trust)
    with pytest.raises(ValidationError) as error:
        finding(record, kind="warning_notice", regulation="")
    assert "Enter the regulation breached" in error.value.message_dict["regulation"][0]
    finding(record, kind="should_do", regulation="")  # actions need none


def test_a_finding_about_an_unknown_statement_is_refused(trust: Trust) -> None:
    record = inspection(trust)
    with pytest.raises(ValidationError) as error:
        finding(record, statement_ids=["freedom-to-speak-up", "speaking-up"])
    assert error.value.message_dict["statement_ids"] == [
        "Unknown quality statement 'speaking-up' in saf_2024_statements"
    ]
    assert not Finding.objects.exists()


def test_each_finding_becomes_one_plan_with_owner_milestones_and_due_date(
    trust: Trust,
    client_for,
) -> None:
    found = finding(inspection(trust))
    owner = trust.people["complaints_manager"]
    response = client_for("governance_lead").post(
        f"/inspections/findings/{found.pk}/plan/",
        {
            "title": "Complaints answered on time",
            "owner": owner.pk,
            "due_date_day": "31",
            "due_date_month": "3",
            "due_date_year": "2030",
        },
    )
    created = ActionPlan.objects.get()
    assert response.status_code == 302
    assert (created.owner, created.due_date, created.status) == (
        owner,
        D(2030, 3, 31),
        "not_started",
    )
    with pytest.raises(ValidationError, match="already has an action plan"):
        plan(trust, found)


def test_a_plan_needs_an_owner_and_a_due_date(trust: Trust) -> None:
    found = finding(inspection(trust))
    with pytest.raises(ValidationError) as error:
        actions.create_action_plan(
            acting_user=None,
            finding=found,
            title="",
            owner=None,
            due_date=None,
            milestones=[("Tracker live", None)],
        )
    assert set(error.value.message_dict) == {"title", "owner", "due_date", "milestones"}


@pytest.mark.parametrize("persona", ["executive", "service_lead", "complaints_manager"])
def test_only_governance_leads_add_findings_and_plans(trust: Trust, persona: str) -> None:
    record = inspection(trust)
    found = finding(record)
    with pytest.raises(PermissionDenied):
        actions.add_finding(
            acting_user=trust.people[persona], inspection=record, kind="must_do", text="x"
        )
    with pytest.raises(PermissionDenied):
        actions.create_action_plan(
            acting_user=trust.people[persona],
            finding=found,
            title="x",
            owner=trust.people[persona],
            due_date=D(2030, 1, 1),
        )


def test_a_governance_lead_reassigns_and_re_dates_a_plan_but_an_owner_cannot(
    trust: Trust,
) -> None:
    planned = plan(trust, finding(inspection(trust)))
    with pytest.raises(PermissionDenied):
        actions.change_plan(
            acting_user=trust.people["service_lead"],
            plan=planned,
            owner=trust.people["service_lead"],
            due_date=D(2031, 1, 1),
            title="Later",
        )
    changed = actions.change_plan(
        acting_user=trust.people["governance_lead"],
        plan=planned,
        owner=trust.people["complaints_manager"],
        due_date=D(2031, 1, 1),
        title="Later",
    )
    assert changed.owner == trust.people["complaints_manager"]
    assert changed.due_date == D(2031, 1, 1)
