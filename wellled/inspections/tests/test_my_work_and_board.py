"""Inspection actions in "my work" (with every improvement action), sign-offs for
executives, the board summary and the well-led page's panel."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from wellled.core.navigation import work_for
from wellled.core.testing import Trust
from wellled.improvement import actions as improvement_actions
from wellled.improvement.queries import improvement_work
from wellled.inspections.queries import statement_panel
from wellled.inspections.tests.support import done, finding, inspection, plan

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _days(n: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=n)


def test_owners_see_their_open_actions_and_late_milestones(trust: Trust) -> None:
    record = inspection(trust)
    plan(trust, finding(record), title="Late one", due_on=_days(-3), milestones=[])
    risky = plan(
        trust,
        finding(record, reference="MD2"),
        title="Risky one",
        due_on=_days(30),
        milestones=[("Tracker live", _days(-1))],
    )
    improvement_actions.record_progress(
        acting_user=None, action=risky, note="Slipping", status="at_risk"
    )
    items = improvement_work(trust.people["service_lead"])
    titles = sorted(i.title for i in items)
    assert titles == ["Action: Late one", "Action: Risky one", "Milestone: Tracker live"]
    assert improvement_work(trust.people["governance_lead"]) == []
    home = work_for(trust.people["service_lead"])
    assert any(item.title == "Action: Late one" for item in home)


def test_executives_see_actions_waiting_for_their_sign_off_but_not_their_own(trust: Trust) -> None:
    record = inspection(trust)
    for owner, reference in (("service_lead", "MD1"), ("executive", "MD2")):
        done(plan(trust, finding(record, reference=reference), owner=owner, title=reference))
    titles = [i.title for i in improvement_work(trust.people["executive"]) if "Sign" in i.title]
    assert titles == ["Sign off: MD1"]
    assert improvement_work(trust.people["board_member"]) == []


def test_the_board_summary_counts_by_status_and_lists_the_overdue(trust: Trust, client_for) -> None:
    record = inspection(trust)
    plan(trust, finding(record), title="Late one", due_on=_days(-3), milestones=[])
    plan(trust, finding(record, reference="MD2"), title="Fine one", due_on=_days(9))
    response = client_for("board_member").get("/inspections/board/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 overdue action" in page
    assert "Late one" in page and "Fine one" not in page
    assert "service_lead@example.nhs.uk" not in page
    assert client_for("guardian").get("/inspections/board/").status_code == 403


def test_the_panel_lists_open_actions_linked_to_the_statement(trust: Trust) -> None:
    record = inspection(trust)
    open_plan = plan(trust, finding(record, statement_ids=["freedom-to-speak-up"]), title="Open")
    closed = plan(
        trust,
        finding(record, reference="MD2", statement_ids=["freedom-to-speak-up"]),
        title="Closed",
    )
    improvement_actions.sign_off_action(acting_user=trust.people["executive"], action=done(closed))
    panel = statement_panel(
        trust.people["board_member"], "saf_2024_statements", "freedom-to-speak-up"
    )
    assert panel is not None
    assert [row.label for row in panel.rows] == ["Open"]
    assert panel.rows[0].href == f"/actions/{open_plan.pk}/"
    # The 2023 SAF shares its statements with the 2024 one.
    assert statement_panel(
        trust.people["board_member"], "saf_2023_evidence_categories", "freedom-to-speak-up"
    )
    assert (
        statement_panel(trust.people["board_member"], "saf_2024_statements", "safeguarding") is None
    )
    assert (
        statement_panel(trust.people["guardian"], "saf_2024_statements", "freedom-to-speak-up")
        is None
    )
    assert statement_panel(trust.people["board_member"], "no_such", "freedom-to-speak-up") is None


def test_the_panel_is_registered_for_the_well_led_page(trust: Trust) -> None:
    from wellled.assurance.panels import panels_for

    plan(trust, finding(inspection(trust), statement_ids=["freedom-to-speak-up"]))
    found = panels_for(trust.people["executive"], "saf_2024_statements", "freedom-to-speak-up")
    assert [p.module for p in found if p.module == "Inspections"] == ["Inspections"]


def test_the_nav_shows_inspections_to_viewers_only(trust: Trust, client_for) -> None:
    assert 'href="/inspections/"' in client_for("auditor").get("/").content.decode()
    assert 'href="/inspections/"' not in client_for("guardian").get("/").content.decode()
