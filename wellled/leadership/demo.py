"""The demo's walkrounds: a year's programme across Wellford's 56 sites and its
inpatient wards, nine months in, with a pattern a board would want to see.

* Wellford and Caldermoor hubs are well covered: every visit so far was held.
* Fennmere misses about one visit in four.
* Ravensholt is rarely visited out of hours: its evening and weekend visits
  mostly did not happen (the in-hours ones did).
* Held visits have feedback mostly on time, some late and a few still owed (so
  escalation shows), and most teams have confirmed receipt; about one in three
  raised actions on the improvement loop, at every stage: done and signed off,
  done awaiting sign-off, on track, and overdue.

Everything goes through the real actions; dates in the past are passed explicitly.
"""

from __future__ import annotations

import datetime
import random

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.utils import timezone

from wellled.core.workdays import trust_calendar
from wellled.improvement import actions as improvement
from wellled.improvement.models import Action
from wellled.leadership import actions
from wellled.leadership.improvement_source import KIND, STATEMENTS
from wellled.leadership.models import OUT_OF_HOURS, LeaderKind, Programme, Visit, VisitStatus
from wellled.organisation import actions as org
from wellled.organisation.demo import EMAIL_DOMAIN, DemoResult
from wellled.organisation.models import Role

# (username, first name, last name, role on the visits)
LEADERS = (
    ("exec.medical", "Daniel", "Okoro", LeaderKind.EXECUTIVE),
    ("exec.operations", "Helen", "Marsh", LeaderKind.EXECUTIVE),
    ("exec.people", "Priya", "Raman", LeaderKind.EXECUTIVE),
    ("exec.finance", "Stephen", "Doyle", LeaderKind.EXECUTIVE),
    ("ned.quality", "Catherine", "Bell", LeaderKind.NON_EXECUTIVE),
    ("ned.audit", "Michael", "Adeyemi", LeaderKind.NON_EXECUTIVE),
    ("ned.people", "Ruth", "Lindqvist", LeaderKind.NON_EXECUTIVE),
)
THEMES = (
    ("Night staffing and agency use", "Safety huddle every morning", "Handover room too small"),
    ("Waiting lists", "Carers' drop-in each week", "Referral backlog since the spring"),
    ("Estates", "New sensory room used daily", "Heating fails in the clinic rooms"),
    ("Supervision", "Peer support group started", "Supervision often cancelled"),
    ("IT and records", "Shared call-back list", "Laptops too slow for the records system"),
    (
        "Culture",
        "Team celebrates good practice",
        "Two staff said they were afraid to report incidents",
    ),
)
ACTION_TITLES = (
    "Agree a plan with estates for the handover room",
    "Review night staffing against acuity",
    "Clear the referral backlog with extra clinics",
    "Replace the clinic heating",
    "Protect monthly supervision in the rota",
    "Replace the team's slowest laptops",
)
_HUB_HOLD = {"Wellford": 1.0, "Caldermoor": 1.0, "Fennmere": 0.75, "Ravensholt": 0.95}


def _leader_users(result: DemoResult) -> list[tuple[User, str]]:
    leaders: list[tuple[User, str]] = [
        (result.users["executive"], LeaderKind.EXECUTIVE),
        (result.users["board"], LeaderKind.NON_EXECUTIVE),
    ]
    role = {LeaderKind.EXECUTIVE: Role.EXECUTIVE, LeaderKind.NON_EXECUTIVE: Role.BOARD_MEMBER}
    for username, first, last, kind in LEADERS:
        user, _ = org.create_login(
            acting_user=None,
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@{EMAIL_DOMAIN}",
        )
        org.grant_role(acting_user=None, user=user, role=role[kind], unit=result.trust)
        leaders.append((user, kind))
    return leaders


def _held(visit: Visit, rng: random.Random) -> bool:
    hub = visit.hub.name.removesuffix(" hub")
    if hub == "Ravensholt" and visit.session in OUT_OF_HOURS:
        return visit.round > 1 and visit.pk % 2 == 0  # rarely out of hours
    return rng.random() < _HUB_HOLD.get(hub, 0.9)


def _raise(visit: Visit, index: int, today: datetime.date, result: DemoResult) -> list[Action]:
    raised_on = visit.held_on or visit.planned_on
    made = []
    for n in range(1 + index % 2):
        title = ACTION_TITLES[(index + n) % len(ACTION_TITLES)]
        made.append(
            improvement.raise_action(
                acting_user=None,
                source_kind=KIND,
                source_id=str(visit.pk),
                title=f"{title} ({visit.place.name})"[:200],
                owner=result.users["governance"],
                executive=visit.executive,
                due_on=raised_on + datetime.timedelta(days=60 + 15 * n),
                raised_on=raised_on,
            )
        )
    return made


def _progress(action: Action, stage: int, today: datetime.date, result: DemoResult) -> None:
    """Stage 0: done and signed off; 1: done, awaiting sign-off; 2: on track; 3: left
    to run overdue where its due date has passed."""
    done_on = min(today, action.due_on - datetime.timedelta(days=5))
    if stage <= 1 and done_on > action.raised_on:
        improvement.add_evidence(
            acting_user=action.owner,
            action=action,
            kind="note",
            title=f"Done: {action.title}"[:200],
            description="The team and the walkround's executive agreed this is done.",
            statement_ids=list(STATEMENTS),
            evidence_date=done_on,
        )
        improvement.complete_action(
            acting_user=action.owner, action=action, note="Done: see the evidence", done_on=done_on
        )
        if stage == 0:
            improvement.sign_off_action(
                acting_user=result.users["executive"], action=action, note="Seen on the next visit"
            )
    elif stage == 2:
        improvement.record_progress(
            acting_user=action.owner,
            action=action,
            status="on_track",
            note="Under way with the team",
            written_on=min(today, action.raised_on + datetime.timedelta(days=20)),
        )


def _record(visit: Visit, index: int, today: datetime.date) -> None:
    themes, good, concerns = THEMES[index % len(THEMES)]
    actions.record_visit(
        acting_user=None,
        visit=visit,
        held_on=visit.planned_on,
        themes=themes,
        good_practice=good,
        concerns=concerns,
        checklist={"welcome_greeted": "yes", "safe_environment": ("yes", "partly")[index % 2]},
        today=today,
    )


def _feedback(visit: Visit, index: int, today: datetime.date, rng: random.Random) -> None:
    visit.refresh_from_db()
    due = visit.feedback_due_on
    assert due is not None
    roll = rng.random()
    if roll < 0.08 and due < today:
        return  # still owed: the reminders escalate it
    calendar = trust_calendar()
    sent_on = due if roll < 0.85 else calendar.add_working_days(due, 4)  # late
    sent_on = min(sent_on, today)
    actions.send_feedback(
        acting_user=None,
        visit=visit,
        sent_on=sent_on,
        feedback="Thank you for showing us round. What we heard, and what happens next, "
        "is on this page; we will check on it at the next visit.",
        today=today,
    )
    if rng.random() < 0.8:
        actions.confirm_receipt(acting_user=None, visit=visit, today=sent_on)


def load_demo(result: DemoResult, *, seed: int) -> str:
    rng = random.Random(f"leadership-{seed}")
    today = timezone.localdate()
    starts_on = today.replace(day=1) - relativedelta(months=9)
    programme = actions.create_programme(
        acting_user=None,
        name=f"Leadership walkrounds from {starts_on:%B %Y}",
        scope=result.trust,
        starts_on=starts_on,
        ends_on=starts_on + relativedelta(years=1) - datetime.timedelta(days=1),
        visits_per_place=2,
        out_of_hours_percent=20,
        feedback_days=5,
    )
    for user, kind in _leader_users(result):
        actions.add_leader(acting_user=None, programme=programme, user=user, kind=kind)
    rota = actions.generate_rota(acting_user=None, programme=programme)
    held = raised = 0
    past = (
        Visit.objects.filter(programme=programme, planned_on__lt=today)
        .select_related("hub", "place", "executive", "programme")
        .order_by("planned_on", "pk")
    )
    for index, visit in enumerate(past):
        if not _held(visit, rng):
            continue
        _record(visit, index, today)
        _feedback(visit, index, today, rng)
        held += 1
        if held % 3 == 0:
            for stage, action in enumerate(_raise(visit, index, today, result)):
                _progress(action, (index + stage) % 4, today, result)
                raised += 1
    return _summary(programme, len(rota.visits), held, raised)


def _summary(programme: Programme, planned: int, held: int, raised: int) -> str:
    owed = programme.visits.filter(status=VisitStatus.HELD, feedback_sent_on__isnull=True).count()
    return (
        f"Walkrounds: {planned} visits planned over a year, {held} held so far, "
        f"{raised} actions raised, feedback still owed for {owed}"
    )
