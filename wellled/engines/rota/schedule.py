"""The rota generator: a pure function from a programme's places, leaders and
period to a list of planned visits.

The rules, each a property test in `tests/test_properties.py`:

* every place (a site, an inpatient ward) gets `visits_per_place` visits, unless
  the period runs out of days on which a leader is free (those visits, and the
  rest of that hub's visits after them, are returned in `Rota.unplaced`, never
  silently dropped);
* within a hub, no place is visited again before every other place in the hub
  has been visited in that round (each hub's visits are whole rounds, in order);
* hubs are interleaved in proportion to their size, and visits are spread evenly
  over the period, so no hub waits for the others' rounds to finish;
* a share of visits (`out_of_hours_share`) is out of hours, alternately on a
  weekday evening and at a weekend; the rest fall on working days (not weekends,
  not `closed_days`);
* every visit has an executive, and a non-executive director too where one is
  free that day (the Cardiff and Vale WalkRounds pairing, see docs/leadership.md);
  no leader is booked twice on one day or on a day they are unavailable; work is
  shared out, the least-booked free leader going first.

Deterministic: the same request always gives the same rota (ties are broken by
id), so a regenerated rota can be compared with the last one.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

Date = datetime.date

EXECUTIVE = "executive"
NON_EXECUTIVE = "non_executive"
IN_HOURS = "in_hours"
EVENING = "evening"
WEEKEND = "weekend"
SESSIONS = (IN_HOURS, EVENING, WEEKEND)
_SATURDAY = 5


@dataclass(frozen=True)
class Place:
    id: str
    hub: str


@dataclass(frozen=True)
class Leader:
    id: str
    kind: str  # EXECUTIVE or NON_EXECUTIVE
    unavailable: frozenset[Date] = frozenset()


@dataclass(frozen=True)
class RotaRequest:
    starts_on: Date
    ends_on: Date
    places: Sequence[Place]
    leaders: Sequence[Leader]
    visits_per_place: int = 1
    out_of_hours_share: float = 0.0  # 0..1
    closed_days: frozenset[Date] = frozenset()  # bank holidays, trust closures


@dataclass(frozen=True)
class PlannedVisit:
    place_id: str
    hub: str
    day: Date
    session: str
    executive_id: str
    non_executive_id: str | None
    round: int  # 1 for the first visit to the place, 2 for the second...


@dataclass(frozen=True)
class Rota:
    visits: tuple[PlannedVisit, ...]
    # (place id, round) of visits no free leader could take before the period ended.
    unplaced: tuple[tuple[str, int], ...] = field(default=())


def place_order(places: Sequence[Place], rounds: int) -> list[tuple[Place, int]]:
    """Every place `rounds` times: each hub's places in whole rounds, the hubs
    interleaved by how far through its own list each visit is."""
    by_hub: dict[str, list[Place]] = defaultdict(list)
    for place in sorted(places, key=lambda p: p.id):
        by_hub[place.hub].append(place)
    keyed: list[tuple[float, str, int, Place, int]] = []
    for hub, hub_places in by_hub.items():
        total = len(hub_places) * rounds
        for index in range(total):
            place = hub_places[index % len(hub_places)]
            keyed.append(((index + 0.5) / total, hub, index, place, index // len(hub_places) + 1))
    keyed.sort(key=lambda row: row[:3])
    return [(place, round_no) for *_, place, round_no in keyed]


def _sessions(count: int, share: float) -> list[str]:
    """Spread floor(count * share) out-of-hours sessions evenly, alternating evening
    and weekend."""
    share = min(max(share, 0.0), 1.0)
    sessions: list[str] = []
    out = 0
    for index in range(count):
        if int((index + 1) * share + 1e-9) > int(index * share + 1e-9):
            sessions.append(EVENING if out % 2 == 0 else WEEKEND)
            out += 1
        else:
            sessions.append(IN_HOURS)
    return sessions


def _fits(session: str, day: Date, closed: frozenset[Date]) -> bool:
    weekend = day.weekday() >= _SATURDAY
    if session == WEEKEND:
        return weekend
    return not weekend and day not in closed


class _Bookings:
    def __init__(self, leaders: Sequence[Leader]) -> None:
        self.leaders = sorted(leaders, key=lambda leader: leader.id)
        self.count: dict[str, int] = defaultdict(int)
        self.busy: set[tuple[str, Date]] = set()

    def pick(self, kind: str, day: Date) -> Leader | None:
        free = [
            leader
            for leader in self.leaders
            if leader.kind == kind
            and day not in leader.unavailable
            and (leader.id, day) not in self.busy
        ]
        return min(free, key=lambda leader: (self.count[leader.id], leader.id), default=None)

    def book(self, leader: Leader | None, day: Date) -> None:
        if leader is not None:
            self.count[leader.id] += 1
            self.busy.add((leader.id, day))


def _first_day(start: Date, end: Date, ok: Callable[[Date], bool]) -> Date | None:
    day = start
    while day <= end:
        if ok(day):
            return day
        day += datetime.timedelta(days=1)
    return None


def generate(request: RotaRequest) -> Rota:
    """The rota for the request (see the module's docstring for the rules)."""
    order = place_order(request.places, max(request.visits_per_place, 0))
    if not order or request.ends_on < request.starts_on:
        return Rota(visits=(), unplaced=tuple((p.id, r) for p, r in order))
    span = (request.ends_on - request.starts_on).days + 1
    sessions = _sessions(len(order), request.out_of_hours_share)
    bookings = _Bookings(request.leaders)
    visits: list[PlannedVisit] = []
    unplaced: list[tuple[str, int]] = []
    floor = request.starts_on  # visits never go back in time, so rounds stay in order
    stalled: set[str] = set()  # hubs with a visit that found no day: the rest wait too
    for index, ((place, round_no), session) in enumerate(zip(order, sessions, strict=True)):
        ideal = request.starts_on + datetime.timedelta(days=(index * span) // len(order))
        day = None
        if place.hub not in stalled:

            def usable(d: Date, session: str = session) -> bool:
                fits = _fits(session, d, request.closed_days)
                return fits and bookings.pick(EXECUTIVE, d) is not None

            day = _first_day(max(ideal, floor), request.ends_on, usable)
        executive = bookings.pick(EXECUTIVE, day) if day else None
        if day is None or executive is None:
            # Left for the programme's managers to place by hand, never dropped; and
            # the hub's later visits wait, so no place is visited twice before another.
            stalled.add(place.hub)
            unplaced.append((place.id, round_no))
            continue
        non_executive = bookings.pick(NON_EXECUTIVE, day)
        bookings.book(executive, day)
        bookings.book(non_executive, day)
        floor = day
        visits.append(
            PlannedVisit(
                place_id=place.id,
                hub=place.hub,
                day=day,
                session=session,
                executive_id=executive.id,
                non_executive_id=non_executive.id if non_executive else None,
                round=round_no,
            )
        )
    return Rota(visits=tuple(visits), unplaced=tuple(unplaced))
