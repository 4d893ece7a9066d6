"""The loop measured monthly (Making Data Count), and the daily reminders.

The figures are checked against actions whose dates are chosen by hand: due in
March 2026 (three: on time, late, still open), due in April (none).
"""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.test import override_settings

from wellled.core.testing import Trust
from wellled.improvement import actions, measures, reminders
from wellled.improvement.models import Action, Status
from wellled.improvement.tests.support import KIND
from wellled.reports.sources import get_source

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("test_source")]

D = datetime.date


def _action(trust: Trust, raised: D, due: D, done: D | None, unit: object = None) -> Action:
    action = actions.raise_action(
        acting_user=None,
        source_kind=KIND,
        source_id=str((unit or trust.service).pk),  # type: ignore[attr-defined]
        title=f"Due {due}",
        # Trust-wide, so that they may own an action anywhere.
        owner=trust.people["governance_lead"] if unit else trust.people["service_lead"],
        due_on=due,
        raised_on=raised,
    )
    if done is not None:
        # Dates in the past: set directly, as a data migration of old actions would.
        Action.objects.filter(pk=action.pk).update(status=Status.DONE, done_on=done)
    return action


@pytest.fixture
def march(trust: Trust) -> Trust:
    _action(trust, D(2026, 1, 5), D(2026, 3, 10), D(2026, 3, 9))  # on time
    _action(trust, D(2026, 1, 5), D(2026, 3, 20), D(2026, 4, 3))  # 14 days late, done April
    _action(trust, D(2026, 2, 1), D(2026, 3, 31), None)  # still open
    _action(trust, D(2026, 2, 1), D(2026, 2, 10), D(2026, 3, 14))  # 32 days late, done March
    return trust


def _values(key: str, unit: object = None) -> list[float | None]:
    return [v for _, v in get_source(key).compute(D(2026, 2, 1), D(2026, 4, 30), unit)]  # type: ignore[arg-type]


def test_the_monthly_figures(march: Trust) -> None:
    measures.register_all()
    assert _values("improvement.actions_due") == [1.0, 3.0, 0.0]
    assert _values("improvement.closed_on_time") == [0.0, 33.3, None]
    # Feb end: the Feb action (due 10 Feb) is open; March end: the 20 March action
    # (done 3 April) and the Feb one is done 14 March; April end: the 31 March one.
    assert _values("improvement.overdue_at_month_end") == [1.0, 1.0, 1.0]
    assert _values("improvement.median_days_late") == [None, 32.0, 14.0]


def test_figures_narrow_to_a_care_group_or_service(march: Trust) -> None:
    _action(march, D(2026, 1, 5), D(2026, 3, 12), None, unit=march.other_service)
    assert _values("improvement.actions_due", march.service) == [1.0, 3.0, 0.0]
    assert _values("improvement.actions_due", march.care_group) == [1.0, 4.0, 0.0]


def test_each_kind_of_source_has_its_own_figures(march: Trust) -> None:
    measures.register_measures(KIND, "Test finding")
    assert _values(f"improvement.closed_on_time.{KIND}") == [0.0, 33.3, None]
    assert get_source(f"improvement.closed_on_time.{KIND}").title.endswith(": test finding")
    with pytest.raises(KeyError):
        get_source(f"improvement.actions_due.{KIND}")


@override_settings(WELLLED_ACTION_REMINDER_DAYS=7)
def test_owners_are_reminded_and_lateness_goes_up_the_line_once(trust: Trust) -> None:
    today = D(2026, 6, 1)
    soon = _action(trust, D(2026, 5, 1), D(2026, 6, 5), None)
    late = _action(trust, D(2026, 5, 1), D(2026, 5, 20), None)
    Action.objects.filter(pk=late.pk).update(executive=trust.people["executive"])
    _action(trust, D(2026, 5, 1), D(2026, 9, 1), None)  # not yet
    found = {(r.kind, r.recipient_id, r.action_id) for r in reminders.find_reminders(today)}
    lead, executive = trust.people["service_lead"].pk, trust.people["executive"].pk
    assert found == {
        ("due_soon", lead, soon.pk),
        ("overdue", lead, late.pk),
        ("escalation", executive, late.pk),
    }
    assert reminders.send_reminders(today) == 2
    assert reminders.send_reminders(today) == 0
    owner_mail = next(m for m in mail.outbox if m.to == [trust.people["service_lead"].email])
    assert "1 due soon, 1 overdue" in owner_mail.subject
    assert f"/actions/{late.pk}/" in owner_mail.body
