"""Who may do what in inspections: the one place its permission rules live.

Actions, queries, views and the API all ask here.
"""

from __future__ import annotations

from wellled.core.types import AnyUser
from wellled.inspections.models import Inspection
from wellled.organisation.access import Cap, can
from wellled.organisation.models import OrgUnit


def may_record(user: AnyUser, scope: OrgUnit) -> bool:
    """Record an inspection of this scope (governance leads)."""
    return can(user, Cap.MANAGE_INSPECTIONS, scope)


def may_manage(user: AnyUser, inspection: Inspection) -> bool:
    """Record and change the inspection and its findings, and raise actions on them
    (governance leads). The actions' own rules are improvement.access's."""
    return can(user, Cap.MANAGE_INSPECTIONS, inspection.scope)
