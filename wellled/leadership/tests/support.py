"""A walkround programme over the test trust, through the real actions.

The test trust's hub has two sites; `ward` adds an inpatient ward delivered at
the first. The executive persona and the board member (a non-executive director)
lead, with a second executive so the rota has someone to swap with.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User

from wellled.core.testing import Trust, make_user
from wellled.leadership import actions
from wellled.leadership.models import LeaderKind, Programme, Visit
from wellled.organisation import actions as org
from wellled.organisation.models import OrgUnit, Role, UnitKind

D = datetime.date
START, END = D(2026, 4, 1), D(2027, 3, 31)
TODAY = D(2026, 12, 7)


def ward(trust: Trust) -> OrgUnit:
    found = OrgUnit.objects.filter(kind=UnitKind.TEAM, name="Willow Ward").first()
    return found or org.create_unit(
        acting_user=None,
        kind=UnitKind.TEAM,
        name="Willow Ward",
        parent=trust.other_service,
        sites=[trust.site],
    )


def second_executive(trust: Trust) -> User:
    user = User.objects.filter(username="second_executive").first()
    if user is None:
        user = make_user("second_executive")
        org.grant_role(acting_user=None, user=user, role=Role.EXECUTIVE, unit=trust.trust)
    return user


def programme(
    trust: Trust, *, visits_per_place: int = 2, second: bool = True, **kwargs: Any
) -> Programme:
    ward(trust)
    made = actions.create_programme(
        acting_user=trust.people["governance_lead"],
        name="Leadership walkrounds 2026/27",
        scope=trust.trust,
        starts_on=START,
        ends_on=END,
        visits_per_place=visits_per_place,
        **kwargs,
    )
    lead = trust.people["governance_lead"]
    actions.add_leader(
        acting_user=lead, programme=made, user=trust.people["executive"], kind=LeaderKind.EXECUTIVE
    )
    actions.add_leader(
        acting_user=lead,
        programme=made,
        user=trust.people["board_member"],
        kind=LeaderKind.NON_EXECUTIVE,
    )
    if second:
        actions.add_leader(
            acting_user=lead,
            programme=made,
            user=second_executive(trust),
            kind=LeaderKind.EXECUTIVE,
        )
    return made


def rota(trust: Trust, **kwargs: Any) -> Programme:
    made = programme(trust, **kwargs)
    actions.generate_rota(acting_user=trust.people["governance_lead"], programme=made)
    return made


def first_visit(made: Programme) -> Visit:
    return made.visits.order_by("planned_on", "pk").first()  # type: ignore[return-value]


def held_visit(trust: Trust, **kwargs: Any) -> Visit:
    made = rota(trust)
    visit = first_visit(made)
    return actions.record_visit(
        acting_user=visit.executive,
        visit=visit,
        held_on=visit.planned_on,
        themes="Staffing at night",
        good_practice="Daily safety huddle",
        concerns="Handover room too small",
        checklist={"welcome_greeted": "yes", "safe_environment": "partly"},
        today=TODAY,
        **kwargs,
    )


def sample_visit(trust: Trust, *, held: bool = False, feedback: bool = False) -> Visit:
    """For the URL walk: a visit to the first site led by the executive and the
    board member, where the persona staff member's team works (so they confirm)."""
    org.set_unit_sites(acting_user=None, unit=trust.team, sites=[trust.site])
    made = rota(trust, second=False)
    visit = made.visits.filter(place=trust.site).order_by("planned_on").first()
    assert visit is not None
    if held or feedback:
        actions.record_visit(
            acting_user=None,
            visit=visit,
            held_on=visit.planned_on,
            themes="Parking",
            good_practice="Safety huddle",
            concerns="",
            today=END,
        )
    if feedback:
        actions.send_feedback(
            acting_user=None, visit=visit, sent_on=visit.planned_on, feedback="Noted", today=END
        )
    visit.refresh_from_db()
    return visit
