"""Daily deadline reminders for handlers, and escalations of overdue cases.

Each day (`tasks.send_deadline_reminders`, on Celery beat):

* the handler of each open complaint is reminded of an acknowledgement or
  response due within `WELLLED_COMPLAINTS_REMINDER_DAYS` working days (default 2),
  counting today;
* once a deadline has passed, the handler is told it is overdue and the service
  lead(s) over the complaint's service are sent an escalation.

Every reminder goes once: its key (what, which case, which deadline, to whom) is
written to `core.SentReminder` in the same transaction as the email is sent, and
the key is unique, so neither a second run nor two workers at once repeat it. A
new deadline (an agreed extension) is a new key and is reminded afresh.

The emails carry the case reference, the deadline and a link: never the
complainant's or patient's name, nor anything of the complaint itself.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from wellled.complaints.models import OPEN_STATUSES, Complaint, Kind, Status
from wellled.core.reminders import send_all
from wellled.core.workdays import WorkingCalendar, long_date, trust_calendar
from wellled.organisation.models import Role, RoleAssignment

Date = datetime.date
DEFAULT_REMINDER_DAYS = 2


def reminder_days() -> int:
    return int(getattr(settings, "WELLLED_COMPLAINTS_REMINDER_DAYS", DEFAULT_REMINDER_DAYS))


@dataclass(frozen=True)
class Reminder:
    key: str
    kind: str  # "due_soon", "overdue" or "escalation"
    recipient_id: int
    complaint_id: int
    reference: str
    what: str  # "Acknowledge", "Respond" ...
    due: Date


# What is due: (key part, label, due-date field, done-date field, extra condition).
_CLOCKS: tuple[tuple[str, str, str, str, Q], ...] = (
    ("acknowledge", "Acknowledge", "acknowledgement_due", "acknowledged_on", Q()),
    ("respond", "Send the response", "response_due", "responded_on", Q()),
    (
        "backstop",
        "Agree a response date (6-month limit)",
        "backstop_due",
        "responded_on",
        Q(response_due__isnull=True) & ~Q(status=Status.REOPENED),
    ),
)


def _open_cases() -> Any:
    return Complaint.objects.filter(
        kind=Kind.COMPLAINT, exclusion="", status__in=OPEN_STATUSES
    ).order_by()


def _service_leads() -> list[tuple[str, int]]:
    """(unit path, user id) of every service lead grant: a handful of rows."""
    return list(
        RoleAssignment.objects.filter(role=Role.SERVICE_LEAD, user__is_active=True).values_list(
            "unit__path", "user_id"
        )
    )


def find_reminders(today: Date, calendar: WorkingCalendar | None = None) -> list[Reminder]:
    """Every reminder due today, sent or not (see `send_reminders`)."""
    calendar = calendar or trust_calendar()
    horizon = calendar.add_working_days(today, reminder_days())
    leads = _service_leads()
    found: list[Reminder] = []
    for name, label, due_field, done_field, extra in _CLOCKS:
        base = _open_cases().filter(
            extra, **{f"{due_field}__isnull": False, f"{done_field}__isnull": True}
        )
        if name != "acknowledge":
            # A response clock runs once the acknowledgement is done (clocks.next_deadline).
            base = base.filter(
                Q(acknowledgement_due__isnull=True) | Q(acknowledged_on__isnull=False)
            )
        fields = ("pk", "reference", "handler_id", "service__path", due_field)
        soon = base.filter(
            handler__isnull=False, **{f"{due_field}__range": (today, horizon)}
        ).values_list(*fields)
        for pk, reference, handler_id, _path, due in soon:
            found.append(
                Reminder(
                    f"complaints.{name}.soon:{pk}:{due}:{handler_id}",
                    "due_soon",
                    handler_id,
                    pk,
                    reference,
                    label,
                    due,
                )
            )
        late = base.filter(**{f"{due_field}__lt": today}).values_list(*fields)
        for pk, reference, handler_id, path, due in late:
            if handler_id is not None:
                found.append(
                    Reminder(
                        f"complaints.{name}.overdue:{pk}:{due}:{handler_id}",
                        "overdue",
                        handler_id,
                        pk,
                        reference,
                        label,
                        due,
                    )
                )
            for lead_path, lead_id in leads:
                if path.startswith(lead_path):
                    found.append(
                        Reminder(
                            f"complaints.{name}.escalation:{pk}:{due}:{lead_id}",
                            "escalation",
                            lead_id,
                            pk,
                            reference,
                            label,
                            due,
                        )
                    )
    return found


def _link(complaint_id: int) -> str:
    base = str(getattr(settings, "WELLLED_BASE_URL", "")).rstrip("/")
    return f"{base}{reverse('complaints:detail', args=[complaint_id])}"


def compose(reminders: list[Reminder], today: Date) -> tuple[str, str]:
    """Subject and body of one recipient's email: references, deadlines and links only."""
    sections = (
        ("due_soon", "Due soon on complaints you handle"),
        ("overdue", "Overdue on complaints you handle"),
        ("escalation", "Overdue on complaints about services you lead"),
    )
    counts = {kind: sum(1 for r in reminders if r.kind == kind) for kind, _ in sections}
    parts = []
    if counts["due_soon"]:
        parts.append(f"{counts['due_soon']} due soon")
    overdue = counts["overdue"] + counts["escalation"]
    if overdue:
        parts.append(f"{overdue} overdue")
    subject = f"Complaints deadlines: {', '.join(parts)}"
    lines = [f"Complaints deadlines on {long_date(today)}.", ""]
    for kind, heading in sections:
        mine = sorted((r for r in reminders if r.kind == kind), key=lambda r: (r.due, r.reference))
        if not mine:
            continue
        lines.append(f"{heading}:")
        for r in mine:
            when = "was due" if r.due < today else "is due"
            lines.append(
                f"- {r.reference}: {r.what} {when} {long_date(r.due)}. {_link(r.complaint_id)}"
            )
        lines.append("")
    lines.append("Open each case in wellled to see what is needed.")
    return subject, "\n".join(lines)


def send_reminders(today: Date | None = None, calendar: WorkingCalendar | None = None) -> int:
    """Send every reminder not sent before; return how many emails went out."""
    today = today or timezone.localdate()
    return send_all(
        find_reminders(today, calendar),
        module="complaints",
        compose=lambda mine: compose(mine, today),
        summary=lambda mine: {
            "cases": sorted({r.complaint_id for r in mine}),
            "kinds": sorted({r.kind for r in mine}),
        },
    )
