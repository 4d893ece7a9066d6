"""Correcting a finding before its plan is signed off; reopening a signed-off plan."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wellled.core.models import AuditEvent
from wellled.core.testing import Trust
from wellled.inspections import actions
from wellled.inspections.models import ActionPlan, Finding, PlanStatus
from wellled.inspections.tests.support import finding, inspection, planned

pytestmark = pytest.mark.django_db


def _signed(trust: Trust) -> ActionPlan:
    plan = planned(trust)
    actions.add_evidence(acting_user=None, plan=plan, kind="note", title="Audit", note="Done.")
    actions.record_progress(acting_user=None, plan=plan, note="Done", status="done")
    return actions.sign_off(acting_user=trust.people["executive"], plan=plan, note="Seen")


def _change(found: Finding, **overrides: object) -> Finding:
    values: dict[str, object] = {
        "acting_user": None,
        "finding": found,
        "kind": "requirement_notice",
        "text": "The trust must answer complaints on time.",
        "regulation": "Regulation 16",
        "reference": "RN1",
        "statement_ids": ["governance-management-and-sustainability"],
    }
    values.update(overrides)
    return actions.change_finding(**values)  # type: ignore[arg-type]


def test_the_governance_lead_corrects_a_finding(trust: Trust) -> None:
    found = finding(inspection(trust))
    changed = _change(found, acting_user=trust.people["governance_lead"])
    changed.refresh_from_db()
    assert changed.kind == "requirement_notice" and changed.reference == "RN1"
    assert changed.statement_ids == ["governance-management-and-sustainability"]
    event = AuditEvent.objects.filter(action="inspections.finding_changed").get()
    assert (event.before or {})["kind"] == "must_do"
    assert (event.after or {})["text_changed"] is True
    assert "answer complaints" not in str(event.after or {})  # the text itself is not audited


def test_a_finding_with_an_open_plan_can_still_change(trust: Trust) -> None:
    plan = planned(trust)
    _change(plan.finding)
    plan.finding.refresh_from_db()
    assert plan.finding.kind == "requirement_notice"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "rumour"}, "kind"),
        ({"text": " "}, "text"),
        ({"regulation": ""}, "regulation"),
        ({"reference": "X" * 21}, "reference"),
        ({"statement_ids": ["made-up"]}, "statement_ids"),
    ],
)
def test_bad_changes_are_refused_and_nothing_changes(
    trust: Trust, overrides: dict[str, object], field: str
) -> None:
    found = finding(inspection(trust))
    with pytest.raises(ValidationError) as caught:
        _change(found, **overrides)
    assert field in caught.value.message_dict
    found.refresh_from_db()
    assert found.kind == "must_do"
    assert found.statement_ids == ["learning-improvement-and-innovation"]


def test_a_signed_off_finding_cannot_change(trust: Trust, client_for) -> None:
    plan = _signed(trust)
    with pytest.raises(ValidationError, match="signed off"):
        _change(plan.finding)
    response = client_for("governance_lead").get(f"/inspections/findings/{plan.finding.pk}/edit/")
    assert response.status_code == 302


def test_only_managers_change_findings(trust: Trust, client_for) -> None:
    found = finding(inspection(trust))
    for persona in ("executive", "board_member", "service_lead"):
        with pytest.raises(PermissionDenied):
            _change(found, acting_user=trust.people[persona])
    response = client_for("executive").post(
        f"/inspections/findings/{found.pk}/edit/", {"kind": "should_do", "text": "x"}
    )
    assert response.status_code == 403


def test_changing_a_finding_through_the_page_and_api(trust: Trust, client_for, api_for) -> None:
    found = finding(inspection(trust))
    client = client_for("governance_lead")
    assert client.get(f"/inspections/findings/{found.pk}/edit/").status_code == 200
    response = client.post(
        f"/inspections/findings/{found.pk}/edit/",
        {
            "kind": "should_do",
            "reference": "SD1",
            "regulation": "",
            "text": "The trust should share learning.",
            "statements": ["learning-improvement-and-innovation"],
        },
    )
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.kind == "should_do" and found.reference == "SD1"
    url = f"/api/v1/assurance/findings/{found.pk}/change/"
    bad = api_for("governance_lead").post(
        url, {"kind": "warning_notice", "text": "Breach"}, format="json"
    )
    assert bad.status_code == 400 and "regulation" in bad.json()
    good = api_for("governance_lead").post(
        url,
        {"kind": "warning_notice", "text": "Breach", "regulation": "Regulation 17"},
        format="json",
    )
    assert good.status_code == 200
    assert api_for("executive").post(url, {"kind": "must_do", "text": "x"}).status_code == 403


# Reopening -------------------------------------------------------------------


def test_an_executive_reopens_a_signed_off_plan_with_a_reason(trust: Trust) -> None:
    plan = _signed(trust)
    reopened = actions.reopen_plan(
        acting_user=trust.people["operator"], plan=plan, reason="Late answers again in May"
    )
    reopened.refresh_from_db()
    assert not reopened.is_signed_off
    assert reopened.signed_off_on is None and reopened.sign_off_note == ""
    assert reopened.status == PlanStatus.ON_TRACK and reopened.done_on is None
    assert "Late answers again in May" in reopened.updates.first().note  # type: ignore[union-attr]
    event = AuditEvent.objects.filter(action="inspections.plan_reopened").get()
    assert (event.after or {})["reason"] == "Late answers again in May"
    assert (event.before or {})["signed_off_by_id"] == trust.people["executive"].pk
    # Open again: the finding can be corrected, and progress recorded.
    _change(reopened.finding)
    actions.record_progress(acting_user=None, plan=reopened, note="Working", status="at_risk")


def test_reopening_needs_a_reason_and_a_signed_off_plan(trust: Trust) -> None:
    plan = _signed(trust)
    with pytest.raises(ValidationError) as caught:
        actions.reopen_plan(acting_user=trust.people["executive"], plan=plan, reason=" ")
    assert caught.value.message_dict["reason"] == ["Say why the signed-off action is reopened"]
    plan.refresh_from_db()
    assert plan.is_signed_off
    with pytest.raises(ValidationError, match="not been signed off"):
        actions.reopen_plan(acting_user=trust.people["executive"], plan=planned(trust), reason="x")


@pytest.mark.parametrize("persona", ["governance_lead", "board_member", "service_lead"])
def test_only_sign_off_holders_reopen(trust: Trust, persona: str, client_for) -> None:
    plan = _signed(trust)
    with pytest.raises(PermissionDenied):
        actions.reopen_plan(acting_user=trust.people[persona], plan=plan, reason="x")
    response = client_for(persona).post(f"/inspections/actions/{plan.pk}/reopen/", {"reason": "x"})
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.is_signed_off


def test_reopening_through_the_page_and_api(trust: Trust, client_for, api_for) -> None:
    plan = _signed(trust)
    client = client_for("executive")
    page = client.get(f"/inspections/actions/{plan.pk}/").content.decode()
    assert f"/inspections/actions/{plan.pk}/reopen/" in page
    empty = client.post(f"/inspections/actions/{plan.pk}/reopen/", {"reason": ""})
    assert "Say why the signed-off action is reopened" in empty.content.decode()
    done = client.post(f"/inspections/actions/{plan.pk}/reopen/", {"reason": "New evidence"})
    assert done.status_code == 302
    plan.refresh_from_db()
    assert not plan.is_signed_off
    url = f"/api/v1/assurance/actions/{plan.pk}/reopen/"
    again = api_for("executive").post(url, {"reason": "x"}, format="json")
    assert again.status_code == 400
    assert api_for("board_member").post(url, {"reason": "x"}, format="json").status_code == 403
    signed = _signed(trust)
    ok = api_for("executive").post(
        f"/api/v1/assurance/actions/{signed.pk}/reopen/", {"reason": "Audit"}, format="json"
    )
    assert ok.status_code == 200
    assert ok.json()["signed_off_on"] is None
