"""'My work': recalculations awaiting approval, narratives due from owners."""

from __future__ import annotations

import datetime

import pytest

from wellled.core import navigation
from wellled.core.testing import Trust
from wellled.reports import actions
from wellled.reports.queries import last_month, narratives_due, rebases_awaiting, reports_work
from wellled.reports.tests.support import make_metric

pytestmark = pytest.mark.django_db


def _titles(user) -> list[str]:
    return [item.title for item in reports_work(user)]


def test_reports_work_is_registered() -> None:
    assert reports_work in navigation._WORK


def test_executives_see_rebases_awaiting_their_approval(trust: Trust, client_for) -> None:
    metric = make_metric(trust, name="Falls")
    rebase = actions.request_rebase(
        acting_user=trust.people["governance_lead"],
        metric=metric,
        period=datetime.date(2025, 4, 1),
        reason="New falls bundle",
    )
    executive = trust.people["executive"]
    assert list(rebases_awaiting(executive)) == [rebase]
    assert "Approve recalculating Falls" in _titles(executive)
    # Not the requester, not someone who cannot approve, not once approved.
    assert not rebases_awaiting(trust.people["governance_lead"]).exists()
    assert not rebases_awaiting(trust.people["board_member"]).exists()
    actions.approve_rebase(acting_user=executive, rebase=rebase)
    assert "Approve recalculating Falls" not in _titles(executive)


def test_owners_see_narratives_due_for_last_month(trust: Trust) -> None:
    guardian = trust.people["guardian"]
    mine = make_metric(trust, name="Speaking up", owner=guardian)
    make_metric(trust, name="Someone else's")
    assert list(narratives_due(guardian)) == [mine]
    month = last_month()
    assert f"Write the {month:%B %Y} narrative for Speaking up" in _titles(guardian)
    actions.write_narrative(
        acting_user=guardian, metric=mine, month=month, what="w", so_what="s", what_next="n"
    )
    assert _titles(guardian) == []
    # A retired metric needs no narrative.
    actions.update_metric(
        acting_user=None, metric=make_metric(trust, name="Old", owner=guardian), is_active=False
    )
    assert _titles(guardian) == []
