"""Actions for the page and API tests, written through the actions package.

Personas: Grace (governance lead) raises and manages; Sam (service lead) owns;
Erin (executive) signs off; Stan (staff member) and Olly (outsider) may not see.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from wellled.core.testing import Trust
from wellled.improvement import actions
from wellled.improvement.models import Action
from wellled.improvement.tests.support import KIND, a_statement

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def an_action(trust: Trust, **overrides: Any) -> Action:
    """Sam's action on a test finding at the community service, due in 30 days."""
    fields: dict[str, Any] = {
        "acting_user": trust.people["governance_lead"],
        "source_kind": KIND,
        "source_id": str(trust.service.pk),
        "title": "Call every complainant within two days",
        "owner": trust.people["service_lead"],
        "executive": trust.people["executive"],
        "due_on": days(30),
    }
    fields.update(overrides)
    return actions.raise_action(**fields)


def an_overdue_action(trust: Trust, late_by: int = 3, **overrides: Any) -> Action:
    """Raised by the system in the past, so that its due date may have passed."""
    return an_action(
        trust,
        acting_user=None,
        raised_on=days(-60),
        due_on=days(-late_by),
        title=f"Late by {late_by}",
        **overrides,
    )


def with_evidence(trust: Trust, action: Action) -> Action:
    actions.add_evidence(
        acting_user=trust.people["service_lead"],
        action=action,
        kind="note",
        title="Call log for March",
        description="Every complainant was called within two days in March.",
        statement_ids=[a_statement()],
    )
    return action


def finished(trust: Trust, action: Action) -> Action:
    with_evidence(trust, action)
    return actions.complete_action(
        acting_user=trust.people["service_lead"], action=action, note="Calls now routine"
    )
