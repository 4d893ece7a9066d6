"""Who may open each walkround URL: merged into tests/test_url_permissions.py.

The sample programme covers the whole test trust; the executive and the board
member (a non-executive director) lead it and the governance lead manages it.
The sample visit is to the first site, where the staff member's team works: they
may open it and confirm its feedback. The service lead reads walkrounds over
their service only, so not the trust-wide programme.
"""

from __future__ import annotations

from typing import Any

from tests.url_access_groups import ALL_PERSONAS, Access, Samples
from wellled.core.testing import Trust

READERS = frozenset({"board_member", "executive", "governance_lead", "auditor"})
MANAGERS = frozenset({"governance_lead"})
LEADERS = frozenset({"executive", "board_member"})
TEAM = frozenset({"staff_member"})

ACCESS: Access = {
    "leadership:programmes": READERS | {"service_lead"},
    "leadership:programme_new": MANAGERS,
    # Your own visits (an empty calendar for someone who has none).
    "leadership:my_calendar": ALL_PERSONAS,
    "leadership:programme": READERS,
    "leadership:visits": READERS,
    "leadership:generate": MANAGERS,
    "leadership:leader_new": MANAGERS,
    # The sample leader is the board member: they record their own days away.
    "leadership:leader_unavailable": MANAGERS | {"board_member"},
    "leadership:visit": READERS | TEAM,
    "leadership:visit_move": MANAGERS | LEADERS,
    "leadership:visit_record": MANAGERS | LEADERS,
    "leadership:visit_feedback": MANAGERS | LEADERS,
    "leadership:visit_confirm": TEAM,
    # API: lists are filtered (an empty list is a refusal); details refuse.
    "leadership-visit-list": READERS | {"service_lead"},
    "leadership-visit-detail": READERS | TEAM,
}


def _programme(trust: Trust) -> dict[str, Any]:
    from wellled.leadership.tests.support import programme

    return {"pk": programme(trust, second=False).pk}


def _rota(trust: Trust) -> dict[str, Any]:
    from wellled.leadership.tests.support import rota

    return {"pk": rota(trust, second=False).pk}


def _leader(trust: Trust) -> dict[str, Any]:
    from wellled.leadership.tests.support import programme

    made = programme(trust, second=False)
    return {"pk": made.leaders.get(user=trust.people["board_member"]).pk}


def _visit(trust: Trust) -> dict[str, Any]:
    from wellled.leadership.tests.support import sample_visit

    return {"pk": sample_visit(trust).pk}


def _visit_with_feedback(trust: Trust) -> dict[str, Any]:
    from wellled.leadership.tests.support import sample_visit

    return {"pk": sample_visit(trust, feedback=True).pk}


SAMPLES: Samples = {
    "leadership:programme": _rota,
    "leadership:visits": _rota,
    "leadership:generate": _programme,
    "leadership:leader_new": _programme,
    "leadership:leader_unavailable": _leader,
    "leadership:visit": _visit,
    "leadership:visit_move": _visit,
    "leadership:visit_record": _visit,
    "leadership:visit_feedback": _visit,
    "leadership:visit_confirm": _visit_with_feedback,
    "leadership-visit-detail": _visit,
}
