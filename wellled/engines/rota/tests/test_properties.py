"""The rota generator's rules, checked on random programmes with hypothesis.

Each test states one rule of `wellled.engines.rota.schedule` (its docstring lists
them) and would fail if the generator broke it.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wellled.engines.rota import (
    EVENING,
    EXECUTIVE,
    IN_HOURS,
    NON_EXECUTIVE,
    WEEKEND,
    Leader,
    Place,
    Rota,
    RotaRequest,
    generate,
)

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
START = datetime.date(2027, 4, 1)


@st.composite
def requests(draw: st.DrawFn, *, roomy: bool = False) -> RotaRequest:
    hubs = draw(st.integers(1, 4))
    places = [
        Place(id=f"p{hub}-{n}", hub=f"hub{hub}")
        for hub in range(hubs)
        for n in range(draw(st.integers(1, 6)))
    ]
    days = draw(st.integers(200, 365) if roomy else st.integers(1, 120))
    ends_on = START + datetime.timedelta(days=days - 1)
    every_day = [START + datetime.timedelta(days=n) for n in range(days)]
    off = st.frozensets(st.sampled_from(every_day), max_size=0 if roomy else 40)
    n_executives = draw(st.integers(1 if roomy else 0, 4))
    n_non_executives = draw(st.integers(0, 4))
    executives = [Leader(f"e{n}", EXECUTIVE, draw(off)) for n in range(n_executives)]
    non_executives = [Leader(f"n{n}", NON_EXECUTIVE, draw(off)) for n in range(n_non_executives)]
    return RotaRequest(
        starts_on=START,
        ends_on=ends_on,
        places=places,
        leaders=executives + non_executives,
        visits_per_place=draw(st.integers(1, 3)),
        out_of_hours_share=draw(st.sampled_from([0.0, 0.1, 0.25, 0.5])),
        closed_days=draw(st.frozensets(st.sampled_from(every_day), max_size=5)),
    )


def _all_accounted(request: RotaRequest, rota: Rota) -> Counter[str]:
    seen = Counter(v.place_id for v in rota.visits) + Counter(p for p, _ in rota.unplaced)
    return seen


@SETTINGS
@given(requests())
def test_every_place_gets_its_visits_placed_or_reported(request: RotaRequest) -> None:
    rota = generate(request)
    assert _all_accounted(request, rota) == Counter(
        {p.id: request.visits_per_place for p in request.places}
    )


@SETTINGS
@given(requests(roomy=True))
def test_with_free_leaders_and_room_every_place_is_covered_n_times(request: RotaRequest) -> None:
    # 200 days or more for at most 72 visits, and executives free every day.
    rota = generate(request)
    assert not rota.unplaced
    counts = Counter(v.place_id for v in rota.visits)
    assert all(counts[p.id] == request.visits_per_place for p in request.places)


@SETTINGS
@given(requests())
def test_no_place_is_visited_again_before_every_other_place_in_its_hub(
    request: RotaRequest,
) -> None:
    rota = generate(request)
    hub_size = Counter(p.hub for p in request.places)
    by_hub: dict[str, list[str]] = defaultdict(list)
    for visit in sorted(rota.visits, key=lambda v: v.day):  # stable: the rota's order
        by_hub[visit.hub].append(visit.place_id)
    for hub, sequence in by_hub.items():
        size = hub_size[hub]
        for start in range(0, len(sequence), size):
            chunk = sequence[start : start + size]
            assert len(set(chunk)) == len(chunk), f"{hub} repeats a place inside a round"


@SETTINGS
@given(requests())
def test_visits_stay_in_the_period_and_sessions_fit_their_days(request: RotaRequest) -> None:
    for visit in generate(request).visits:
        assert request.starts_on <= visit.day <= request.ends_on
        weekend = visit.day.weekday() >= 5
        if visit.session == WEEKEND:
            assert weekend
        else:
            assert not weekend and visit.day not in request.closed_days


@SETTINGS
@given(requests())
def test_no_leader_is_double_booked_or_booked_when_unavailable(request: RotaRequest) -> None:
    rota = generate(request)
    leaders = {leader.id: leader for leader in request.leaders}
    booked: Counter[tuple[str, datetime.date]] = Counter()
    for visit in rota.visits:
        assert leaders[visit.executive_id].kind == EXECUTIVE
        for leader_id in filter(None, (visit.executive_id, visit.non_executive_id)):
            assert visit.day not in leaders[leader_id].unavailable
            booked[(leader_id, visit.day)] += 1
        if visit.non_executive_id is not None:
            assert leaders[visit.non_executive_id].kind == NON_EXECUTIVE
    assert all(n == 1 for n in booked.values())


@SETTINGS
@given(requests())
def test_a_non_executive_joins_whenever_one_is_free(request: RotaRequest) -> None:
    rota = generate(request)
    busy = {(lid, v.day) for v in rota.visits for lid in (v.executive_id, v.non_executive_id)}
    for visit in rota.visits:
        if visit.non_executive_id is None:
            free = [
                leader
                for leader in request.leaders
                if leader.kind == NON_EXECUTIVE
                and visit.day not in leader.unavailable
                and (leader.id, visit.day) not in busy
            ]
            assert not free


@SETTINGS
@given(requests(roomy=True))
def test_the_out_of_hours_share_is_kept_and_alternates(request: RotaRequest) -> None:
    rota = generate(request)
    sessions = Counter(v.session for v in rota.visits)
    total = len(rota.visits)
    out = sessions[EVENING] + sessions[WEEKEND]
    assert abs(out - round(total * request.out_of_hours_share)) <= 1
    assert abs(sessions[EVENING] - sessions[WEEKEND]) <= 1
    assert sessions[IN_HOURS] == total - out


@SETTINGS
@given(requests(roomy=True))
def test_work_is_shared_between_executives(request: RotaRequest) -> None:
    rota = generate(request)
    executives = [leader.id for leader in request.leaders if leader.kind == EXECUTIVE]
    counts = Counter(v.executive_id for v in rota.visits)
    assert max(counts[e] for e in executives) - min(counts[e] for e in executives) <= 1


@SETTINGS
@given(requests())
def test_the_same_request_gives_the_same_rota(request: RotaRequest) -> None:
    assert generate(request) == generate(request)


def test_hubs_are_interleaved_not_visited_one_after_another() -> None:
    places = [Place(f"{hub}{n}", hub) for hub in "ab" for n in range(4)]
    request = RotaRequest(
        starts_on=START,
        ends_on=START + datetime.timedelta(days=200),
        places=places,
        leaders=[Leader("e", EXECUTIVE)],
    )
    hubs = [v.hub for v in generate(request).visits]
    assert hubs == ["a", "b"] * 4


def test_a_period_with_no_free_executive_reports_every_visit_unplaced() -> None:
    request = RotaRequest(
        starts_on=START,
        ends_on=START + datetime.timedelta(days=10),
        places=[Place("x", "h"), Place("y", "h")],
        leaders=[Leader("n", NON_EXECUTIVE)],
    )
    rota = generate(request)
    assert rota.visits == () and rota.unplaced == (("x", 1), ("y", 1))
