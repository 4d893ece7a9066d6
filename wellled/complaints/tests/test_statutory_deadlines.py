"""Use case: the complaints manager meets the Regulations' own deadlines.

The Local Authority Social Services and National Health Service Complaints
(England) Regulations 2009, SI 2009/309 (https://www.legislation.gov.uk/uksi/2009/309):

* reg 14(2): a response not sent "within the period of six months beginning on the
  day on which the complaint was received, or such longer period as may be agreed
  before the expiry of that period" means telling the complainant in writing, with
  the reason;
* reg 13 and reg 8(1)(c): working days, which a trust's own closure days do not
  change.
"""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from wellled.complaints import actions, clocks, measures, rollup_check, tasks
from wellled.complaints.models import Complaint, LateResponseTask
from wellled.complaints.tests.support import D, issue, messages, record, ref, respond
from wellled.core import actions as core_actions

pytestmark = pytest.mark.django_db


def _acknowledged(trust, received_on: D) -> Complaint:
    """Acknowledged on the day it came in; no response date agreed or set."""
    return actions.acknowledge(
        acting_user=trust.people["complaints_manager"],
        complaint=record(trust, received_on=received_on),
        acknowledged_on=received_on,
        discussion_offered_on=received_on,
    )


def _answered(trust, received_on: D, responded_on: D) -> Complaint:
    """Investigated and answered on `responded_on`, never with a date agreed or set."""
    manager = trust.people["complaints_manager"]
    case = actions.start_investigation(
        acting_user=manager, complaint=_acknowledged(trust, received_on)
    )
    found = issue(trust, case, subject=ref("ko41a_subject", "communications"))
    actions.record_issue_outcome(acting_user=manager, issue=found, outcome="not_upheld")
    return respond(trust, case, responded_on)


def test_six_months_without_an_agreed_date_open_the_late_letter_task_the_day_after(
    trust,
) -> None:
    """Reg 14(2): received 15 January 2026 and never given a date, the response is due
    by 14 July 2026, the last day of the six months beginning on receipt. On that day
    it is not yet late; on 15 July the late response letter is owed."""
    case = _acknowledged(trust, D(2026, 1, 15))
    assert case.response_due is None and case.backstop_due == D(2026, 7, 14)
    assert actions.open_late_response_tasks(today=D(2026, 7, 14)) == []
    opened = actions.open_late_response_tasks(today=D(2026, 7, 15))
    assert [(t.complaint_id, t.missed_due) for t in opened] == [(case.pk, D(2026, 7, 14))]
    # One task for the missed date, however often the job runs.
    assert actions.open_late_response_tasks(today=D(2026, 7, 16)) == []


def test_the_late_letter_for_the_six_months_names_the_date_missed_and_closes_the_task(
    trust,
) -> None:
    """Reg 14(2)(a): "notify the complainant in writing accordingly and explain the
    reason why". The trust's late response letter says which date was missed (the
    six months' last day when none was agreed) and sending it closes the task."""
    manager = trust.people["complaints_manager"]
    case = _acknowledged(trust, D(2026, 1, 15))
    actions.open_late_response_tasks(today=D(2026, 7, 20))
    letter = actions.draft_letter(acting_user=manager, complaint=case, kind="late")
    assert "by 14 July 2026, the date it was due" in letter.body
    assert "still to be agreed" not in letter.body
    actions.mark_letter_sent(acting_user=manager, letter=letter, sent_on=D(2026, 7, 21))
    task = LateResponseTask.objects.get(complaint=case)
    assert task.letter_sent_on == D(2026, 7, 21)


def test_the_daily_job_catches_cases_already_past_six_months(trust) -> None:
    """Reg 14(2) applies to every complaint, so the daily job (not only a change to
    a case) finds the old ones: two cases recorded long ago with no date agreed get
    their tasks on its next run; one inside its six months does not."""
    old = [_acknowledged(trust, D(2025, 11, 3)), _acknowledged(trust, D(2026, 2, 2))]
    recent = record(trust, received_on=timezone.localdate() - datetime.timedelta(days=10))
    assert tasks.open_late_response_tasks() == 2
    assert set(LateResponseTask.objects.values_list("complaint_id", flat=True)) == {
        c.pk for c in old
    }
    assert not LateResponseTask.objects.filter(complaint=recent).exists()
    assert tasks.open_late_response_tasks() == 0


def test_an_agreed_date_missed_then_the_six_months_are_two_late_letters(trust) -> None:
    """Reg 14(2): a date agreed inside the six months was missed (the trust's letter
    explaining the delay), then the six months themselves ran out: the statutory
    notice is owed as well."""
    manager = trust.people["complaints_manager"]
    case = _acknowledged(trust, D(2026, 1, 15))
    actions.agree_response_date(
        acting_user=manager,
        complaint=case,
        response_due=D(2026, 3, 2),
        agreed_on=D(2026, 1, 20),
        how_agreed="phone",
    )
    first = actions.open_late_response_tasks(today=D(2026, 3, 3))
    assert [t.missed_due for t in first] == [D(2026, 3, 2)]
    second = actions.open_late_response_tasks(today=D(2026, 7, 15))
    assert [t.missed_due for t in second] == [D(2026, 7, 14)]


def test_a_longer_period_agreed_in_time_replaces_the_six_months(trust) -> None:
    """Reg 14(2): "or such longer period as may be agreed before the expiry of that
    period". Agreed in January for 1 September: nothing is late in July."""
    manager = trust.people["complaints_manager"]
    case = _acknowledged(trust, D(2026, 1, 15))
    actions.agree_response_date(
        acting_user=manager,
        complaint=case,
        response_due=D(2026, 9, 1),
        agreed_on=D(2026, 1, 20),
        how_agreed="letter",
    )
    assert actions.open_late_response_tasks(today=D(2026, 8, 1)) == []
    opened = actions.open_late_response_tasks(today=D(2026, 9, 2))
    assert [t.missed_due for t in opened] == [D(2026, 9, 1)]


def test_a_reopened_case_is_late_only_against_its_new_date(trust) -> None:
    """The six months of reg 14(2) run to the first response: a case answered on time
    and reopened months later opens no task for the six months."""
    manager = trust.people["complaints_manager"]
    case = _answered(trust, D(2026, 1, 15), D(2026, 3, 2))
    assert case.first_response_due == D(2026, 7, 14)
    actions.reopen(
        acting_user=manager, complaint=case, reason="New questions", reopened_on=D(2026, 3, 20)
    )
    assert actions.open_late_response_tasks(today=D(2026, 8, 1)) == []


def test_a_first_response_with_no_date_agreed_is_measured_against_the_six_months(trust) -> None:
    """Reg 14(2): the response was due within six months even with no date agreed,
    so the timeliness measure counts it: one answered in time (February), one
    answered after its six months (July 20), one never answered (its last day
    14 July has passed). All three are due in July; one of three on time."""
    _answered(trust, D(2026, 1, 15), D(2026, 2, 20))
    _answered(trust, D(2026, 1, 15), D(2026, 7, 20))
    _acknowledged(trust, D(2026, 1, 15))
    for from_cases in (False, True):
        _months, cells = measures.compute_cells(
            "responded_by_agreed_date",
            start=D(2026, 7, 1),
            end=D(2026, 7, 31),
            today=D(2026, 8, 1),
            from_cases=from_cases,
        )
        cell = cells[(None, D(2026, 7, 1))]
        assert (cell.numerator, cell.denominator) == (1, 3)
        assert cell.value == 33.3
    assert rollup_check.check(today=D(2026, 8, 1)) == []


def test_an_unanswered_case_counts_only_once_its_six_months_have_passed(trust) -> None:
    """A response still inside its six months is not yet late (reg 14(2)): not
    counted on 14 July, counted (and not on time) from 15 July."""
    _acknowledged(trust, D(2026, 1, 15))

    def july(today: D) -> tuple[int | None, int | None]:
        _months, cells = measures.compute_cells(
            "responded_by_agreed_date", start=D(2026, 7, 1), end=D(2026, 7, 31), today=today
        )
        cell = cells.get((None, D(2026, 7, 1)))
        return (cell.numerator, cell.denominator) if cell else (None, None)

    assert july(D(2026, 7, 14)) == (None, None)
    assert july(D(2026, 7, 15)) == (0, 1)


class TestClosureDaysNeverMoveStatutoryDates:
    """Reg 13's working day: any day except a Saturday, a Sunday, Christmas Day, Good
    Friday or a bank holiday. A trust's own closure day is none of these."""

    def test_the_acknowledgement_is_due_three_working_days_after_receipt(self, trust) -> None:
        # Received Monday 9 November 2026: due Thursday 12 November, training day or not.
        core_actions.add_closure_day(
            acting_user=trust.people["trust_admin"], date=D(2026, 11, 11), reason="Training"
        )
        case = record(trust, received_on=D(2026, 11, 9))
        assert case.acknowledgement_due == D(2026, 11, 12)

    def test_the_next_working_day_for_an_oral_complaint_is_not_moved(self, trust) -> None:
        """Reg 8(1)(c): resolved "no later than the next working day" after it was
        made. Made on Monday 9 November 2026; the trust closed on Tuesday 10: the
        window still ends on the 10th."""
        core_actions.add_closure_day(
            acting_user=trust.people["trust_admin"], date=D(2026, 11, 10), reason="Closed"
        )
        with pytest.raises(ValidationError) as caught:
            record(
                trust,
                kind="oral_resolved",
                channel="phone",
                received_on=D(2026, 11, 9),
                resolved_on=D(2026, 11, 11),
            )
        assert "after 10 November 2026, the next working day" in messages(caught)

    def test_the_six_months_are_calendar_months(self, trust) -> None:
        core_actions.add_closure_day(
            acting_user=trust.people["trust_admin"], date=D(2026, 3, 2), reason="Closed"
        )
        case = record(trust, received_on=D(2026, 3, 2))
        assert case.backstop_due == clocks.six_months_after(D(2026, 3, 2)) == D(2026, 9, 1)


def test_the_migration_moves_stored_six_months_and_records_the_date_due(trust) -> None:
    """Reg 14(2): cases recorded before the six months were read as "beginning on"
    the day of receipt had their last day one day late, and first responses sent
    with no date agreed had no date due. Migration 0007 puts both right and counts
    the roll-up again."""
    from django.apps import apps

    recount = importlib.import_module(
        "wellled.complaints.migrations.0007_six_months_and_date_due"
    ).recount
    manager = trust.people["complaints_manager"]
    waiting = _acknowledged(trust, D(2026, 1, 15))
    answered = _answered(trust, D(2026, 1, 15), D(2026, 7, 20))
    longer = _acknowledged(trust, D(2026, 1, 15))
    actions.agree_response_date(
        acting_user=manager,
        complaint=longer,
        response_due=D(2026, 9, 1),
        agreed_on=D(2026, 1, 20),
        how_agreed="phone",
    )
    reopened = actions.reopen(
        acting_user=manager,
        complaint=_answered(trust, D(2026, 1, 15), D(2026, 2, 2)),
        reason="More questions",
        reopened_on=D(2026, 2, 10),
    )
    # As the old rules stored them: the corresponding date, and no date due.
    Complaint.objects.filter(pk__in=[waiting.pk, answered.pk, reopened.pk]).update(
        backstop_due=D(2026, 7, 15)
    )
    Complaint.objects.filter(pk__in=[answered.pk, reopened.pk]).update(first_response_due=None)

    recount(apps, None)

    found = dict(Complaint.objects.values_list("pk", "backstop_due"))
    assert found[waiting.pk] == found[answered.pk] == found[reopened.pk] == D(2026, 7, 14)
    assert found[longer.pk] == D(2026, 9, 1)
    first_due = dict(Complaint.objects.values_list("pk", "first_response_due"))
    assert first_due[answered.pk] == first_due[reopened.pk] == D(2026, 7, 14)
    assert first_due[waiting.pk] is None
    assert rollup_check.check() == []
