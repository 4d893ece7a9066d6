"""Every read of involvement: the register, opportunities, activities and claims,
each only for those access.py allows."""

from __future__ import annotations

import datetime
import re
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
)


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
