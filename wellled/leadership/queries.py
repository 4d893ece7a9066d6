"""Every read of walkrounds: programmes and visits a person may see, the places a
programme covers, and its coverage by place, leader and hub."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from wellled.core.navigation import WorkItem
from wellled.core.types import AnyUser
from wellled.leadership import access
from wellled.leadership.models import (
    OUT_OF_HOURS,
    Programme,
    ProgrammeLeader,
    Visit,
    VisitStatus,
)
from wellled.organisation.access import ALL, Cap, covers_everything, scope_paths
from wellled.organisation.models import OrgUnit, Setting, UnitKind


def programmes_visible_to(user: AnyUser) -> QuerySet[Programme]:
    if not user.is_authenticated:
        return Programme.objects.none()
    paths = scope_paths(user, Cap.VIEW_WALKROUNDS)
    mine = Q(leaders__user_id=user.pk)
    if paths == ALL or covers_everything(paths):
        return Programme.objects.select_related("scope")
    # A programme is visible over its scope: readers of a part of the trust see the
    # programmes that cover it (a trust-wide programme covers every part).
    scoped = Q()
    for path in paths:
        scoped |= Q(scope__path__startswith=path) | Q(scope__path__in=_ancestor_paths(path))
    return (
        Programme.objects.filter(scoped | mine).distinct().select_related("scope")
        if paths
        else Programme.objects.filter(mine).distinct().select_related("scope")
    )


def _ancestor_paths(path: str) -> list[str]:
    parts = [part for part in path.strip("/").split("/") if part]
    return ["/" + "/".join(parts[: n + 1]) + "/" for n in range(len(parts))]


def get_programme_for_user(user: AnyUser, pk: int) -> Programme:
    programme = Programme.objects.select_related("scope").filter(pk=pk).first()
    if programme is None:
        raise Http404
    if not access.may_view_programme(user, programme):
        raise PermissionDenied
    return programme


def visits_visible_to(user: AnyUser) -> QuerySet[Visit]:
    """Visits to places the user reads walkrounds over, and their own as a leader.
    (A visited team opens its own visit by its address: `get_visit_for_user`.)"""
    if not user.is_authenticated:
        return Visit.objects.none()
    paths = scope_paths(user, Cap.VIEW_WALKROUNDS)
    mine = Q(executive_id=user.pk) | Q(non_executive_id=user.pk)
    base = Visit.objects.select_related(
        "programme", "place", "hub", "executive", "non_executive"
    ).order_by("planned_on", "pk")
    if paths == ALL or covers_everything(paths):
        return base
    scoped = Q()
    for path in paths:
        scoped |= Q(place__path__startswith=path)
    return base.filter(scoped | mine) if paths else base.filter(mine)


def get_visit_for_user(user: AnyUser, pk: int) -> Visit:
    visit = (
        Visit.objects.select_related(
            "programme__scope", "place", "hub", "executive", "non_executive"
        )
        .filter(pk=pk)
        .first()
    )
    if visit is None:
        raise Http404
    if not access.may_view_visit(user, visit):
        raise PermissionDenied
    return visit


def get_leader_for_user(user: AnyUser, pk: int) -> ProgrammeLeader:
    leader = (
        ProgrammeLeader.objects.select_related("programme__scope", "user").filter(pk=pk).first()
    )
    if leader is None:
        raise Http404
    if not access.may_view_programme(user, leader.programme):
        raise PermissionDenied
    return leader


def programme_places(programme: Programme) -> list[tuple[OrgUnit, OrgUnit]]:
    """(place, its hub) for every active site under the programme's scope and, when
    the programme includes them, every inpatient ward delivered at one of them."""
    sites = list(
        OrgUnit.objects.active()
        .of_kind(UnitKind.SITE)
        .within(programme.scope.path)
        .select_related("parent")
    )
    hub_of = {site.pk: site.parent if site.parent else programme.scope for site in sites}
    places = [(site, hub_of[site.pk]) for site in sites]
    if programme.include_wards:
        wards = (
            OrgUnit.objects.active()
            .of_kind(UnitKind.TEAM)
            .filter(parent__setting=Setting.INPATIENT, sites__in=list(hub_of))
            .prefetch_related("sites")
            .distinct()
        )
        for ward in wards:
            first = min((s.pk for s in ward.sites.all() if s.pk in hub_of), default=None)
            if first is not None:
                places.append((ward, hub_of[first]))
    return places


def rota_was_worked_on(programme: Programme) -> bool:
    """A visit held, cancelled or moved by hand: the rota is no longer regenerated."""
    visits = Visit.objects.filter(programme=programme)
    return (
        visits.exclude(status=VisitStatus.PLANNED).exists()
        or visits.filter(changes__isnull=False).exists()
    )


def visits_of(programme: Programme) -> QuerySet[Visit]:
    return Visit.objects.filter(programme=programme).select_related(
        "place", "hub", "executive", "non_executive"
    )


@dataclass
class PlaceCoverage:
    place: OrgUnit
    hub: OrgUnit
    planned: int = 0
    held: int = 0
    out_of_hours_held: int = 0
    last_held: datetime.date | None = None

    @property
    def state(self) -> str:
        """For the grid: 'met' (held as often as planned), 'some', or 'none'."""
        if self.held and self.held >= self.planned:
            return "met"
        return "some" if self.held else "none"


@dataclass
class HubCoverage:
    hub: OrgUnit
    places: list[PlaceCoverage] = field(default_factory=list)

    @property
    def visited(self) -> int:
        return sum(1 for p in self.places if p.held)

    @property
    def held(self) -> int:
        return sum(p.held for p in self.places)

    @property
    def out_of_hours_held(self) -> int:
        return sum(p.out_of_hours_held for p in self.places)


@dataclass
class LeaderCoverage:
    leader: ProgrammeLeader
    planned: int = 0
    held: int = 0
    out_of_hours_held: int = 0
    feedback_late: int = 0


@dataclass
class Coverage:
    hubs: list[HubCoverage]
    leaders: list[LeaderCoverage]


def coverage(programme: Programme, today: datetime.date | None = None) -> Coverage:
    """Coverage by hub and place, and by leader, in three queries."""
    today = today or timezone.localdate()
    places = programme_places(programme)
    by_place = {place.pk: PlaceCoverage(place, hub) for place, hub in places}
    leaders = list(programme.leaders.select_related("user"))
    by_user = {leader.user_id: LeaderCoverage(leader) for leader in leaders}
    rows = Visit.objects.filter(programme=programme).exclude(status=VisitStatus.CANCELLED)
    for visit in rows.only(
        "place_id",
        "status",
        "session",
        "held_on",
        "executive_id",
        "non_executive_id",
        "feedback_due_on",
        "feedback_sent_on",
    ):
        held = visit.status == VisitStatus.HELD
        ooh = held and visit.session in OUT_OF_HOURS
        late = (
            held
            and visit.feedback_due_on is not None
            and ((visit.feedback_sent_on or today) > visit.feedback_due_on)
        )
        entry = by_place.get(visit.place_id)
        if entry is not None:
            entry.planned += 1
            entry.held += held
            entry.out_of_hours_held += ooh
            if (
                held
                and visit.held_on
                and (entry.last_held is None or visit.held_on > entry.last_held)
            ):
                entry.last_held = visit.held_on
        for user_id in visit.leader_ids():
            if user_id in by_user:
                mine = by_user[user_id]
                mine.planned += 1
                mine.held += held
                mine.out_of_hours_held += ooh
                mine.feedback_late += late
    hubs: dict[int, HubCoverage] = {}
    for entry in sorted(by_place.values(), key=lambda e: (e.hub.name, e.place.name)):
        hubs.setdefault(entry.hub.pk, HubCoverage(entry.hub)).places.append(entry)
    return Coverage(hubs=list(hubs.values()), leaders=list(by_user.values()))


def conflicts(
    *, day: datetime.date, user_ids: set[int], exclude_visit: int | None = None
) -> QuerySet[Visit]:
    """Visits on that day already booked for any of these leaders."""
    return (
        Visit.objects.filter(planned_on=day)
        .exclude(status=VisitStatus.CANCELLED)
        .exclude(pk=exclude_visit or 0)
        .filter(Q(executive_id__in=user_ids) | Q(non_executive_id__in=user_ids))
    )


def leader_visits(user: User) -> QuerySet[Visit]:
    """A leader's own visits, for their calendar feed."""
    return (
        Visit.objects.filter(Q(executive=user) | Q(non_executive=user))
        .exclude(status=VisitStatus.CANCELLED)
        .select_related("place", "programme", "executive", "non_executive")
        .order_by("planned_on", "pk")
    )


def leadership_work(user: AnyUser) -> list[WorkItem]:
    """A leader's visits to record and feedback to send."""
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    items: list[WorkItem] = []
    mine = leader_visits(user)
    for visit in mine.filter(status=VisitStatus.PLANNED, planned_on__lte=today)[:10]:
        items.append(
            WorkItem(
                title=f"Record your walkround at {visit.place.name}",
                href=reverse("leadership:visit", args=[visit.pk]),
                module="Walkrounds",
                due=visit.planned_on,
                group="Walkrounds to record",
            )
        )
    for visit in mine.filter(status=VisitStatus.HELD, feedback_sent_on__isnull=True)[:10]:
        items.append(
            WorkItem(
                title=f"Send feedback to {visit.place.name}",
                href=reverse("leadership:visit", args=[visit.pk]),
                module="Walkrounds",
                due=visit.feedback_due_on,
                group="Walkround feedback to send",
            )
        )
    return items


def leader_counts(programme: Programme) -> Counter[int]:
    return Counter(
        uid
        for pair in Visit.objects.filter(programme=programme).values_list(
            "executive_id", "non_executive_id"
        )
        for uid in pair
        if uid
    )


def hubs_with_places(programme: Programme) -> dict[int, list[OrgUnit]]:
    grouped: dict[int, list[OrgUnit]] = defaultdict(list)
    for place, hub in programme_places(programme):
        grouped[hub.pk].append(place)
    return grouped
