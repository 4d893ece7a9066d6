"""Every read of involvement: the register, opportunities, activities and claims,
each only for those access.py allows."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from statistics import median

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from wellled.core.types import AnyUser
from wellled.involvement import access
from wellled.involvement.models import (
    Activity,
    Claim,
    ClaimStatus,
    Feedback,
    Opportunity,
    Participation,
    PaymentPolicy,
    Person,
    PersonStatus,
    RoleLevel,
    Rung,
)
from wellled.organisation.access import Cap, scope_paths
from wellled.organisation.models import OrgUnit, UnitKind


def email_key(email: str) -> str:
    return email.strip().lower()


def phone_key(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    # 07700 900123 and +44 7700 900123 are the same phone.
    return "0" + digits[2:] if digits.startswith("44") else digits


def find_duplicate(*, email: str, phone: str) -> Person | None:
    """Someone still on the register with the same email address or phone number."""
    keys = Q()
    if email_key(email):
        keys |= Q(email_key=email_key(email))
    if phone_key(phone):
        keys |= Q(phone_key=phone_key(phone))
    if not keys:
        return None
    return Person.objects.filter(keys, status=PersonStatus.ACTIVE).order_by("pk").first()


def people_visible_to(user: AnyUser) -> QuerySet[Person]:
    if not access.may_manage(user):
        return Person.objects.none()
    return Person.objects.prefetch_related("services")


def get_person_for_user(user: AnyUser, pk: int) -> Person:
    if not access.may_manage(user):
        raise PermissionDenied
    return get_object_or_404(people_visible_to(user), pk=pk)


def opportunities_visible_to(user: AnyUser) -> QuerySet[Opportunity]:
    if not access.may_manage(user):
        return Opportunity.objects.none()
    return (
        Opportunity.objects.select_related("service")
        .annotate(activity_count=Count("activities", distinct=True))
        .order_by("-created_at", "-pk")
    )


def get_opportunity_for_user(user: AnyUser, pk: int) -> Opportunity:
    if not access.may_manage(user):
        raise PermissionDenied
    return get_object_or_404(opportunities_visible_to(user), pk=pk)


def get_activity_for_user(user: AnyUser, pk: int) -> Activity:
    if not access.may_manage(user):
        raise PermissionDenied
    return get_object_or_404(Activity.objects.select_related("opportunity__service"), pk=pk)


def claims_visible_to(user: AnyUser) -> QuerySet[Claim]:
    if not access.may_manage(user):
        return Claim.objects.none()
    return Claim.objects.select_related(
        "participation__person", "participation__activity__opportunity", "policy"
    )


def get_claim_for_user(user: AnyUser, pk: int) -> Claim:
    if not access.may_manage(user):
        raise PermissionDenied
    return get_object_or_404(claims_visible_to(user), pk=pk)


def policy_in_force(on: datetime.date) -> PaymentPolicy | None:
    return PaymentPolicy.objects.filter(in_force_from__lte=on).order_by("-in_force_from").first()


def role_level(policy: PaymentPolicy, level: int) -> RoleLevel | None:
    return RoleLevel.objects.filter(policy=policy, level=level).first()


def finance_rows(user: AnyUser) -> QuerySet[Claim]:
    """Claims finance is to pay: approved and not yet paid."""
    return claims_visible_to(user).filter(status=ClaimStatus.APPROVED).order_by("approved_on", "pk")


def turnaround(user: AnyUser) -> dict[str, float | int | None]:
    """Paid claims: how many, the median days from arrival to payment, and the share
    paid within the policy's target."""
    paid = [
        ((paid_on - received).days, target)
        for received, paid_on, target in claims_visible_to(user)
        .filter(status=ClaimStatus.PAID, paid_on__isnull=False)
        .values_list("received_on", "paid_on", "policy__target_days")
        if paid_on is not None
    ]
    days = [day for day, _ in paid]
    on_time = sum(1 for day, target in paid if day <= target)
    return {
        "paid": len(paid),
        "median_days": median(days) if days else None,
        "within_target_pct": round(100 * on_time / len(paid)) if paid else None,
    }


def get_participation_for_user(user: AnyUser, pk: int) -> Participation:
    if not access.may_manage(user):
        raise PermissionDenied
    return get_object_or_404(
        Participation.objects.select_related("person", "activity__opportunity__service"), pk=pk
    )


def levels_in_force(on: datetime.date) -> list[tuple[int, str]]:
    policy = policy_in_force(on)
    if policy is None:
        return []
    return list(policy.levels.values_list("level", "label"))


def feedback_measures(user: AnyUser) -> dict[str, float | int | None]:
    """Activities that have happened: how many have a "You said, we did" that
    participants were told, and the median days from activity to telling them."""
    if not access.may_manage(user):
        return {"held": 0, "told": 0, "median_days": None}
    held = Activity.objects.filter(held_on__lte=timezone.localdate()).count()
    told = list(
        Feedback.objects.filter(participants_told_on__isnull=False).values_list(
            "activity__held_on", "participants_told_on"
        )
    )
    days = [(on - held_on).days for held_on, on in told if on is not None]
    return {"held": held, "told": len(told), "median_days": median(days) if days else None}


@dataclass
class Embeddedness:
    """One care group's involvement over a period: no people, only counts."""

    unit: OrgUnit
    activities: int = 0
    rated: int = 0  # activities with the rung reached recorded
    co_design_or_above: int = 0
    told: int = 0  # activities whose participants heard what changed
    told_days: list[int] = field(default_factory=list)
    paid_days: list[int] = field(default_factory=list)

    @property
    def co_design_pct(self) -> int | None:
        return round(100 * self.co_design_or_above / self.rated) if self.rated else None

    @property
    def told_pct(self) -> int | None:
        return round(100 * self.told / self.activities) if self.activities else None

    @property
    def median_days_to_feedback(self) -> float | None:
        return median(self.told_days) if self.told_days else None

    @property
    def median_days_to_pay(self) -> float | None:
        return median(self.paid_days) if self.paid_days else None


def embeddedness(user: AnyUser, since: datetime.date) -> list[Embeddedness]:
    """Per care group in the reader's scope, activities held since `since` (up to
    today): % at co-design or above (TLAP rung 6+), % whose participants were told
    what changed and the median days to tell them, and the median days to pay."""
    paths = scope_paths(user, Cap.VIEW_INVOLVEMENT_MEASURES)
    if not access.may_read_measures(user):
        raise PermissionDenied
    groups = [
        Embeddedness(unit)
        for unit in OrgUnit.objects.filter(kind=UnitKind.CARE_GROUP, is_active=True).order_by(
            "name"
        )
        if any(unit.path.startswith(p) or p.startswith(unit.path) for p in paths)
    ]

    def group_of(path: str) -> Embeddedness | None:
        return next((g for g in groups if path.startswith(g.unit.path)), None)

    held = Activity.objects.filter(held_on__gte=since, held_on__lte=timezone.localdate())
    for path, rung, held_on, told_on in held.values_list(
        "opportunity__service__path", "rung_reached", "held_on", "feedback__participants_told_on"
    ):
        group = group_of(path)
        if group is None:
            continue
        group.activities += 1
        if rung is not None:
            group.rated += 1
            group.co_design_or_above += rung >= Rung.CO_DESIGN
        if told_on is not None:
            group.told += 1
            group.told_days.append((told_on - held_on).days)
    paid = Claim.objects.filter(
        status=ClaimStatus.PAID, participation__activity__in=held, paid_on__isnull=False
    )
    for path, received, paid_on in paid.values_list(
        "participation__activity__opportunity__service__path", "received_on", "paid_on"
    ):
        group = group_of(path)
        if group is not None and paid_on is not None:
            group.paid_days.append((paid_on - received).days)
    return groups
