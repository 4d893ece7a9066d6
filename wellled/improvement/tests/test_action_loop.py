"""The action loop, whatever raised the action: raise it with an owner and a date,
report progress, file evidence in the library, complete it, have it signed off.

Personas: Grace (governance lead) raises and re-plans; Sam (service lead) owns;
Erin (executive) signs off; Olly (outsider) has no role.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wellled.assurance.models import EvidenceItem
from wellled.core.models import AuditEvent
from wellled.core.testing import Trust
from wellled.improvement import actions
from wellled.improvement.models import Action, Status
from wellled.improvement.queries import actions_visible_to, improvement_work
from wellled.improvement.tests.support import KIND, a_statement

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("test_source")]

TODAY = timezone.localdate()


def _raise(trust: Trust, **overrides: object) -> Action:
    fields: dict[str, object] = {
        "acting_user": trust.people["governance_lead"],
        "source_kind": KIND,
        "source_id": str(trust.service.pk),
        "title": "Call every complainant within two days",
        "owner": trust.people["service_lead"],
        "due_on": TODAY + datetime.timedelta(days=30),
    }
    fields.update(overrides)
    return actions.raise_action(**fields)  # type: ignore[arg-type]


def _finish(trust: Trust, action: Action) -> Action:
    actions.add_evidence(
        acting_user=trust.people["service_lead"],
        action=action,
        kind="note",
        title="Call log for March",
        description="Every complainant was called within two days in March.",
        statement_ids=[a_statement()],
    )
    return actions.complete_action(
        acting_user=trust.people["service_lead"], action=action, note="Calls now routine"
    )


def test_an_action_is_raised_with_its_owner_date_and_default_sign_off(trust: Trust) -> None:
    action = _raise(trust, milestones=[("Script agreed", TODAY + datetime.timedelta(days=7))])
    assert action.unit == trust.service
    assert action.status == Status.NOT_STARTED
    assert action.sign_off_role == "executive"
    assert action.milestones.count() == 1
    assert AuditEvent.objects.filter(action="improvement.action_raised").count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"due_on": TODAY - datetime.timedelta(days=1)}, "due_on"),
        ({"title": "  "}, "title"),
        ({"owner": None}, "owner"),
        ({"milestones": [("Early", TODAY - datetime.timedelta(days=3))]}, "milestones"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_raised(
    trust: Trust, overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        _raise(trust, **overrides)
    assert field in refused.value.message_dict
    assert not Action.objects.exists()


def test_an_owner_outside_the_actions_part_of_the_trust_is_refused(trust: Trust) -> None:
    """The staff member works in a team under the community service, not the ward."""
    with pytest.raises(ValidationError) as refused:
        _raise(trust, source_id=str(trust.other_service.pk), owner=trust.people["staff_member"])
    assert "Acute inpatient ward" in refused.value.message_dict["owner"][0]
    with pytest.raises(ValidationError):
        _raise(trust, owner=trust.people["outsider"])
    assert _raise(trust, owner=trust.people["staff_member"]).owner == trust.people["staff_member"]


def test_someone_the_source_does_not_trust_cannot_raise_an_action(trust: Trust) -> None:
    with pytest.raises(PermissionDenied):
        _raise(trust, acting_user=trust.people["staff_member"])


def test_re_planning_keeps_the_old_date_and_the_reason(trust: Trust) -> None:
    action = _raise(trust)
    old = action.due_on
    with pytest.raises(ValidationError) as refused:
        actions.replan_action(
            acting_user=trust.people["governance_lead"],
            action=action,
            due_on=old + datetime.timedelta(days=14),
            reason="",
        )
    assert "reason" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        actions.replan_action(
            acting_user=trust.people["staff_member"], action=action, due_on=old, reason="x"
        )
    actions.replan_action(
        acting_user=trust.people["governance_lead"],
        action=action,
        due_on=old + datetime.timedelta(days=14),
        reason="The phone system changes in April",
    )
    action.refresh_from_db()
    (change,) = action.replans.all()
    assert (change.previous_due_on, change.new_due_on) == (old, action.due_on)
    assert change.reason == "The phone system changes in April"


def test_completing_needs_evidence_which_lands_in_the_library_under_its_statements(
    trust: Trust,
) -> None:
    action = _raise(trust)
    with pytest.raises(ValidationError) as refused:
        actions.complete_action(
            acting_user=trust.people["service_lead"], action=action, note="Done"
        )
    assert "evidence" in refused.value.messages[0]
    action = _finish(trust, action)
    assert action.status == Status.DONE and action.done_on == TODAY
    item = EvidenceItem.objects.get()
    assert item.unit == trust.service
    assert list(item.statement_tags.values_list("statement_id", flat=True)) == [a_statement()]
    assert list(action.evidence_links.values_list("item", flat=True)) == [item.pk]


def test_progress_is_dated_and_cannot_mark_the_action_done(trust: Trust) -> None:
    action = _raise(trust)
    actions.record_progress(
        acting_user=trust.people["service_lead"],
        action=action,
        status="at_risk",
        note="Two staff off sick",
    )
    action.refresh_from_db()
    assert action.status == Status.AT_RISK
    with pytest.raises(ValidationError) as refused:
        actions.record_progress(
            acting_user=trust.people["service_lead"], action=action, status="done", note="x"
        )
    assert "status" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        actions.record_progress(
            acting_user=trust.people["staff_member"],
            action=action,
            status="on_track",
            note="x",
        )


def test_sign_off_is_by_someone_else_holding_the_role_and_after_every_milestone(
    trust: Trust,
) -> None:
    action = _raise(trust, milestones=[("Script agreed", TODAY)])
    action = _finish(trust, action)
    executive = trust.people["executive"]
    with pytest.raises(ValidationError) as refused:
        actions.sign_off_action(acting_user=executive, action=action)
    assert "1 milestone is not done" in refused.value.messages[0]
    actions.complete_milestone(
        acting_user=trust.people["service_lead"], milestone=action.milestones.get()
    )
    with pytest.raises(PermissionDenied):
        actions.sign_off_action(acting_user=trust.people["governance_lead"], action=action)
    signed = actions.sign_off_action(acting_user=executive, action=action, note="Seen the log")
    assert signed.signed_off_by == executive and signed.is_closed


def test_the_owner_cannot_sign_off_their_own_action(trust: Trust) -> None:
    action = _raise(
        trust, owner=trust.people["executive"], acting_user=trust.people["governance_lead"]
    )
    action = _finish_as(trust, action, trust.people["executive"])
    with pytest.raises(ValidationError) as refused:
        actions.sign_off_action(acting_user=trust.people["executive"], action=action)
    assert "You own this action" in refused.value.messages[0]


def _finish_as(trust: Trust, action: Action, person: object) -> Action:
    actions.add_evidence(
        acting_user=person,  # type: ignore[arg-type]
        action=action,
        kind="note",
        title="Minutes",
        description="Agreed at the quality committee.",
        statement_ids=[a_statement()],
    )
    return actions.complete_action(acting_user=person, action=action, note="Done")  # type: ignore[arg-type]


def test_reopening_withdraws_the_sign_off_and_keeps_the_reason(trust: Trust) -> None:
    action = _finish(trust, _raise(trust))
    actions.sign_off_action(acting_user=trust.people["executive"], action=action)
    reopened = actions.reopen_action(
        acting_user=trust.people["executive"], action=action, reason="Calls slipped in May"
    )
    assert reopened.status == Status.ON_TRACK and reopened.signed_off_by is None
    assert reopened.updates.first().note == "Reopened: Calls slipped in May"  # type: ignore[union-attr]


def test_who_sees_an_action(trust: Trust) -> None:
    action = _raise(trust)
    for persona in ("service_lead", "governance_lead", "executive", "board_member", "auditor"):
        assert action in actions_visible_to(trust.people[persona]), persona
    for persona in ("staff_member", "outsider", "complaints_handler"):
        assert action not in actions_visible_to(trust.people[persona]), persona


def test_my_work_lists_what_i_own_and_what_awaits_my_sign_off(trust: Trust) -> None:
    action = _raise(trust)
    owned = improvement_work(trust.people["service_lead"])
    assert [item.title for item in owned] == [f"Action: {action.title}"]
    assert improvement_work(trust.people["executive"]) == []
    _finish(trust, action)
    (waiting,) = improvement_work(trust.people["executive"])
    assert waiting.title == f"Sign off: {action.title}"
    assert improvement_work(trust.people["service_lead"]) == []
