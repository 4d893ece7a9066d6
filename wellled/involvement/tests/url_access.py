"""Who may open each involvement URL: merged into tests/test_url_permissions.py.

The register holds members of the public: only the involvement lead opens it, and
platform operators do not (OPERATOR_EXCLUDED). The registration page is public.
"""

from __future__ import annotations

from typing import Any

from tests.url_access_groups import PUBLIC, Access, Samples
from wellled.core.testing import Trust

LEAD = frozenset({"involvement_lead"})

ACCESS: Access = {
    "involvement:public_register": PUBLIC,
    "involvement:public_thanks": PUBLIC,
    "involvement:home": LEAD,
    # Aggregates per care group, no people: leaders who read the board's reports.
    "involvement:embeddedness": LEAD
    | {"board_member", "executive", "governance_lead", "auditor", "operator"},
    "involvement:people": LEAD,
    "involvement:person_new": LEAD,
    "involvement:person": LEAD,
    "involvement:opportunities": LEAD,
    "involvement:opportunity_new": LEAD,
    "involvement:opportunity": LEAD,
    "involvement:activity_new": LEAD,
    "involvement:activity": LEAD,
    "involvement:activity_feedback": LEAD,
    "involvement:claim_new": LEAD,
    "involvement:claims": LEAD,
    "involvement:claim_approve": LEAD,
    "involvement:claim_paid": LEAD,
    "involvement:finance_export": LEAD,
}


def _person(trust: Trust) -> dict[str, Any]:
    from wellled.involvement.tests.support import person

    return {"pk": person(trust).pk}


def _opportunity(trust: Trust) -> dict[str, Any]:
    from wellled.involvement.tests.support import opportunity

    return {"pk": opportunity(trust).pk}


def _activity(trust: Trust) -> dict[str, Any]:
    from wellled.involvement.tests.support import activity

    return {"pk": activity(trust).pk}


def _participation(trust: Trust) -> dict[str, Any]:
    from wellled.involvement.tests.support import activity

    return {"pk": activity(trust).participants.get().pk}


def _claim(trust: Trust) -> dict[str, Any]:
    from wellled.involvement.tests.support import claim

    return {"pk": claim(trust).pk}


def _approved_claim(trust: Trust) -> dict[str, Any]:
    from wellled.involvement import actions
    from wellled.involvement.tests.support import claim

    return {"pk": actions.approve_claim(acting_user=None, claim=claim(trust)).pk}


SAMPLES: Samples = {
    "involvement:person": _person,
    "involvement:opportunity": _opportunity,
    "involvement:activity_new": _opportunity,
    "involvement:activity": _activity,
    "involvement:activity_feedback": _activity,
    "involvement:claim_new": _participation,
    "involvement:claim_approve": _claim,
    "involvement:claim_paid": _approved_claim,
}
