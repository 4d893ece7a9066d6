"""Correcting a finding before its action is signed off; reopening a signed-off action
(an improvement action) lets the finding change again."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wellled.core.models import AuditEvent
from wellled.core.testing import Trust
from wellled.improvement import actions as improvement_actions
from wellled.improvement.models import Action, Status
from wellled.inspections import actions
from wellled.inspections.models import Finding
from wellled.inspections.tests.support import finding, inspection, planned

pytestmark = pytest.mark.django_db


def _signed(trust: Trust) -> Action:
    plan = planned(trust, milestones=[])
    improvement_actions.add_evidence(
        acting_user=None,
        action=plan,
        kind="note",
        title="Audit",
        description="Done.",
        statement_ids=["learning-improvement-and-innovation"],
    )
    improvement_actions.complete_action(acting_user=None, action=plan, note="Done")
    return improvement_actions.sign_off_action(
        acting_user=trust.people["executive"], action=plan, note="Seen"
    )


def _finding(action: Action) -> Finding:
    return Finding.objects.get(pk=int(action.source_id))


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


def test_a_finding_with_an_open_action_can_still_change(trust: Trust) -> None:
    plan = planned(trust)
    changed = _change(_finding(plan))
    changed.refresh_from_db()
    assert changed.kind == "requirement_notice"


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
        _change(_finding(plan))
    response = client_for("governance_lead").get(f"/inspections/findings/{plan.source_id}/edit/")
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


def test_an_executive_reopens_a_signed_off_action_and_the_finding_can_change(
    trust: Trust,
) -> None:
    plan = _signed(trust)
    reopened = improvement_actions.reopen_action(
        acting_user=trust.people["executive"], action=plan, reason="Late answers again in May"
    )
    reopened.refresh_from_db()
    assert reopened.signed_off_on is None and reopened.sign_off_note == ""
    assert reopened.status == Status.ON_TRACK and reopened.done_on is None
    assert "Late answers again in May" in reopened.updates.first().note  # type: ignore[union-attr]
    event = AuditEvent.objects.filter(action="improvement.reopened").get()
    assert (event.after or {})["reason"] == "Late answers again in May"
    assert (event.before or {})["signed_off_by_id"] == trust.people["executive"].pk
    # Open again: the finding can be corrected, and progress recorded.
    _change(_finding(reopened))
    improvement_actions.record_progress(
        acting_user=None, action=reopened, note="Working", status="at_risk"
    )


@pytest.mark.parametrize("persona", ["board_member", "service_lead", "staff_member"])
def test_neither_readers_nor_owners_reopen(trust: Trust, persona: str) -> None:
    plan = _signed(trust)
    with pytest.raises(PermissionDenied):
        improvement_actions.reopen_action(
            acting_user=trust.people[persona], action=plan, reason="x"
        )
    plan.refresh_from_db()
    assert plan.signed_off_on is not None


def test_old_reopen_addresses_forward_to_the_action(trust: Trust, client_for, api_for) -> None:
    """Pages and scripts from before the move: the old plan id leads to the action."""
    plan = _signed(trust)
    Action.objects.filter(pk=plan.pk).update(legacy_ref="inspections.actionplan:77")
    page = client_for("executive").get("/inspections/actions/77/reopen/")
    assert page.status_code == 301 and page["Location"] == f"/actions/{plan.pk}/reopen/"
    api = api_for("executive").post(
        "/api/v1/assurance/actions/77/reopen/", {"reason": "Audit"}, format="json"
    )
    assert api.status_code == 308
    assert api["Location"] == f"/api/v1/actions/{plan.pk}/reopen/"
    ok = api_for("executive").post(api["Location"], {"reason": "Audit"}, format="json")
    assert ok.status_code == 200 and ok.json()["signed_off_on"] is None
    assert api_for("board_member").post(api["Location"], {"reason": "x"}).status_code == 403
