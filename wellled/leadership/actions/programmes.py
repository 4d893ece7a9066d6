"""Planning a walkround programme: its period, its leaders and the rota.

Every action here needs MANAGE_WALKROUNDS over the programme's scope
(`access.may_manage`); `acting_user=None` is the system (demo data).
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from wellled.core import audit
from wellled.core.types import Actor
from wellled.core.workdays import CalendarRangeError, trust_calendar
from wellled.engines import rota as engine
from wellled.leadership import access
from wellled.leadership.models import (
    LeaderKind,
    Programme,
    ProgrammeKind,
    ProgrammeLeader,
    Unavailability,
    Visit,
)
from wellled.leadership.queries import programme_places, rota_was_worked_on
from wellled.organisation.access import Cap, can
from wellled.organisation.models import OrgUnit, UnitKind

Date = datetime.date
MAX_VISITS_PER_PLACE = 12
MAX_FEEDBACK_DAYS = 30
MAX_PERIOD_DAYS = 2 * 366


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def _require(acting_user: Actor, programme: Programme) -> None:
    if not access.may_manage(acting_user, programme):
        raise PermissionDenied


def _programme_problems(
    *,
    name: str,
    scope: OrgUnit,
    starts_on: Date,
    ends_on: Date,
    kind: str,
    visits_per_place: int,
    out_of_hours_percent: int,
    feedback_days: int,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter a name for the programme"
    if scope.kind not in (UnitKind.TRUST, UnitKind.HUB):
        errors["scope"] = "Choose the trust or one hub"
    if ends_on < starts_on:
        errors["ends_on"] = "The end date must be on or after the start date"
    elif (ends_on - starts_on).days > MAX_PERIOD_DAYS:
        errors["ends_on"] = "A programme can cover at most two years"
    if not 1 <= visits_per_place <= MAX_VISITS_PER_PLACE:
        errors["visits_per_place"] = (
            f"Visits to each place must be between 1 and {MAX_VISITS_PER_PLACE}"
        )
    if not 0 <= out_of_hours_percent <= 100:
        errors["out_of_hours_percent"] = "The out-of-hours share must be between 0 and 100"
    if not 1 <= feedback_days <= MAX_FEEDBACK_DAYS:
        errors["feedback_days"] = (
            f"Feedback must be due within 1 to {MAX_FEEDBACK_DAYS} working days"
        )
    if kind not in ProgrammeKind.values:
        errors["kind"] = "Choose the kind of programme"
    return errors


@transaction.atomic
def create_programme(
    *,
    acting_user: Actor,
    name: str,
    scope: OrgUnit,
    starts_on: Date,
    ends_on: Date,
    kind: str = ProgrammeKind.WALKROUND,
    visits_per_place: int = 1,
    out_of_hours_percent: int = 20,
    include_wards: bool = True,
    feedback_days: int = 5,
) -> Programme:
    if acting_user is not None and not can(acting_user, Cap.MANAGE_WALKROUNDS, scope):
        raise PermissionDenied
    name = name.strip()
    _raise(
        _programme_problems(
            name=name,
            scope=scope,
            starts_on=starts_on,
            ends_on=ends_on,
            kind=kind,
            visits_per_place=visits_per_place,
            out_of_hours_percent=out_of_hours_percent,
            feedback_days=feedback_days,
        )
    )
    programme = Programme.objects.create(
        name=name,
        kind=kind,
        scope=scope,
        starts_on=starts_on,
        ends_on=ends_on,
        visits_per_place=visits_per_place,
        out_of_hours_percent=out_of_hours_percent,
        include_wards=include_wards,
        feedback_days=feedback_days,
        created_by=acting_user if isinstance(acting_user, User) else None,
    )
    audit.record(
        acting_user=acting_user,
        action="leadership.programme_created",
        obj=programme,
        after={
            "scope_id": scope.pk,
            "starts_on": str(starts_on),
            "ends_on": str(ends_on),
            "visits_per_place": visits_per_place,
            "out_of_hours_percent": out_of_hours_percent,
            "feedback_days": feedback_days,
        },
    )
    return programme


@transaction.atomic
def add_leader(
    *, acting_user: Actor, programme: Programme, user: User, kind: str
) -> ProgrammeLeader:
    _require(acting_user, programme)
    errors: dict[str, str] = {}
    if kind not in LeaderKind.values:
        errors["kind"] = "Choose executive or non-executive director"
    if programme.leaders.filter(user=user).exists():
        errors["user"] = f"{user.get_full_name() or user.get_username()} is already a leader"
    _raise(errors)
    leader = ProgrammeLeader.objects.create(programme=programme, user=user, kind=kind)
    audit.record(
        acting_user=acting_user,
        action="leadership.leader_added",
        obj=leader,
        after={"programme_id": programme.pk, "user_id": user.pk, "kind": kind},
    )
    return leader


@transaction.atomic
def add_unavailability(
    *, acting_user: Actor, leader: ProgrammeLeader, starts_on: Date, ends_on: Date
) -> Unavailability:
    if not (
        access.may_manage(acting_user, leader.programme)
        or (acting_user is not None and acting_user.pk == leader.user_id)
    ):
        raise PermissionDenied
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The last day must be on or after the first day"})
    made = Unavailability.objects.create(leader=leader, starts_on=starts_on, ends_on=ends_on)
    audit.record(
        acting_user=acting_user,
        action="leadership.unavailability_added",
        obj=made,
        after={"leader_id": leader.pk, "starts_on": str(starts_on), "ends_on": str(ends_on)},
    )
    return made


def _days(start: Date, end: Date) -> frozenset[Date]:
    return frozenset(start + datetime.timedelta(days=n) for n in range((end - start).days + 1))


def _closed_days(programme: Programme) -> frozenset[Date]:
    calendar = trust_calendar()
    days = _days(programme.starts_on, programme.ends_on)
    try:
        return frozenset(
            day for day in days if day.weekday() < 5 and not calendar.is_working_day(day)
        )
    except CalendarRangeError:
        # Bank holidays not yet published for the whole period: plan on the ones
        # known (closure days and holidays inside the covered span).
        return frozenset(
            day
            for day in calendar.non_working_days
            if programme.starts_on <= day <= programme.ends_on
        )


def _request(programme: Programme) -> tuple[engine.RotaRequest, dict[str, tuple[OrgUnit, OrgUnit]]]:
    places = {str(place.pk): (place, hub) for place, hub in programme_places(programme)}
    leaders = []
    for leader in programme.leaders.prefetch_related("unavailable"):
        off: frozenset[Date] = frozenset().union(
            *(_days(u.starts_on, u.ends_on) for u in leader.unavailable.all())
        )
        leaders.append(engine.Leader(id=str(leader.user_id), kind=leader.kind, unavailable=off))
    request = engine.RotaRequest(
        starts_on=programme.starts_on,
        ends_on=programme.ends_on,
        places=[engine.Place(id=pk, hub=str(hub.pk)) for pk, (_, hub) in places.items()],
        leaders=leaders,
        visits_per_place=programme.visits_per_place,
        out_of_hours_share=programme.out_of_hours_percent / 100,
        closed_days=_closed_days(programme),
    )
    return request, places


@transaction.atomic
def generate_rota(*, acting_user: Actor, programme: Programme) -> engine.Rota:
    """Plan every visit of the programme with the rota engine, replacing the planned
    visits of an earlier run. Refused once a visit has been held or moved by hand:
    from then on visits are moved one by one, so nobody's change is lost."""
    _require(acting_user, programme)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    existing = Visit.objects.filter(programme=programme)
    if rota_was_worked_on(programme):
        raise ValidationError(
            "Visits have been held or moved by hand: move visits one by one instead"
        )
    if not programme.leaders.filter(kind=LeaderKind.EXECUTIVE).exists():
        raise ValidationError("Add at least one executive director before generating the rota")
    request, places = _request(programme)
    if not places:
        raise ValidationError("The programme's part of the trust has no sites to visit")
    rota = engine.generate(request)
    replaced = existing.count()
    existing.delete()
    Visit.objects.bulk_create(
        Visit(
            programme=programme,
            place=places[planned.place_id][0],
            hub=places[planned.place_id][1],
            round=planned.round,
            planned_on=planned.day,
            session=planned.session,
            executive_id=int(planned.executive_id),
            non_executive_id=int(planned.non_executive_id) if planned.non_executive_id else None,
        )
        for planned in rota.visits
    )
    audit.record(
        acting_user=acting_user,
        action="leadership.rota_generated",
        obj=programme,
        after={
            "visits": len(rota.visits),
            "unplaced": len(rota.unplaced),
            "replaced": replaced,
        },
    )
    return rota
