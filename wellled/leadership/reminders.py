"""Daily reminders for walkround feedback (`tasks.send_feedback_reminders`, on
Celery beat), like every other module's reminders:

* the visit's leaders are reminded on the day the team's feedback falls due;
* once it is overdue they are told again, and it escalates to the governance
  leads who manage walkrounds over the visited place, so a visit never ends with
  staff not hearing back (the failure the evidence warns of, docs/leadership.md).

Overdue actions raised from a visit escalate through the improvement loop's own
reminders (to the owner and the action's accountable executive). Each email goes
once per visit, due date and recipient (`core.SentReminder`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from wellled.core.reminders import send_all
from wellled.core.workdays import long_date
from wellled.leadership.models import Visit, VisitStatus
from wellled.organisation.access import ROLE_CAPABILITIES, Cap
from wellled.organisation.models import GrantStatus, RoleAssignment


@dataclass(frozen=True)
class Reminder:
    key: str
    kind: str  # "due_today", "overdue" or "escalation"
    recipient_id: int
    visit_id: int
    place: str
    due: datetime.date


def _managers() -> list[tuple[str, int]]:
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if Cap.MANAGE_WALKROUNDS in caps]
    return list(
        RoleAssignment.objects.filter(
            role__in=roles, status=GrantStatus.ACTIVE, user__is_active=True
        ).values_list("unit__path", "user_id")
    )


def find_reminders(today: datetime.date) -> list[Reminder]:
    rows = Visit.objects.filter(
        status=VisitStatus.HELD, feedback_sent_on__isnull=True, feedback_due_on__lte=today
    ).values_list(
        "pk", "place__name", "place__path", "feedback_due_on", "executive_id", "non_executive_id"
    )
    managers = _managers()
    found: list[Reminder] = []
    for pk, place, path, due, *leaders in rows:
        if due is None:  # the filter excludes it; for the type checker
            continue
        kind = "due_today" if due == today else "overdue"
        for leader in sorted(filter(None, leaders)):
            found.append(
                Reminder(f"leadership.{kind}:{pk}:{due}:{leader}", kind, leader, pk, place, due)
            )
        if kind == "overdue":
            above = {user for unit_path, user in managers if path.startswith(unit_path)}
            for user in sorted(above - set(leaders)):
                found.append(
                    Reminder(
                        f"leadership.escalation:{pk}:{due}:{user}",
                        "escalation",
                        user,
                        pk,
                        place,
                        due,
                    )
                )
    return found


def _link(visit_id: int) -> str:
    base = str(getattr(settings, "WELLLED_BASE_URL", "")).rstrip("/")
    return f"{base}{reverse('leadership:visit', args=[visit_id])}"


SECTIONS = (
    ("due_today", "Feedback due today to teams you visited"),
    ("overdue", "Overdue feedback to teams you visited"),
    ("escalation", "Overdue walkround feedback in the programmes you manage"),
)


def compose(reminders: list[Reminder], today: datetime.date) -> tuple[str, str]:
    lines = [f"Walkround feedback on {long_date(today)}.", ""]
    for kind, heading in SECTIONS:
        mine = sorted((r for r in reminders if r.kind == kind), key=lambda r: (r.due, r.place))
        if mine:
            lines.append(f"{heading}:")
            lines += [f"- {r.place}: due {long_date(r.due)}. {_link(r.visit_id)}" for r in mine]
            lines.append("")
    lines.append(
        "Staff who never hear back stop raising things. Open each visit to record the feedback."
    )
    overdue = sum(1 for r in reminders if r.kind != "due_today")
    subject = (
        f"Walkround feedback: {overdue} overdue" if overdue else "Walkround feedback due today"
    )
    return subject, "\n".join(lines)


def send_reminders(today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    return send_all(
        find_reminders(today),
        module="leadership",
        compose=lambda mine: compose(mine, today),
        summary=lambda mine: {
            "visits": sorted({r.visit_id for r in mine}),
            "kinds": sorted({r.kind for r in mine}),
        },
    )
