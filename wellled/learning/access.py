"""Who may do what in learning: the one place its permission rules live.

Recording, sharing and publishing need MANAGE_LEARNING over the complaint's
service. Learning actions are improvement actions: improvement.access decides who
updates them, and learning's managers do (improvement_source.py). Actions, queries, views and the
API all ask here. `None` as the user is the system (demo data).
"""

from __future__ import annotations

from wellled.core.types import Actor, AnyUser
from wellled.organisation.access import Cap, can
from wellled.organisation.models import OrgUnit


def may_manage(user: Actor, service: OrgUnit) -> bool:
    """Record learning actions, share learning and publish summaries for the service."""
    return user is None or can(user, Cap.MANAGE_LEARNING, service)


def may_read_library(user: AnyUser) -> bool:
    return can(user, Cap.VIEW_LEARNING)
