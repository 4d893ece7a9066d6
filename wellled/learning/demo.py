"""Demo learning for the fictional trust: actions on upheld issues (older ones more
often finished late or not at all), cases closed once their learning is complete,
shared learning with read receipts, and public "You said, we did" summaries.

Runs after the complaints demo, through the learning and complaints actions.
"""

from __future__ import annotations

import datetime
import random

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from wellled.complaints import actions as complaint_actions
from wellled.complaints import rollup
from wellled.complaints.models import NEEDS_LEARNING, Complaint, Status
from wellled.improvement.access import people_in_scope
from wellled.learning import actions
from wellled.learning.models import LearningShare
from wellled.learning.queries import audience_users
from wellled.organisation.demo import DemoResult
from wellled.organisation.models import OrgUnit

EVIDENCE = (
    "Audit of 20 cases in the following month: all met the new standard.",
    "Revised procedure approved at the team's governance meeting; minutes filed.",
    "Training attendance: 18 of 20 team members; the rest booked next month.",
    "Spot check by the service manager across two weeks found no repeat.",
)
ACTIONS = (
    "Add the change to the team's standard operating procedure",
    "Brief every shift at the daily huddle for two weeks",
    "Audit twenty cases a month for three months",
    "Add the topic to the team's mandatory training",
)
YOU_SAID = {
    "communications": "You told us you were not kept informed and calls were not returned.",
    "appointments": "You told us appointments were cancelled at short notice.",
    "values_behaviours": "You told us some staff did not listen to you.",
    "admissions_discharges": "You told us discharge home was not well planned.",
    "waiting_times": "You told us you waited too long to be seen.",
    "patient_care": "You told us basic care needs were missed.",
}
DEFAULT_YOU_SAID = "You told us our care fell short of what you expected."


def _done_share(month_age: int) -> float:
    # Learning was finished less often before the inspection than after it.
    return 0.45 if month_age > 12 else 0.8


def audience_users_of(unit: OrgUnit) -> QuerySet[User]:
    units = OrgUnit.objects.filter(path__startswith=unit.path)
    return User.objects.filter(
        Q(staff_profile__unit__in=units) | Q(role_assignments__unit__in=units), is_active=True
    )


def _in_scope(owners: list[User], service: OrgUnit, cache: dict[int, list[User]]) -> list[User]:
    """The demo owners who work in or over the service (an action's owner must)."""
    if service.pk not in cache:
        ids = set(people_in_scope(service).values_list("pk", flat=True))
        cache[service.pk] = [owner for owner in owners if owner.pk in ids] or owners
    return cache[service.pk]


def load_demo(result: DemoResult, *, seed: int) -> str:
    """Load the learning; return one line saying what was loaded.

    One transaction, in which each case closed has its roll-up counted once at the
    end rather than after every step (complaints.rollup.deferred).
    """
    with transaction.atomic(), rollup.deferred():
        return _load(result, seed=seed)


def _load(result: DemoResult, *, seed: int) -> str:
    rng = random.Random(seed + 7)
    today = timezone.localdate()
    owners: list[User] = [
        result.users[name]
        for name in ("service.lead", "complaints.manager", "complaints.handler")
        if name in result.users
    ]
    scope_cache: dict[int, list[User]] = {}
    counts = {"actions": 0, "done": 0, "closed": 0, "shared": 0, "read": 0, "published": 0}
    cases = (
        Complaint.objects.filter(
            status__in=(Status.RESPONDED, Status.CLOSED),
            issues__outcome__in=NEEDS_LEARNING,
            issues__learning_statement__gt="",
        )
        .distinct()
        .select_related("service", "team", "site")
        .order_by("received_on", "pk")
    )
    shares: list[LearningShare] = []
    for case in cases:
        responded = case.responded_on or case.received_on
        # Calendar months between them (the days do not matter).
        gap = relativedelta(today.replace(day=1), responded.replace(day=1))
        age = gap.years * 12 + gap.months
        finish = rng.random() < _done_share(age)
        for issue in case.issues.filter(outcome__in=NEEDS_LEARNING, learning_statement__gt=""):
            due = responded + datetime.timedelta(days=rng.randint(20, 60))
            action = actions.add_learning_action(
                acting_user=None,
                issue=issue,
                description=rng.choice(ACTIONS),
                owner=rng.choice(_in_scope(owners, case.service, scope_cache)),
                due_on=due,
                raised_on=responded,
            )
            counts["actions"] += 1
            done_on = due - datetime.timedelta(days=rng.randint(-10, 15))
            if finish and done_on < today:
                actions.complete_learning_action(
                    acting_user=None,
                    action=action,
                    evidence=rng.choice(EVIDENCE),
                    completed_on=max(done_on, case.received_on),
                )
                counts["done"] += 1
        case.refresh_from_db()
        if case.status == Status.RESPONDED and not complaint_actions.closure_problems(case):
            close_on = min(today, (case.responded_on or today) + datetime.timedelta(days=60))
            complaint_actions.close(acting_user=None, complaint=case, closed_on=close_on)
            counts["closed"] += 1
        audience = case.team or case.service
        # Always share where someone can log in to read it, so the demo shows the
        # loop; elsewhere, some of it.
        readers_exist = audience_users_of(audience).exists()
        if finish and (readers_exist or rng.random() < 0.6):
            subject = case.issues.filter(outcome__in=NEEDS_LEARNING).first()
            statement = subject.learning_statement if subject else ""
            share = actions.share_learning(
                acting_user=None,
                complaint=case,
                title=f"{subject.subject.label if subject else 'Learning'}: {case.service.name}",
                summary=statement,
                audience=[audience],
                shared_on=min(today, responded + datetime.timedelta(days=rng.randint(7, 40))),
            )
            shares.append(share)
            counts["shared"] += 1
            for reader in audience_users(share):
                if rng.random() < 0.6:
                    actions.confirm_read(acting_user=reader, share=share)
                    counts["read"] += 1
    for share in rng.sample(shares, min(12, len(shares))):
        theme = share.themes.first()
        actions.publish_you_said_we_did(
            acting_user=None,
            service=share.service,
            you_said=YOU_SAID.get(theme.code if theme else "", DEFAULT_YOU_SAID),
            we_did=share.summary,
            month=share.shared_on,
            share=share,
        )
        counts["published"] += 1
    return (
        f"Learning: {counts['actions']} actions ({counts['done']} done with evidence), "
        f"{counts['closed']} more cases closed, {counts['shared']} shared "
        f"({counts['read']} read receipts), {counts['published']} You said, we did summaries."
    )
