"""The demo's improvement actions: what the trust promised after each well-led
self-assessment, raised from the statements it scored low, half a year on.

Raised through the real actions. Dates in the past are passed explicitly, so the
monthly measures (closed on time, overdue, days late) have a history to chart.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from wellled.assurance.models import AssessmentRound, StatementAssessment
from wellled.improvement import actions
from wellled.improvement.models import Action
from wellled.improvement.statement_source import KIND
from wellled.organisation.demo import DemoResult

# statement -> (owner persona, [(title, days to due)])
PLANS: dict[str, tuple[str, list[tuple[str, int]]]] = {
    "shared-direction-and-culture": (
        "governance",
        [
            ("Brief every team on the four strategic priorities at its monthly meeting", 60),
            ("Give each care group two or three driver measures linked to the priorities", 120),
            ("Ask staff in the quarterly pulse survey whether they know the priorities", 150),
        ],
    ),
    "capable-compassionate-and-inclusive-leaders": (
        "edi",
        [
            ("Put every band 7 and above through the inclusive leadership programme", 180),
            ("Add compassionate leadership to every manager's appraisal", 90),
        ],
    ),
    "freedom-to-speak-up": (
        "guardian",
        [
            ("Recruit a speak-up champion in every team of 20 or more", 75),
            ("Tell staff what changed after concerns, in the monthly bulletin", 45),
        ],
    ),
    "workforce-equality-diversity-and-inclusion": (
        "edi",
        [
            ("Put a trained diverse panel member on every interview for band 6 and above", 100),
            ("Act on the discrimination items of the staff survey, team by team", 160),
        ],
    ),
    "governance-management-and-sustainability": (
        "governance",
        [
            ("Re-write the board assurance framework with a named executive per risk", 90),
            ("Show every complaints measure with SPC in the integrated performance report", 40),
        ],
    ),
    "learning-improvement-and-innovation": (
        "complaints.manager",
        [
            ("Share the learning from every upheld complaint with the service within a month", 50),
            ("Answer complaints within the agreed time: weekly huddle on open cases", 70),
        ],
    ),
    "environmental-sustainability": (
        "service.lead",
        [("Switch the community teams' pool cars to electric at renewal", 200)],
    ),
}

# (done after raising, as a share of the time allowed; None: still open) and the
# status of those left open, cycled through so the register shows every state.
OUTCOMES: tuple[float | None, ...] = (0.8, 1.3, None, 0.95, 1.6, None, 0.7, None, 1.1)
OPEN_STATES = ("on_track", "at_risk", "not_started")


def _raise_for(
    result: DemoResult, assessment: StatementAssessment, raised_on: datetime.date
) -> list[Action]:
    owner_name, plans = PLANS[assessment.statement_id]
    made = []
    for title, days in plans:
        made.append(
            actions.raise_action(
                acting_user=None,
                source_kind=KIND,
                source_id=str(assessment.pk),
                title=title,
                owner=result.users[owner_name],
                executive=result.users["executive"],
                due_on=raised_on + datetime.timedelta(days=days),
                raised_on=raised_on,
                milestones=[
                    (
                        "Plan agreed at the quality committee",
                        raised_on + datetime.timedelta(days=14),
                    )
                ],
            )
        )
    return made


def _finish(action: Action, done_on: datetime.date) -> None:
    owner = action.owner
    for milestone in action.milestones.all():
        actions.complete_milestone(acting_user=owner, milestone=milestone, done_on=done_on)
    actions.add_evidence(
        acting_user=owner,
        action=action,
        kind="note",
        title=f"Completion: {action.title}"[:200],
        description="Minutes of the quality committee record this as done, with the figures.",
        statement_ids=[StatementAssessment.objects.get(pk=int(action.source_id)).statement_id],
        evidence_date=done_on,
    )
    actions.complete_action(
        acting_user=owner, action=action, note="Done: see the evidence", done_on=done_on
    )


def load_demo(result: DemoResult, *, seed: int) -> str:
    rng = random.Random(f"improvement-{seed}")
    today = timezone.localdate()
    rounds = list(AssessmentRound.objects.order_by("opened_on"))
    if not rounds:
        return "Improvement actions: none (no self-assessment round)"
    spring = rounds[0]
    raised_on = spring.opened_on + datetime.timedelta(days=10)
    low = spring.statements.filter(score__lte=2, statement_id__in=PLANS).order_by("order")
    made = [a for assessment in low for a in _raise_for(result, assessment, raised_on)]
    done = 0
    for index, action in enumerate(made):
        share = OUTCOMES[index % len(OUTCOMES)]
        allowed = (action.due_on - action.raised_on).days
        done_on = (
            None
            if share is None
            else action.raised_on + datetime.timedelta(days=round(allowed * share))
        )
        if done_on is not None and done_on <= today:
            _finish(action, done_on)
            done += 1
            if rng.random() < 0.6:
                actions.sign_off_action(
                    acting_user=result.users["executive"], action=action, note="Seen the evidence"
                )
        else:
            state = OPEN_STATES[index % len(OPEN_STATES)]
            if state != "not_started":
                actions.record_progress(
                    acting_user=action.owner,
                    action=action,
                    status=state,
                    note="Under way; see the plan"
                    if state == "on_track"
                    else "Behind: staff vacancies",
                    written_on=min(today, action.raised_on + datetime.timedelta(days=30)),
                )
    return f"Improvement actions: {len(made)} from the spring self-assessment, {done} done"
