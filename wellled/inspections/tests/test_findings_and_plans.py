"""A governance lead records the findings and raises the actions that answer them
(improvement actions, raised on the finding)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wellled.core.testing import Trust
from wellled.improvement import actions as improvement_actions
from wellled.improvement.models import Action
from wellled.inspections import actions
from wellled.inspections.improvement_source import KIND
from wellled.inspections.models import Finding
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


def test_a_finding_is_answered_by_an_improvement_action_raised_from_its_page(
    trust: Trust,
    client_for,
) -> None:
    """The inspection page's "Raise an action" leads to the improvement form with the
    finding as its source; the action is signed off by an executive by default."""
    record = inspection(trust)
    found = finding(record)
    governance = client_for("governance_lead")
    page = governance.get(f"/inspections/{record.pk}/").content.decode()
    raise_href = f"/actions/new/?source_kind=inspection_finding&amp;source_id={found.pk}"
    assert raise_href in page and "No action yet" in page
    # The old "plan the action" address leads to the same form.
    old = governance.get(f"/inspections/findings/{found.pk}/plan/")
    assert old["Location"] == raise_href.replace("&amp;", "&")
    owner = trust.people["complaints_manager"]
    due = timezone.localdate() + datetime.timedelta(days=90)
    response = governance.post(
        raise_href.replace("&amp;", "&"),
        {
            "title": "Complaints answered on time",
            "owner": owner.pk,
            "due_on_day": str(due.day),
            "due_on_month": str(due.month),
            "due_on_year": str(due.year),
            "sign_off_role": "executive",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Action.objects.get()
    assert (created.owner, created.due_on, created.status, created.sign_off_role) == (
        owner,
        due,
        "not_started",
        "executive",
    )
    page = governance.get(f"/inspections/{record.pk}/").content.decode()
    assert f"/actions/{created.pk}/" in page and "Complaints answered on time" in page


def test_an_action_on_a_finding_needs_an_owner_and_a_due_date(trust: Trust) -> None:
    found = finding(inspection(trust))
    with pytest.raises(ValidationError) as error:
        improvement_actions.raise_action(
            acting_user=None,
            source_kind=KIND,
            source_id=str(found.pk),
            title="",
            owner=None,
            due_on=None,
            milestones=[("Tracker live", None)],
        )
    assert {"title", "owner", "due_on", "milestones"} <= set(error.value.message_dict)


@pytest.mark.parametrize("persona", ["executive", "service_lead", "complaints_manager"])
def test_only_governance_leads_add_findings_and_actions_on_them(trust: Trust, persona: str) -> None:
    record = inspection(trust)
    found = finding(record)
    with pytest.raises(PermissionDenied):
        actions.add_finding(
            acting_user=trust.people[persona], inspection=record, kind="must_do", text="x"
        )
    with pytest.raises(PermissionDenied):
        plan(trust, found, owner=persona, raised_on=None, acting_user=trust.people[persona])


def test_a_governance_lead_reassigns_and_re_dates_an_action_but_an_owner_cannot(
    trust: Trust,
) -> None:
    planned = plan(trust, finding(inspection(trust)))
    with pytest.raises(PermissionDenied):
        improvement_actions.replan_action(
            acting_user=trust.people["service_lead"],
            action=planned,
            due_on=D(2031, 1, 1),
            reason="Later",
        )
    improvement_actions.replan_action(
        acting_user=trust.people["governance_lead"],
        action=planned,
        due_on=D(2031, 1, 1),
        reason="The new tracker arrives later",
    )
    changed = improvement_actions.reassign_action(
        acting_user=trust.people["governance_lead"],
        action=planned,
        owner=trust.people["complaints_manager"],
    )
    assert changed.owner == trust.people["complaints_manager"]
    assert changed.due_on == D(2031, 1, 1)
    assert changed.replans.get().reason == "The new tracker arrives later"
