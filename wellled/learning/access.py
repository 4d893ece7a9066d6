"""Who may do what in learning: the one place its permission rules live.

Recording, sharing and publishing need MANAGE_LEARNING over the complaint's
service; the owner of an action may complete it. Actions, queries, views and the
API all ask here. `None` as the user is the system (demo data).
"""

from __future__ import annotations

from wellled.core.types import Actor, AnyUser
from wellled.learning.models import LearningAction
from wellled.organisation.access import Cap, can
from wellled.organisation.models import OrgUnit


def may_manage(user: Actor, service: OrgUnit) -> bool:
    """Record learning actions, share learning and publish summaries for the service."""
    return user is None or can(user, Cap.MANAGE_LEARNING, service)


def may_complete(user: Actor, action: LearningAction) -> bool:
    """Its owner, or a manager of learning in the case's service."""
    if user is None:
        return True
    if user.is_authenticated and user.pk == action.owner_id:
        return True
    return can(user, Cap.MANAGE_LEARNING, action.issue.complaint.service)


def may_read_library(user: AnyUser) -> bool:
    return can(user, Cap.VIEW_LEARNING)
