"""Who may do what in CQC assurance: the one place its permission rules live.

Actions, queries, views and the API all ask here. `None` as the user is the system
(demo data, scheduled jobs), which may do anything the rules allow.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from wellled.assurance.models import AssessmentRound, EvidenceItem, StatementAssessment
from wellled.core.types import Actor, AnyUser
from wellled.organisation.access import Cap, can
from wellled.organisation.models import OrgUnit


def require(acting_user: Actor, capability: Cap, unit: OrgUnit | None = None) -> None:
    """PermissionDenied unless the user (or the system) holds the capability here."""
    if acting_user is None:
        return
    if not can(acting_user, capability, unit):
        raise PermissionDenied("You do not have permission to do this here")


def may_open_assurance(user: AnyUser) -> bool:
    """The assurance pages: readers of assurance, and contributors of evidence."""
    return (
        can(user, Cap.VIEW_ASSURANCE)
        or can(user, Cap.CONTRIBUTE_EVIDENCE)
        or can(user, Cap.MANAGE_ASSURANCE)
    )


def may_add_evidence(user: AnyUser) -> bool:
    """Contributors and governance leads, somewhere in the trust."""
    return can(user, Cap.CONTRIBUTE_EVIDENCE) or can(user, Cap.MANAGE_ASSURANCE)


def may_contribute(user: Actor, unit: OrgUnit) -> bool:
    """Add evidence for this unit."""
    return (
        user is None
        or can(user, Cap.CONTRIBUTE_EVIDENCE, unit)
        or can(user, Cap.MANAGE_ASSURANCE, unit)
    )


def may_export(user: AnyUser) -> bool:
    """Start an inspection pack."""
    return can(user, Cap.VIEW_ASSURANCE) or can(user, Cap.CONTRIBUTE_EVIDENCE)


def may_score(user: Actor, assessment: StatementAssessment) -> bool:
    """The statement's owner, or the governance lead over the round's scope."""
    if user is None:
        return True
    if not user.is_authenticated:
        return False
    if assessment.owner_id is not None and assessment.owner_id == user.pk:
        return True
    return can(user, Cap.MANAGE_ASSURANCE, assessment.round.scope)


def may_score_in(user: AnyUser, round_: AssessmentRound) -> bool:
    """Score some statement of the round: an owner of one, or the governance lead."""
    if not user.is_authenticated:
        return False
    owns_one = round_.statements.filter(owner_id=user.pk).exists()
    return owns_one or can(user, Cap.MANAGE_ASSURANCE, round_.scope)


def may_change_evidence(user: Actor, item: EvidenceItem) -> bool:
    """The item's owner, or the governance lead over its unit."""
    if user is None:
        return True
    if not user.is_authenticated:
        return False
    return user.pk == item.owner_id or can(user, Cap.MANAGE_ASSURANCE, item.unit)
