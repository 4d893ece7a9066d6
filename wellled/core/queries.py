"""Reads of the core app's records, each through what the user may see."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from wellled.core.access import can_see_closure_days, can_view_audit, require_closure_days
from wellled.core.models import AuditEvent, ClosureDay, Job
from wellled.core.types import AnyUser


def jobs_visible_to(user: AnyUser) -> QuerySet[Job]:
    # A job belongs to the person who started it.
    if not user.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(started_by=user)


def get_job_for_user(user: AnyUser, job_id: uuid.UUID) -> Job:
    # Anyone but its starter gets a 404, so that job ids reveal nothing.
    job = jobs_visible_to(user).filter(id=job_id).first()
    if job is None:
        raise Http404("No such job")
    return job


def events_visible_to(user: AnyUser) -> QuerySet[AuditEvent]:
    if not can_view_audit(user):
        return AuditEvent.objects.none()
    return AuditEvent.objects.select_related("actor")


def get_event_for_user(user: AnyUser, seq: int) -> AuditEvent:
    if not can_view_audit(user):
        raise PermissionDenied
    event = events_visible_to(user).filter(seq=seq).first()
    if event is None:
        raise Http404("No such audit event")
    return event


def closure_days_visible_to(user: AnyUser) -> QuerySet[ClosureDay]:
    if not can_see_closure_days(user):
        return ClosureDay.objects.none()
    return ClosureDay.objects.all()


def get_closure_day_for_user(user: AnyUser, pk: int, *, manage: bool = False) -> ClosureDay:
    require_closure_days(user, manage=manage)
    day = closure_days_visible_to(user).filter(pk=pk).first()
    if day is None:
        raise Http404("No such closure day")
    return day
