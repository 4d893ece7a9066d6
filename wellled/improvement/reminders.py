"""Daily reminders and escalations for every open improvement action, whatever its
source (`tasks.send_action_reminders`, on Celery beat):

* the owner is reminded when the due date is within `WELLLED_ACTION_REMINDER_DAYS`
  calendar days (default 7), and told once it has passed;
* once it has passed, the owner's line of accountability is told: the action's
  accountable executive where one is named, and the service leads over its unit.

Every email goes once per action, due date and recipient (`core.SentReminder`, a
unique key written in the same transaction as the send), so a re-planned action
is reminded afresh. The emails carry the action's title, due date and a link.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from wellled.core.reminders import send_all
from wellled.core.workdays import long_date
from wellled.improvement.models import OPEN_STATUSES, Action
from wellled.organisation.models import GrantStatus, Role, RoleAssignment

DEFAULT_REMINDER_DAYS = 7


@dataclass(frozen=True)
class Reminder:
    key: str
    kind: str  # "due_soon", "overdue" or "escalation"
    recipient_id: int
    action_id: int
    title: str
    due: datetime.date


def reminder_days() -> int:
    return int(getattr(settings, "WELLLED_ACTION_REMINDER_DAYS", DEFAULT_REMINDER_DAYS))


def _service_leads() -> list[tuple[str, int]]:
    return list(
        RoleAssignment.objects.filter(
            role=Role.SERVICE_LEAD, status=GrantStatus.ACTIVE, user__is_active=True
        ).values_list("unit__path", "user_id")
    )


def find_reminders(today: datetime.date) -> list[Reminder]:
    horizon = today + datetime.timedelta(days=reminder_days())
    rows = Action.objects.filter(status__in=OPEN_STATUSES, due_on__lte=horizon).values_list(
        "pk", "title", "due_on", "owner_id", "executive_id", "unit__path"
    )
    leads = _service_leads()
    found: list[Reminder] = []
    for pk, title, due, owner_id, executive_id, path in rows:
        if due >= today:
            found.append(
                Reminder(
                    f"improvement.soon:{pk}:{due}:{owner_id}", "due_soon", owner_id, pk, title, due
                )
            )
            continue
        found.append(
            Reminder(
                f"improvement.overdue:{pk}:{due}:{owner_id}", "overdue", owner_id, pk, title, due
            )
        )
        above = {lead for lead_path, lead in leads if path.startswith(lead_path)}
        if executive_id:
            above.add(executive_id)
        for recipient in sorted(above - {owner_id}):
            found.append(
                Reminder(
                    f"improvement.escalation:{pk}:{due}:{recipient}",
                    "escalation",
                    recipient,
                    pk,
                    title,
                    due,
                )
            )
    return found


def _link(action_id: int) -> str:
    base = str(getattr(settings, "WELLLED_BASE_URL", "")).rstrip("/")
    return f"{base}{reverse('improvement:detail', args=[action_id])}"


SECTIONS = (
    ("due_soon", "Due soon on actions you own"),
    ("overdue", "Overdue on actions you own"),
    ("escalation", "Overdue on actions you are accountable for"),
)


def compose(reminders: list[Reminder], today: datetime.date) -> tuple[str, str]:
    overdue = sum(1 for r in reminders if r.kind != "due_soon")
    soon = len(reminders) - overdue
    parts = [f"{soon} due soon"] * bool(soon) + [f"{overdue} overdue"] * bool(overdue)
    lines = [f"Improvement actions on {long_date(today)}.", ""]
    for kind, heading in SECTIONS:
        mine = sorted((r for r in reminders if r.kind == kind), key=lambda r: (r.due, r.title))
        if mine:
            lines.append(f"{heading}:")
            lines += [
                f"- {r.title}: {'was' if r.due < today else 'is'} due {long_date(r.due)}. "
                f"{_link(r.action_id)}"
                for r in mine
            ]
            lines.append("")
    lines.append("Open each action in wellled to record progress or re-plan it.")
    return f"Improvement actions: {', '.join(parts)}", "\n".join(lines)


def send_reminders(today: datetime.date | None = None) -> int:
    """Send every reminder not sent before; return how many emails went out."""
    today = today or timezone.localdate()
    return send_all(
        find_reminders(today),
        module="improvement",
        compose=lambda mine: compose(mine, today),
        summary=lambda mine: {
            "actions": sorted({r.action_id for r in mine}),
            "kinds": sorted({r.kind for r in mine}),
        },
    )
