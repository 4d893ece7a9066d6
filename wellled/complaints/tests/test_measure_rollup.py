"""Use case: the board's complaints figures come from a monthly roll-up that the
actions keep true, so a year of measures reads quickly at any number of cases.

Each test compares the roll-up with the same measures counted from the cases
(`rollup_check.check`), after real actions and after arbitrary histories.
"""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wellled.complaints import actions, measures, rollup, rollup_check, rollup_rebuild
from wellled.complaints.models import (
    Complainant,
    Complaint,
    ComplaintIssue,
    MeasureCell,
    MeasuredComplaint,
)
from wellled.complaints.tests.support import issue, measures_history, record, ref
from wellled.core.testing import Trust

D = datetime.date
TODAY = D(2026, 11, 25)
MARCH, APRIL = D(2026, 3, 1), D(2026, 4, 1)


@pytest.fixture
def history(trust: Trust) -> dict[str, Complaint]:
    return measures_history(trust)


def cells_now() -> set[tuple[Any, ...]]:
    return set(
        MeasureCell.objects.values_list(
            "measure",
            "month",
            "service_id",
            "team_id",
            "site_id",
            "subject_id",
            "days",
            "numerator",
            "denominator",
        )
    )


def figure(key: str, breakdown: str = "none", **kwargs: Any) -> dict[tuple[Any, D], Any]:
    _, found = measures.compute_cells(
        key, start=MARCH, end=D(2026, 11, 1), breakdown=breakdown, today=TODAY, **kwargs
    )
    return found


@pytest.mark.django_db
def test_the_actions_keep_the_roll_up_equal_to_the_cases(history: dict[str, Complaint]) -> None:
    assert MeasureCell.objects.exists()
    assert rollup_check.check(today=TODAY) == []


@pytest.mark.django_db
def test_a_rebuild_finds_what_the_actions_counted(history: dict[str, Complaint]) -> None:
    kept = cells_now()
    assert rollup_rebuild.rebuild() == (4, len(kept))
    assert cells_now() == kept


@pytest.mark.django_db
def test_measures_read_the_roll_up_not_the_cases(history: dict[str, Complaint]) -> None:
    # Themes come wholly from the roll-up: with its cells gone the figure is gone,
    # while counted from the cases it is still there.
    communications = ref("ko41a_subject", "communications").pk
    assert figure("themes")[(communications, MARCH)].value == 2
    MeasureCell.objects.all().delete()
    assert (communications, MARCH) not in figure("themes")
    assert figure("themes", from_cases=True)[(communications, MARCH)].value == 2
    assert rollup_check.check(today=TODAY)


@pytest.mark.django_db
def test_a_transfer_takes_the_case_out_of_every_figure(
    trust: Trust, history: dict[str, Complaint]
) -> None:
    ignored = history["ignored"]
    assert figure("acknowledged_on_time")[(None, MARCH)].denominator == 3
    actions.transfer(
        acting_user=trust.people["complaints_manager"],
        complaint=ignored,
        transferred_to="Another trust",
        transferred_on=D(2026, 3, 3),
    )
    assert figure("acknowledged_on_time")[(None, MARCH)].denominator == 2
    communications = ref("ko41a_subject", "communications").pk
    assert figure("themes")[(communications, MARCH)].value == 1
    assert rollup_check.check(today=TODAY) == []


@pytest.mark.django_db
def test_recoding_an_issue_moves_the_case_between_themes(
    trust: Trust, history: dict[str, Complaint]
) -> None:
    manager = trust.people["complaints_manager"]
    waiting = ref("ko41a_subject", "waiting_times")
    communications = ref("ko41a_subject", "communications")
    for found in history["ignored"].issues.all():
        actions.update_issue(
            acting_user=manager,
            issue=found,
            description=found.description,
            subject=waiting,
            service_area=found.service_area,
            profession=found.profession,
        )
    themes = figure("themes")
    assert themes[(communications.pk, MARCH)].value == 1
    assert themes[(waiting.pk, MARCH)].value == 2
    assert rollup_check.check(today=TODAY) == []


@pytest.mark.django_db
def test_moving_a_case_to_another_site_moves_its_figures(
    trust: Trust, history: dict[str, Complaint]
) -> None:
    on_time = history["on_time"]
    before = figure("responded_by_agreed_date", "site")
    assert before[(trust.site.pk, APRIL)].numerator == 1
    actions.update_case_details(
        acting_user=trust.people["complaints_manager"], complaint=on_time, site=trust.other_site
    )
    after = figure("responded_by_agreed_date", "site")
    assert (trust.site.pk, APRIL) not in after
    assert (
        after[(trust.other_site.pk, APRIL)].numerator,
        after[(trust.other_site.pk, APRIL)].denominator,
    ) == (1, 2)
    assert rollup_check.check(today=TODAY) == []


@pytest.mark.django_db
def test_a_pals_concern_escalated_is_counted_with_its_issues(trust: Trust) -> None:
    concern = record(trust, kind="pals", received_on=D(2026, 3, 2))
    issue(trust, concern, subject=ref("ko41a_subject", "waiting_times"))
    assert rollup_check.check(today=TODAY) == []
    complaint = actions.escalate_pals_concern(
        acting_user=trust.people["complaints_manager"],
        concern=concern,
        escalated_on=D(2026, 3, 9),
    )
    waiting = ref("ko41a_subject", "waiting_times").pk
    assert figure("themes")[(waiting, MARCH)].value == 1
    assert MeasuredComplaint.objects.get(pk=complaint.pk).facts["subjects"] == [waiting]
    assert rollup_check.check(today=TODAY) == []


@pytest.mark.django_db
def test_the_command_finds_a_figure_that_drifted_and_a_rebuild_mends_it(
    history: dict[str, Complaint],
) -> None:
    cell = MeasureCell.objects.filter(measure="resp", subject_id=0).first()
    assert cell is not None
    MeasureCell.objects.filter(pk=cell.pk).update(numerator=cell.numerator + 5)
    with pytest.raises(CommandError, match="differ from the cases"):
        call_command("complaints_rollup", stdout=StringIO())
    out = StringIO()
    call_command("complaints_rollup", "--rebuild", stdout=out)
    assert "Counted 4 cases" in out.getvalue()
    out = StringIO()
    call_command("complaints_rollup", stdout=out)
    assert "matches the cases" in out.getvalue()


@pytest.mark.django_db
def test_the_nightly_check_rebuilds_a_drifted_roll_up(history: dict[str, Complaint]) -> None:
    from wellled.complaints.tasks import check_measure_rollup

    assert check_measure_rollup() == 0
    MeasureCell.objects.filter(measure="received").delete()
    assert check_measure_rollup() > 0
    assert rollup_check.check() == []


# Arbitrary histories ---------------------------------------------------------------


@st.composite
def histories(draw: st.DrawFn) -> dict[str, Any]:
    """One case's stored state: any order of events the actions could have left,
    every date that ends lateness on or before today (the actions refuse later)."""
    # Near a month's end, so lateness often starts or stops on the day measured.
    month_end = measures.month_start(TODAY) - datetime.timedelta(days=1)
    for _ in range(draw(st.integers(0, 15))):
        month_end = measures.month_start(month_end) - datetime.timedelta(days=1)
    received = month_end - datetime.timedelta(days=draw(st.integers(0, 6)))
    age = (TODAY - received).days

    def later(maximum: int | None = None) -> D | None:
        if not draw(st.booleans()):
            return None
        return received + datetime.timedelta(days=draw(st.integers(0, maximum or age)))

    def any_after(days: int) -> D:
        return received + datetime.timedelta(days=draw(st.integers(0, days)))

    responded = later()
    return {
        "kind": draw(st.sampled_from(["complaint", "complaint", "complaint", "pals"])),
        "exclusion": draw(st.sampled_from(["", "", "", "a"])),
        "status": draw(st.sampled_from(["investigating", "closed", "transferred", "responded"])),
        "received_on": received,
        "acknowledgement_due": any_after(5),
        "acknowledged_on": later(),
        "response_due": draw(st.none() | st.just(any_after(120))),
        "first_response_due": any_after(90) if responded else None,
        "backstop_due": any_after(200),
        "first_responded_on": responded,
        "closed_on": later(),
        "transferred_on": later(),
        "reopened_on": later(),
        "referred_to_phso_on": later(),
        "place": draw(st.integers(0, 3)),
        "subjects": draw(
            st.lists(st.sampled_from(["communications", "waiting_times"]), max_size=3)
        ),
    }


def _store(trust: Trust, state: dict[str, Any], complaint: Complaint | None = None) -> Complaint:
    """Write a state straight to the tables (a history the tests choose, not one
    walked through the actions), then count it as the actions would."""
    state = dict(state)
    place = state.pop("place")
    subjects = state.pop("subjects")
    state["service"] = trust.service if place % 2 else trust.other_service
    state["site"] = None if place == 0 else (trust.site if place < 3 else trust.other_site)
    state["team"] = trust.team if place == 2 else None
    if complaint is None:
        complaint = Complaint.objects.create(
            reference=f"T-{Complaint.objects.count() + 1}",
            channel="letter",
            summary="-",
            complainant=Complainant.objects.create(full_name="-"),
            **state,
        )
    else:
        Complaint.objects.filter(pk=complaint.pk).update(**state)
        complaint.issues.all().delete()
    for code in subjects:
        ComplaintIssue.objects.create(
            complaint=complaint,
            description="-",
            subject=ref("ko41a_subject", code),
            service_area=ref("ko41a_service_area", "mental_health"),
            profession=ref("profession", "nursing"),
        )
    rollup.refresh(complaint.pk)
    return complaint


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    first=st.lists(histories(), min_size=1, max_size=6),
    changes=st.lists(st.tuples(st.integers(0, 5), histories()), max_size=4),
)
def test_any_history_and_any_change_keep_every_figure_equal_to_the_cases(
    trust: Trust, first: list[dict[str, Any]], changes: list[tuple[int, dict[str, Any]]]
) -> None:
    Complaint.objects.all().delete()
    MeasuredComplaint.objects.all().delete()
    MeasureCell.objects.all().delete()
    cases = [_store(trust, state) for state in first]
    assert rollup_check.check(today=TODAY) == []
    for which, state in changes:
        _store(trust, state, cases[which % len(cases)])
    assert rollup_check.check(today=TODAY) == []
    kept = cells_now()
    rollup_rebuild.rebuild()
    assert cells_now() == kept


@pytest.mark.django_db
def test_a_deleted_case_is_taken_out_of_the_roll_up(trust: Trust) -> None:
    complaint = record(trust, received_on=D(2026, 3, 2))
    assert MeasureCell.objects.filter(measure="received").exists()
    pk = complaint.pk
    complaint.delete()
    rollup.refresh(pk)
    assert not MeasureCell.objects.exists()
    assert not MeasuredComplaint.objects.filter(pk=pk).exists()


def test_a_case_still_open_and_unanswered_is_counted_live_not_rolled_up() -> None:
    facts = {
        "regulated": True,
        "service": 1,
        "team": 0,
        "site": 0,
        "received": "2026-01-05",
        "ack_due": "2026-01-08",
        "acknowledged": "2026-01-07",
        # No date agreed: due on the six months' last day (reg 14(2)).
        "due": "2026-07-04",
        "responded": None,
        "closed": None,
        "transferred": None,
        "reopened": None,
        "phso": None,
        "subjects": [],
    }
    assert rollup.is_live_overdue(facts)
    assert not [k for k in rollup.contributions(facts) if k[0] == "overdue"]
    # Answered late on 10 August: overdue at the end of July only.
    facts["responded"] = "2026-08-10"
    assert rollup.overdue_month_ends(facts) == {D(2026, 7, 31)}
    overdue = {k: v for k, v in rollup.contributions(facts).items() if k[0] == "overdue"}
    assert overdue == {
        ("overdue", "2026-07-01", 1, 0, 0, 0, 0): [1, 0],
        ("overdue", "2026-07-01", 1, 0, 0, -1, 0): [1, 0],
    }
    # Due on 4 July with no date agreed, answered late: counted, not on time.
    response = {k: v for k, v in rollup.contributions(facts).items() if k[0] == "resp"}
    assert response == {
        ("resp", "2026-07-01", 1, 0, 0, 0, 0): [0, 1],
        ("resp", "2026-07-01", 1, 0, 0, -1, 0): [0, 1],
    }
    # Its first response took 217 days: one in August's histogram of days.
    days = {k: v for k, v in rollup.contributions(facts).items() if k[0] == "days"}
    assert days == {
        ("days", "2026-08-01", 1, 0, 0, 0, 217): [1, 0],
        ("days", "2026-08-01", 1, 0, 0, -1, 217): [1, 0],
    }


@pytest.mark.django_db
def test_a_deferred_refresh_counts_the_same_as_one_after_every_action(trust: Trust) -> None:
    """The demo load steps cases through many actions and refreshes each case once,
    at the end of its module: the roll-up is the one the actions would have kept."""
    with transaction.atomic(), rollup.deferred():
        deferred_history = measures_history(trust)
        # Noted, not yet counted: nothing reads the measures inside the load.
        assert not MeasureCell.objects.exists()
    assert MeasureCell.objects.exists()
    assert rollup_check.check(today=TODAY) == []
    deferred = cells_now()
    assert rollup_rebuild.rebuild() == (len(deferred_history), len(deferred))
    assert cells_now() == deferred
