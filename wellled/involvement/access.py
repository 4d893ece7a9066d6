"""Who may do what in involvement: the one place its permission rules live.

The register holds members of the public (people with lived experience and
carers), their contact details, access needs and payments, so only the
involvement lead (MANAGE_INVOLVEMENT) reads or changes it; platform operators do
not (OPERATOR_EXCLUDED). `None` as the user is the system (demo data) or the
public registration page.
"""

from __future__ import annotations

from wellled.core.types import Actor, AnyUser
from wellled.organisation.access import Cap, can
from wellled.organisation.models import OrgUnit


def may_manage(user: AnyUser) -> bool:
    """Read and change the register, opportunities, activities and payments."""
    return can(user, Cap.MANAGE_INVOLVEMENT)


def may_manage_at(user: Actor, service: OrgUnit) -> bool:
    """Run involvement for this service (add opportunities and activities)."""
    return user is None or can(user, Cap.MANAGE_INVOLVEMENT, service)


def may_approve_claims(user: Actor) -> bool:
    return user is None or can(user, Cap.MANAGE_INVOLVEMENT)


def may_read_measures(user: AnyUser) -> bool:
    """How embedded co-production is, per care group: aggregates with no people,
    for the board, executives, governance, auditors and the involvement lead."""
    return can(user, Cap.VIEW_INVOLVEMENT_MEASURES)
