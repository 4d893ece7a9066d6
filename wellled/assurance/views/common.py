"""What the assurance pages share: the trail home, the access check, the choices."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from wellled.assurance.access import may_open_assurance
from wellled.assurance.models import AssessmentRound
from wellled.core.types import AuthenticatedHttpRequest
from wellled.organisation.access import Cap
from wellled.organisation.models import OrgUnit
from wellled.organisation.queries import units_within_scope
from wellled.reports.sources import all_sources, get_source

PAGE_SIZE = 25


def home() -> tuple[str, str]:
    return ("CQC assurance", reverse("assurance:index"))


def round_crumb(round_: AssessmentRound) -> tuple[str, str]:
    return (round_.title, reverse("assurance:round", args=[round_.pk]))


def library_crumb() -> tuple[str, str]:
    return ("Evidence library", reverse("assurance:evidence"))


def require_assurance(request: AuthenticatedHttpRequest) -> None:
    if not may_open_assurance(request.user):
        raise PermissionDenied


def units_where(user: User, *caps: Cap) -> QuerySet[OrgUnit]:
    """Open units where the user holds any of the capabilities."""
    units = OrgUnit.objects.none()
    for cap in caps:
        units = units | units_within_scope(user, cap)
    return units.filter(is_active=True).order_by("path")


def people() -> QuerySet[User]:
    # Staff with a role in the trust: the people who can own statements or evidence.
    return (
        User.objects.filter(is_active=True, role_assignments__isnull=False)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def measures() -> list[tuple[str, str]]:
    return [(source.key, source.title) for source in all_sources()]


def latest_measure(key: str) -> dict[str, Any] | None:
    """The latest value of a registered measure over the past year, if it has one."""
    try:
        source = get_source(key)
    except KeyError:
        return None
    today = timezone.localdate()
    try:
        periods = source.compute(today - datetime.timedelta(days=365), today, None)
    except Exception:
        return {"title": source.title, "value": None, "unit": source.unit, "period": None}
    for period, value in reversed(periods):
        if value is not None:
            return {"title": source.title, "value": value, "unit": source.unit, "period": period}
    return {"title": source.title, "value": None, "unit": source.unit, "period": None}
