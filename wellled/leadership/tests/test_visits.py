"""A leader records a visit, raises two actions on the shared loop and sends
feedback; the team confirms it got it. Overdue feedback escalates."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wellled.core.models import AuditEvent
from wellled.core.testing import Trust
from wellled.improvement import actions as improvement_actions
from wellled.improvement.queries import actions_for_sources
from wellled.leadership import actions, reminders
from wellled.leadership.improvement_source import KIND
from wellled.leadership.models import VisitStatus
from wellled.leadership.signposting import looks_like_speaking_up
from wellled.leadership.tests.support import TODAY, D, first_visit, held_visit, rota

pytestmark = pytest.mark.django_db


def test_recording_a_visit_sets_the_feedback_date_in_working_days(trust: Trust) -> None:
    visit = held_visit(trust)  # the first visit, Wednesday 1 April 2026
    assert visit.status == VisitStatus.HELD
    assert visit.held_on == D(2026, 4, 1)
    # Five working days, skipping Good Friday (3 April) and Easter Monday (6 April
    # 2026), bank holidays in England (gov.uk/bank-holidays, bundled offline with
    # govuk-bank-holidays): 2, 7, 8, 9 and 10 April.
    assert visit.feedback_due_on == D(2026, 4, 10)
    assert visit.checklist_version == 1
    assert visit.checklist == {"welcome_greeted": "yes", "safe_environment": "partly"}
    event = AuditEvent.objects.get(action="leadership.visit_recorded")
    assert "Staffing" not in str(event.after)  # what staff said stays out of the trail


def test_a_visit_recorded_outside_the_programme_or_in_the_future_is_refused(
    trust: Trust,
) -> None:
    visit = first_visit(rota(trust))
    for held_on, message in ((D(2026, 3, 31), "within the programme"), (D(2027, 1, 4), "past")):
        with pytest.raises(ValidationError) as refused:
            actions.record_visit(
                acting_user=visit.executive,
                visit=visit,
                held_on=held_on,
                themes="x",
                good_practice="",
                concerns="",
                today=TODAY,
            )
        assert message in refused.value.message_dict["held_on"][0]
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED


def test_a_checklist_answer_off_the_list_is_refused(trust: Trust) -> None:
    visit = first_visit(rota(trust))
    with pytest.raises(ValidationError) as refused:
        actions.record_visit(
            acting_user=visit.executive,
            visit=visit,
            held_on=visit.planned_on,
            themes="x",
            good_practice="",
            concerns="",
            checklist={"no_such_item": "yes"},
            today=TODAY,
        )
    assert "checklist" in refused.value.message_dict


def test_only_the_visits_leaders_or_a_manager_record_it(trust: Trust) -> None:
    visit = first_visit(rota(trust))
    for name in ("service_lead", "auditor", "staff_member", "complaints_manager"):
        with pytest.raises(PermissionDenied):
            actions.record_visit(
                acting_user=trust.people[name],
                visit=visit,
                held_on=visit.planned_on,
                themes="x",
                good_practice="",
                concerns="",
                today=TODAY,
            )


def test_the_leader_raises_two_actions_on_the_loop(trust: Trust) -> None:
    visit = held_visit(trust)
    for title in ("Find a bigger handover room", "Review night staffing"):
        improvement_actions.raise_action(
            acting_user=visit.executive,
            source_kind=KIND,
            source_id=str(visit.pk),
            title=title,
            owner=trust.people["governance_lead"],
            due_on=D(2026, 6, 30),
            raised_on=D(2026, 4, 1),
        )
    raised = actions_for_sources(KIND, [visit.pk])
    assert sorted(a.title for a in raised) == [
        "Find a bigger handover room",
        "Review night staffing",
    ]
    assert {a.unit_id for a in raised} == {visit.place_id}


def test_someone_not_on_the_visit_cannot_raise_actions_on_it(trust: Trust) -> None:
    visit = held_visit(trust)
    with pytest.raises(PermissionDenied):
        improvement_actions.raise_action(
            acting_user=trust.people["staff_member"],
            source_kind=KIND,
            source_id=str(visit.pk),
            title="Mine",
            owner=trust.people["service_lead"],
            due_on=D(2026, 6, 30),
            raised_on=D(2026, 4, 1),
        )


def test_feedback_dated_before_the_visit_is_refused(trust: Trust) -> None:
    visit = held_visit(trust)
    with pytest.raises(ValidationError) as refused:
        actions.send_feedback(
            acting_user=visit.executive,
            visit=visit,
            sent_on=D(2026, 3, 31),
            feedback="Thank you",
            today=TODAY,
        )
    assert "before the visit" in refused.value.message_dict["sent_on"][0]
    visit.refresh_from_db()
    assert visit.feedback_sent_on is None


def test_the_team_confirms_the_feedback_and_leaders_cannot_confirm_their_own(
    trust: Trust,
) -> None:
    visit = held_visit(trust)
    actions.send_feedback(
        acting_user=visit.executive,
        visit=visit,
        sent_on=D(2026, 4, 8),
        feedback="You said the handover room is too small; estates will look by June.",
        today=TODAY,
    )
    # The ward is on the first site; the service lead's service is not the ward's,
    # and a trust-wide role is not the team.
    for name in ("governance_lead", "executive", "board_member"):
        with pytest.raises(PermissionDenied):
            actions.confirm_receipt(acting_user=trust.people[name], visit=visit)


def test_a_member_of_a_team_delivered_at_the_site_confirms(trust: Trust) -> None:
    from wellled.organisation import actions as org

    org.set_unit_sites(acting_user=None, unit=trust.team, sites=[trust.site])
    made = rota(trust)
    visit = made.visits.filter(place=trust.site).order_by("planned_on").first()
    assert visit is not None
    actions.record_visit(
        acting_user=None,
        visit=visit,
        held_on=visit.planned_on,
        themes="Parking",
        good_practice="",
        concerns="",
        today=TODAY,
    )
    actions.send_feedback(
        acting_user=None, visit=visit, sent_on=visit.planned_on, feedback="Noted", today=TODAY
    )
    actions.confirm_receipt(acting_user=trust.people["staff_member"], visit=visit, today=TODAY)
    visit.refresh_from_db()
    assert visit.receipt_confirmed_by == trust.people["staff_member"]
    with pytest.raises(ValidationError):
        actions.confirm_receipt(acting_user=trust.people["staff_member"], visit=visit)


def test_overdue_feedback_reminds_the_leaders_then_escalates_once(trust: Trust) -> None:
    visit = held_visit(trust)  # feedback due 10 April 2026
    assert reminders.send_reminders(D(2026, 4, 9)) == 0
    due_day = reminders.find_reminders(D(2026, 4, 10))
    assert {(r.kind, r.recipient_id) for r in due_day} == {
        ("due_today", uid) for uid in visit.leader_ids()
    }
    overdue = reminders.find_reminders(D(2026, 4, 13))
    assert {r.recipient_id for r in overdue if r.kind == "escalation"} == {
        trust.people["governance_lead"].pk
    }
    sent = reminders.send_reminders(D(2026, 4, 13))
    assert sent == len(visit.leader_ids()) + 1
    assert reminders.send_reminders(D(2026, 4, 13)) == 0  # once only
    assert all("Handover" not in m.body for m in mail.outbox)  # never what staff said
    actions.send_feedback(
        acting_user=visit.executive,
        visit=visit,
        sent_on=D(2026, 4, 13),
        feedback="Done",
        today=TODAY,
    )
    assert reminders.find_reminders(D(2026, 4, 20)) == []


def test_concerns_that_sound_like_speaking_up_are_signposted() -> None:
    assert looks_like_speaking_up("Two nurses said they are afraid to raise incidents")
    assert looks_like_speaking_up("", "Bullying by a senior")
    assert not looks_like_speaking_up("The handover room is too small", "Parking")


def test_my_work_lists_visits_to_record_and_feedback_owed(trust: Trust) -> None:
    from wellled.leadership.queries import leadership_work

    visit = held_visit(trust)  # held, feedback not yet given
    made = visit.programme
    executive = visit.executive
    assert executive is not None
    titles = [item.title for item in leadership_work(executive)]
    assert f"Send feedback to {visit.place.name}" in titles
    due = made.visits.filter(
        status=VisitStatus.PLANNED, executive=executive, planned_on__lte=timezone.localdate()
    ).count()
    assert sum(t.startswith("Record your walkround") for t in titles) == min(due, 10)
    assert leadership_work(trust.people["staff_member"]) == []
