"""A walkround visit as a source of improvement actions: what a visit found that
the team could not fix on the day gets an owner and is followed on the shared
action loop (docs/improvement.md, "Adding a new source of actions")."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse

from wellled.core.types import AnyUser
from wellled.core.workdays import long_date
from wellled.improvement import sources
from wellled.leadership import access
from wellled.leadership.models import Visit, VisitStatus
from wellled.organisation.access import Cap, can
from wellled.organisation.models import Role

KIND = "walkround_visit"
# CQC's well-led quality statements a walkround's evidence speaks to.
STATEMENTS = ("capable-compassionate-and-inclusive-leaders", "shared-direction-and-culture")


def _ids(source_ids: Sequence[str]) -> list[int]:
    return [int(i) for i in source_ids if str(i).isdigit()]


def describe(source_ids: Sequence[str]) -> dict[str, sources.SourceInfo]:
    visits = Visit.objects.filter(pk__in=_ids(source_ids)).select_related("place")
    return {
        str(visit.pk): sources.SourceInfo(
            label=f"Walkround at {visit.place}, {long_date(visit.held_on or visit.planned_on)}",
            href=reverse("leadership:visit", args=[visit.pk]),
            unit_id=visit.place_id,
            statement_ids=STATEMENTS,
        )
        for visit in visits
    }


def may_raise(user: AnyUser, source_id: str) -> bool:
    """The visit's leaders, or the programme's managers, once the visit was held."""
    visit = (
        Visit.objects.filter(pk__in=_ids([source_id]), status=VisitStatus.HELD)
        .select_related("programme__scope")
        .first()
    )
    return visit is not None and access.may_record(user, visit)


def register() -> None:
    sources.register(
        sources.SourceType(
            kind=KIND,
            label="Walkround visit",
            describe=describe,
            may_raise=may_raise,
            evidence_required=True,
            sign_off_role=Role.EXECUTIVE,
            opens_for=lambda user: can(user, Cap.VIEW_WALKROUNDS),
            viewers=Cap.VIEW_WALKROUNDS,
            managers=Cap.MANAGE_WALKROUNDS,
        )
    )
