"""An involvement activity as a source of improvement actions: what the trust will
change because of what people said ("You said, we did").

The label names the opportunity and the date, never the people who took part,
because the action register is read by leaders who do not see the register.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse

from wellled.core.types import AnyUser
from wellled.improvement import sources
from wellled.involvement import access
from wellled.involvement.models import Activity
from wellled.organisation.access import Cap

KIND = "involvement_activity"
# What acting on people's involvement evidences (CQC single assessment framework,
# well-led: partnerships and communities; responsive: listening to and involving
# people; wording to be verified, reference §7).
STATEMENTS = ("partnerships-and-communities", "listening-to-and-involving-people")


def _ids(source_ids: Sequence[str]) -> list[int]:
    return [int(i) for i in source_ids if str(i).isdigit()]


def describe(source_ids: Sequence[str]) -> dict[str, sources.SourceInfo]:
    activities = Activity.objects.filter(pk__in=_ids(source_ids)).select_related("opportunity")
    return {
        str(activity.pk): sources.SourceInfo(
            label=f"Involvement: {activity.opportunity.title}, {activity.held_on:%-d %b %Y}",
            href=reverse("involvement:activity", args=[activity.pk]),
            unit_id=activity.opportunity.service_id,
            statement_ids=STATEMENTS,
        )
        for activity in activities
    }


def may_raise(user: AnyUser, source_id: str) -> bool:
    activity = (
        Activity.objects.filter(pk__in=_ids([source_id]))
        .select_related("opportunity__service")
        .first()
    )
    return activity is not None and access.may_manage_at(user, activity.opportunity.service)


def register() -> None:
    sources.register(
        sources.SourceType(
            kind=KIND,
            label="Involvement activity",
            describe=describe,
            may_raise=may_raise,
            evidence_required=True,
            opens_for=access.may_manage,
            viewers=Cap.MANAGE_INVOLVEMENT,
            managers=Cap.MANAGE_INVOLVEMENT,
        )
    )
