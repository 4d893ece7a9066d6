"""Reads for learning.

The library (`shares_visible_to`) is redacted by construction: a share holds a
title, a summary checked for personal details, its service, site and themes, and
never the case's people. Read rates and a case's learning actions are for those
who manage or oversee complaints in that service.

Who a share is for: everyone whose staff profile or role sits on a unit within
one of its audience units. A site in the audience also reaches the teams of
every service delivered at that site.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from wellled.complaints.models import NEEDS_LEARNING, Complaint
from wellled.core.navigation import WorkItem
from wellled.core.types import AnyUser
from wellled.improvement.models import Action
from wellled.improvement.queries import actions_by_source, actions_for_sources
from wellled.learning.access import may_manage, may_read_library
from wellled.learning.improvement_source import KIND
from wellled.learning.models import LearningShare, ReadReceipt, YouSaidWeDid
from wellled.organisation.access import Cap, scope_paths
from wellled.organisation.models import OrgUnit, RoleAssignment, StaffProfile, UnitKind

# Unread learning older than this drops off "my work"; it stays in the library.
UNREAD_WINDOW_DAYS = 90


def closure_gaps(complaint: Complaint) -> list[str]:
    """Why the case's learning is not yet complete enough to close it ([] when it is).

    Every upheld or partially upheld issue needs a learning statement, or a
    recorded reason there is none; an issue with learning needs at least one
    action, and every action an owner, a due date and evidence of completion.
    """
    gaps: list[str] = []
    issues = list(complaint.issues.all())
    # Only issues with learning to act on need their actions, and only whether each
    # is open: most closures (nothing upheld) need no query, the rest a plain one.
    acted_on = [
        str(issue.pk)
        for issue in issues
        if issue.outcome in NEEDS_LEARNING
        and not issue.lacks_learning
        and not issue.no_learning_reason.strip()
    ]
    by_issue = (
        actions_by_source(
            KIND,
            acted_on,
            Action.objects.filter(source_kind=KIND, source_id__in=acted_on).only(
                "pk", "source_id", "status", "raised_on"
            ),
        )
        if acted_on
        else {}
    )
    for number, issue in enumerate(issues, start=1):
        if issue.outcome not in NEEDS_LEARNING:
            continue
        if issue.lacks_learning:
            gaps.append(
                f"Issue {number} is {issue.get_outcome_display().lower()} but has no learning: "
                "record what was learned, or why there is nothing to learn"
            )
            continue
        if issue.no_learning_reason.strip():
            continue
        actions = by_issue.get(str(issue.pk), [])
        if not actions:
            gaps.append(
                f"Issue {number} has learning but no action: add what will change, "
                "with an owner and a due date"
            )
        open_count = sum(1 for action in actions if action.is_open)
        if open_count:
            gaps.append(
                f"Issue {number} has {open_count} learning "
                f"{'action' if open_count == 1 else 'actions'} without evidence of completion"
            )
    return gaps


def learning_actions_for(complaint: Complaint) -> QuerySet[Action]:
    """The improvement actions raised on the case's issues' learning."""
    issue_ids = list(complaint.issues.values_list("pk", flat=True))
    return actions_for_sources(KIND, issue_ids)


def shares_visible_to(user: AnyUser) -> QuerySet[LearningShare]:
    if not may_read_library(user):
        return LearningShare.objects.none()
    return LearningShare.objects.select_related("service", "site").prefetch_related("themes")


def get_share_for_user(user: AnyUser, pk: int) -> LearningShare:
    share = shares_visible_to(user).filter(pk=pk).first()
    if share is None:
        if not may_read_library(user):
            raise PermissionDenied
        raise Http404("No such shared learning")
    return share


def get_summary_to_manage(user: AnyUser, pk: int) -> YouSaidWeDid:
    """A "You said, we did" summary of a service where the user manages learning."""
    summary = YouSaidWeDid.objects.select_related("service").filter(pk=pk).first()
    if summary is None:
        raise Http404("No such summary")
    if not may_manage(user, summary.service):
        raise PermissionDenied
    return summary


def _audience_condition(share: LearningShare) -> Q:
    """Units within the share's audience, as a condition on a unit's path."""
    units = list(share.audience.all())
    condition = Q(pk__in=[])
    for unit in units:
        condition |= Q(path__startswith=unit.path)
    sites = [unit for unit in units if unit.kind == UnitKind.SITE]
    if sites:
        for service in OrgUnit.objects.filter(sites__in=sites):
            condition |= Q(path__startswith=service.path)
    return condition


def audience_users(share: LearningShare) -> QuerySet[User]:
    units = OrgUnit.objects.filter(_audience_condition(share), is_active=True).values("pk")
    return User.objects.filter(
        Q(staff_profile__unit__in=units, staff_profile__is_active=True)
        | Q(role_assignments__unit__in=units),
        is_active=True,
    ).distinct()


def is_in_audience(user: AnyUser, share: LearningShare) -> bool:
    return user.is_authenticated and audience_users(share).filter(pk=user.pk).exists()


def _user_unit_paths(user_id: int) -> list[str]:
    paths = list(
        StaffProfile.objects.filter(user_id=user_id, is_active=True).values_list(
            "unit__path", flat=True
        )
    )
    paths += list(
        RoleAssignment.objects.filter(user_id=user_id).values_list("unit__path", flat=True)
    )
    return paths


def shares_for_reader(user: AnyUser) -> QuerySet[LearningShare]:
    """Shares whose audience includes one of the units the user works in."""
    if not user.is_authenticated or user.pk is None:
        return LearningShare.objects.none()
    ancestor_ids: set[int] = set()
    for path in _user_unit_paths(user.pk):
        ancestor_ids.update(int(part) for part in path.strip("/").split("/") if part)
    site_ids = set(
        OrgUnit.objects.filter(pk__in=ancestor_ids, kind=UnitKind.SERVICE).values_list(
            "sites", flat=True
        )
    )
    reachable = ancestor_ids | {site for site in site_ids if site is not None}
    return LearningShare.objects.filter(audience__in=reachable).distinct()


@dataclass(frozen=True)
class ReadRate:
    share: LearningShare
    readers: int
    audience: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.readers / self.audience) if self.audience else None


def read_rates_visible_to(user: AnyUser) -> QuerySet[LearningShare]:
    paths = scope_paths(user, Cap.VIEW_LEARNING_RATES)
    if not paths:
        return LearningShare.objects.none()
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(service__path__startswith=path)
    return (
        LearningShare.objects.filter(condition)
        .select_related("service")
        .annotate(readers=Count("receipts", distinct=True))
    )


def read_rate(share: LearningShare) -> ReadRate:
    readers = getattr(share, "readers", None)
    if readers is None:
        readers = ReadReceipt.objects.filter(share=share).count()
    return ReadRate(share=share, readers=readers, audience=audience_users(share).count())


def read_rates(shares: list[LearningShare]) -> list[ReadRate]:
    """Read rates for a page of shares in a fixed number of queries, whatever its
    length: the same audience as `audience_users`, worked out for all at once."""
    prefetch_related_objects(shares, "audience")
    site_ids = {u.pk for share in shares for u in share.audience.all() if u.kind == UnitKind.SITE}
    services_of: dict[int, list[str]] = {}
    for site_id, path in OrgUnit.objects.filter(sites__in=site_ids).values_list("sites", "path"):
        services_of.setdefault(site_id, []).append(path)
    paths_of = {
        share.pk: [u.path for u in share.audience.all()]
        + [p for u in share.audience.all() for p in services_of.get(u.pk, [])]
        for share in shares
    }
    everyone = _people_by_unit_path({p for paths in paths_of.values() for p in paths})
    return [
        ReadRate(
            share=share,
            readers=share.readers if hasattr(share, "readers") else share.receipts.count(),
            audience=len(
                {uid for path, uid in everyone if path.startswith(tuple(paths_of[share.pk]))}
            )
            if paths_of[share.pk]
            else 0,
        )
        for share in shares
    ]


def _people_by_unit_path(paths: set[str]) -> set[tuple[str, int]]:
    """(unit path, user id) of active people placed or holding a role at or below the
    paths, on open units: two queries."""
    if not paths:
        return set()
    within = Q(pk__in=[])
    for path in paths:
        within |= Q(unit__path__startswith=path)
    open_units = Q(unit__is_active=True, user__is_active=True)
    placed = StaffProfile.objects.filter(within, open_units, is_active=True, user__isnull=False)
    granted = RoleAssignment.objects.filter(within, open_units)
    return set(placed.values_list("unit__path", "user_id")) | set(
        granted.values_list("unit__path", "user_id")
    )


def published_summaries() -> QuerySet[YouSaidWeDid]:
    """Public: live "You said, we did" summaries."""
    return YouSaidWeDid.objects.filter(withdrawn_on__isnull=True).select_related("service")


def learning_work(user: AnyUser) -> list[WorkItem]:
    if not user.is_authenticated:
        return []
    # Learning actions are improvement actions: "my work" lists them with every
    # other action the person owns (improvement.queries.improvement_work).
    items: list[WorkItem] = []
    since = timezone.localdate() - datetime.timedelta(days=UNREAD_WINDOW_DAYS)
    unread = (
        shares_for_reader(user)
        .filter(shared_on__gte=since)
        .exclude(receipts__user_id=user.pk)
        .order_by("-shared_on")[:10]
    )
    items += [
        WorkItem(
            title=f"Read shared learning: {share.title}",
            href=reverse("learning:share", args=[share.pk]),
            module="Learning",
            group="Shared learning to read",
        )
        for share in unread
    ]
    return items
