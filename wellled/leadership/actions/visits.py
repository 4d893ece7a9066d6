"""A visit of the rota: moved or handed to other leaders, recorded once held, the
team's feedback sent, and its receipt confirmed by the team.

Audit events hold ids and dates, never what staff said.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from wellled.core import audit
from wellled.core.types import Actor
from wellled.core.workdays import long_date, trust_calendar
from wellled.leadership import access, checklists
from wellled.leadership.models import (
    LeaderKind,
    Session,
    Visit,
    VisitChange,
    VisitStatus,
)
from wellled.leadership.queries import conflicts

Date = datetime.date
_MAX_TEXT = 5000
_MAX_REASON = 500


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def _name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def _in_period(visit: Visit, day: Date, field: str, errors: dict[str, str]) -> None:
    programme = visit.programme
    if not programme.starts_on <= day <= programme.ends_on:
        errors[field] = (
            f"The date must be within the programme, {long_date(programme.starts_on)} "
            f"to {long_date(programme.ends_on)}"
        )


def _leader_problems(
    visit: Visit, day: Date, executive: User | None, non_executive: User | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    kinds = dict(visit.programme.leaders.values_list("user_id", "kind"))
    chosen = {"executive": executive, "non_executive": non_executive}
    expected = {"executive": LeaderKind.EXECUTIVE, "non_executive": LeaderKind.NON_EXECUTIVE}
    for field, user in chosen.items():
        if user is not None and kinds.get(user.pk) != expected[field]:
            errors[field] = f"Choose one of the programme's {expected[field].label.lower()}s"
    if executive is None:
        errors["executive"] = "Choose the executive director who will visit"
    if errors:
        return errors
    unavailable = set(
        visit.programme.leaders.filter(
            unavailable__starts_on__lte=day, unavailable__ends_on__gte=day
        ).values_list("user_id", flat=True)
    )
    booked = {
        uid
        for other in conflicts(
            day=day, user_ids={u.pk for u in chosen.values() if u}, exclude_visit=visit.pk
        )
        for uid in other.leader_ids()
    }
    for field, user in chosen.items():
        if user is None:
            continue
        if user.pk in booked:
            errors[field] = f"{_name(user)} already has a visit on {long_date(day)}"
        elif user.pk in unavailable:
            errors[field] = f"{_name(user)} is unavailable on {long_date(day)}"
    return errors


def _snapshot(visit: Visit) -> dict[str, Any]:
    return {
        "planned_on": str(visit.planned_on),
        "session": visit.session,
        "executive_id": visit.executive_id,
        "non_executive_id": visit.non_executive_id,
    }


@transaction.atomic
def move_visit(
    *,
    acting_user: Actor,
    visit: Visit,
    planned_on: Date,
    session: str,
    executive: User | None,
    non_executive: User | None,
    reason: str,
) -> Visit:
    """Move a planned visit to another day or session, or hand it to other leaders
    (a swap between leaders is this, on each visit), keeping the change and why."""
    if not access.may_record(acting_user, visit):
        raise PermissionDenied
    visit = Visit.objects.select_for_update().select_related("programme").get(pk=visit.pk)
    errors: dict[str, str] = {}
    if visit.status != VisitStatus.PLANNED:
        raise ValidationError("Only a planned visit can be moved")
    reason = reason.strip()
    if not reason:
        errors["reason"] = "Say why the visit is changing"
    elif len(reason) > _MAX_REASON:
        errors["reason"] = f"The reason must be {_MAX_REASON} characters or fewer"
    if session not in Session.values:
        errors["session"] = "Choose when in the day the visit is"
    elif session == Session.WEEKEND and planned_on.weekday() < 5:
        errors["session"] = "A weekend visit must be on a Saturday or Sunday"
    _in_period(visit, planned_on, "planned_on", errors)
    if "planned_on" not in errors:
        errors.update(_leader_problems(visit, planned_on, executive, non_executive))
    _raise(errors)
    before = _snapshot(visit)
    visit.planned_on = planned_on
    visit.session = session
    visit.executive = executive
    visit.non_executive = non_executive
    after = _snapshot(visit)
    if after == before:
        raise ValidationError({"planned_on": "Nothing has changed: choose a new date or leaders"})
    visit.save(update_fields=["planned_on", "session", "executive", "non_executive"])
    VisitChange.objects.create(
        visit=visit,
        changed_by=acting_user if isinstance(acting_user, User) else None,
        before=before,
        after=after,
        reason=reason,
    )
    audit.record(
        acting_user=acting_user,
        action="leadership.visit_moved",
        obj=visit,
        before=before,
        after=after,
    )
    return visit


def _text(value: str, field: str, label: str, errors: dict[str, str]) -> str:
    value = value.strip()
    if len(value) > _MAX_TEXT:
        errors[field] = f"{label} must be {_MAX_TEXT} characters or fewer"
    return value


def _checklist(answers: dict[str, str], errors: dict[str, str]) -> dict[str, str]:
    checklist = checklists.current()
    known = {item.key for item in checklist.items}
    cleaned = {key: value for key, value in answers.items() if value}
    if set(cleaned) - known or set(cleaned.values()) - set(checklists.ANSWERS):
        errors["checklist"] = "Answer the checklist's questions with the choices given"
    return cleaned


@transaction.atomic
def record_visit(
    *,
    acting_user: Actor,
    visit: Visit,
    held_on: Date,
    themes: str,
    good_practice: str,
    concerns: str,
    checklist: dict[str, str] | None = None,
    today: Date | None = None,
) -> Visit:
    """Record what a held visit found; the team's feedback falls due
    `feedback_days` working days later (the trust's calendar)."""
    if not access.may_record(acting_user, visit):
        raise PermissionDenied
    visit = Visit.objects.select_for_update().select_related("programme").get(pk=visit.pk)
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if visit.status == VisitStatus.CANCELLED:
        raise ValidationError("A cancelled visit cannot be recorded")
    _in_period(visit, held_on, "held_on", errors)
    if "held_on" not in errors and held_on > today:
        errors["held_on"] = "The visit date must be today or in the past"
    themes = _text(themes, "themes", "Themes", errors)
    good_practice = _text(good_practice, "good_practice", "Good practice", errors)
    concerns = _text(concerns, "concerns", "Concerns", errors)
    if not (themes or good_practice or concerns) and "themes" not in errors:
        errors["themes"] = "Enter what staff said: themes, good practice or concerns"
    answers = _checklist(checklist or {}, errors)
    _raise(errors)
    visit.status = VisitStatus.HELD
    visit.held_on = held_on
    visit.themes, visit.good_practice, visit.concerns = themes, good_practice, concerns
    visit.checklist_version = checklists.current().version
    visit.checklist = answers
    visit.feedback_due_on = trust_calendar().add_working_days(
        held_on, visit.programme.feedback_days
    )
    visit.save()
    audit.record(
        acting_user=acting_user,
        action="leadership.visit_recorded",
        obj=visit,
        after={
            "held_on": str(held_on),
            "feedback_due_on": str(visit.feedback_due_on),
            "checklist_version": visit.checklist_version,
        },
    )
    return visit


@transaction.atomic
def send_feedback(
    *,
    acting_user: Actor,
    visit: Visit,
    sent_on: Date,
    feedback: str,
    today: Date | None = None,
) -> Visit:
    """Record the feedback sent to the visited team ("you said, we are doing")."""
    if not access.may_record(acting_user, visit):
        raise PermissionDenied
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    today = today or timezone.localdate()
    if visit.status != VisitStatus.HELD or visit.held_on is None:
        raise ValidationError("Record the visit before sending feedback")
    errors: dict[str, str] = {}
    feedback = feedback.strip()
    if not feedback:
        errors["feedback"] = "Enter the feedback given to the team"
    elif len(feedback) > _MAX_TEXT:
        errors["feedback"] = f"Feedback must be {_MAX_TEXT} characters or fewer"
    if sent_on < visit.held_on:
        errors["sent_on"] = (
            f"Feedback cannot be dated before the visit on {long_date(visit.held_on)}"
        )
    elif sent_on > today:
        errors["sent_on"] = "The date feedback was sent must be today or in the past"
    _raise(errors)
    visit.feedback = feedback
    visit.feedback_sent_on = sent_on
    visit.save(update_fields=["feedback", "feedback_sent_on"])
    audit.record(
        acting_user=acting_user,
        action="leadership.feedback_sent",
        obj=visit,
        after={
            "sent_on": str(sent_on),
            "on_time": bool(visit.feedback_due_on and sent_on <= visit.feedback_due_on),
        },
    )
    return visit


@transaction.atomic
def confirm_receipt(*, acting_user: Actor, visit: Visit, today: Date | None = None) -> Visit:
    """Someone from the visited team confirms the team received the feedback
    (`None`: the system, for the demo's history)."""
    if acting_user is not None and not access.may_confirm(acting_user, visit):
        raise PermissionDenied
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.feedback_sent_on is None:
        raise ValidationError("There is no feedback to confirm yet")
    if visit.receipt_confirmed_on is not None:
        raise ValidationError("The team has already confirmed it received the feedback")
    visit.receipt_confirmed_on = today or timezone.localdate()
    visit.receipt_confirmed_by = acting_user if isinstance(acting_user, User) else None
    visit.save(update_fields=["receipt_confirmed_on", "receipt_confirmed_by"])
    audit.record(
        acting_user=acting_user,
        action="leadership.feedback_confirmed",
        obj=visit,
        after={"confirmed_on": str(visit.receipt_confirmed_on)},
    )
    return visit
