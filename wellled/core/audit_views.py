"""The audit trail's pages: search, one event, and checking the chain.

The trail covers the whole trust, so reading it needs Cap.VIEW_AUDIT over the
whole trust: a role granted lower down the tree is not enough.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Concat
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from wellled.core import actions, audit
from wellled.core.access import CONFIDENTIAL_PREFIXES, can
from wellled.core.access import can_view_audit as can_view_audit
from wellled.core.adapters import crumbs
from wellled.core.forms import AuditSearchForm
from wellled.core.models import AuditEvent
from wellled.core.queries import events_visible_to as events_visible_to
from wellled.core.queries import get_event_for_user
from wellled.core.types import AnyUser, AuthenticatedHttpRequest

PAGE_SIZE = 50


@dataclass(frozen=True)
class Change:
    field: str
    # JSON text of the value, or None where the field was absent on that side.
    before: str | None
    after: str | None


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def changes(before: Any, after: Any) -> list[Change]:
    """The fields that differ between before and after, as text for the page.

    Values are plain strings: the template escapes them like any other text.
    """
    if before is None and after is None:
        return []
    if not isinstance(before, dict) or not isinstance(after, dict):
        if isinstance(before, dict) and after is None:
            return [Change(key, _show(value), None) for key, value in before.items()]
        if isinstance(after, dict) and before is None:
            return [Change(key, None, _show(value)) for key, value in after.items()]
        return [
            Change(
                "",
                None if before is None else _show(before),
                None if after is None else _show(after),
            )
        ]
    keys = list(before) + [key for key in after if key not in before]
    return [
        Change(
            key,
            _show(before[key]) if key in before else None,
            _show(after[key]) if key in after else None,
        )
        for key in keys
        if key not in before or key not in after or before[key] != after[key]
    ]


def is_hidden_from(event: AuditEvent, user: AnyUser) -> bool:
    for prefix, capability in CONFIDENTIAL_PREFIXES.items():
        if (event.action.startswith(prefix) or event.object_type.startswith(prefix)) and not can(
            user, capability
        ):
            return True
    return False


@dataclass(frozen=True)
class EventRow:
    event: AuditEvent
    changes: list[Change]
    hidden: bool


def _rows(events: list[AuditEvent], user: AnyUser) -> list[EventRow]:
    rows = []
    for event in events:
        hidden = is_hidden_from(event, user)
        rows.append(EventRow(event, [] if hidden else changes(event.before, event.after), hidden))
    return rows


def _by_reference(events: QuerySet[AuditEvent], text: str, user: AnyUser) -> QuerySet[AuditEvent]:
    """Events whose object's label holds the text: a complaint's reference, a unit's or
    a document's name. Labels the page hides from this reader (speak-up's) are not
    searched either, so a search cannot tell them what a hidden label says."""
    events = events.filter(object_repr__icontains=text)
    for prefix, capability in CONFIDENTIAL_PREFIXES.items():
        if not can(user, capability):
            events = events.exclude(action__startswith=prefix).exclude(
                object_type__startswith=prefix
            )
    return events


def _by_actor(events: QuerySet[AuditEvent], text: str) -> QuerySet[AuditEvent]:
    """The username they had at the time, exactly, or all or part of their name now
    (the page shows both beside every event)."""
    named = Concat("actor__first_name", Value(" "), "actor__last_name")
    return events.alias(actor_name=named).filter(
        Q(actor_label=text) | Q(actor__username=text) | Q(actor_name__icontains=text)
    )


def _filter(
    events: QuerySet[AuditEvent], data: dict[str, Any], user: AnyUser
) -> QuerySet[AuditEvent]:
    if data.get("reference", "").strip():
        events = _by_reference(events, data["reference"].strip(), user)
    if data.get("action"):
        events = events.filter(action__startswith=data["action"].strip())
    if data.get("object_type"):
        events = events.filter(object_type=data["object_type"].strip())
    if data.get("object_id"):
        events = events.filter(object_id=data["object_id"].strip())
    if data.get("actor", "").strip():
        events = _by_actor(events, data["actor"].strip())
    if data.get("request_id"):
        events = events.filter(request_id=data["request_id"].strip())
    tz = timezone.get_current_timezone()
    if data.get("date_from"):
        start = datetime.datetime.combine(data["date_from"], datetime.time.min, tzinfo=tz)
        events = events.filter(occurred_at__gte=start)
    if data.get("date_to"):
        end = datetime.datetime.combine(
            data["date_to"] + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        )
        events = events.filter(occurred_at__lt=end)
    return events


def _position(request: AuthenticatedHttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "")
    return int(raw) if raw.isdigit() else None


@dataclass(frozen=True)
class Page:
    events: list[AuditEvent]
    newer_than: int | None
    older_than: int | None


def page_of(events: QuerySet[AuditEvent], *, before: int | None, after: int | None) -> Page:
    """One page of events, newest first, in one query.

    Pages are keyed on seq rather than numbered: no COUNT over a trail of
    millions of rows, and a page does not shift while new events arrive.
    """
    if after is not None:
        found = list(events.filter(seq__gt=after).order_by("seq")[: PAGE_SIZE + 1])
        more_newer = len(found) > PAGE_SIZE
        page = list(reversed(found[:PAGE_SIZE]))
        return Page(
            page,
            newer_than=page[0].seq if page and more_newer else None,
            older_than=page[-1].seq if page else None,
        )
    if before is not None:
        events = events.filter(seq__lt=before)
    found = list(events.order_by("-seq")[: PAGE_SIZE + 1])
    page = found[:PAGE_SIZE]
    return Page(
        page,
        newer_than=page[0].seq if page and before is not None else None,
        older_than=page[-1].seq if page and len(found) > PAGE_SIZE else None,
    )


def _page_link(query: dict[str, str], **position: int) -> str:
    return "?" + urlencode({**query, **position})


@login_required
def audit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_view_audit(request.user):
        raise PermissionDenied
    filters = {
        key: str(value) for key, value in request.GET.items() if key not in ("before", "after")
    }
    form = AuditSearchForm(filters or None)
    page: Page | None = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        page = page_of(
            _filter(events_visible_to(request.user), data, request.user),
            before=_position(request, "before"),
            after=_position(request, "after"),
        )
    return render(
        request,
        "core/audit_list.html",
        {
            "form": form,
            "rows": _rows(page.events, request.user) if page else [],
            "searched": bool(filters),
            "newer_href": _page_link(filters, after=page.newer_than)
            if page and page.newer_than is not None
            else "",
            "older_href": _page_link(filters, before=page.older_than)
            if page and page.older_than is not None
            else "",
            "breadcrumbs": crumbs(("My work", reverse("core:home"))),
        },
    )


@login_required
def audit_detail(request: AuthenticatedHttpRequest, seq: int) -> HttpResponse:
    event = get_event_for_user(request.user, seq)
    hidden = is_hidden_from(event, request.user)
    return render(
        request,
        "core/audit_detail.html",
        {
            "event": event,
            "changes": [] if hidden else changes(event.before, event.after),
            "hidden": hidden,
            "hash_matches": audit.event_hash(event) == event.hash,
            "breadcrumbs": crumbs(
                ("My work", reverse("core:home")), ("Audit trail", reverse("core:audit_list"))
            ),
        },
    )


@login_required
@require_POST
def audit_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_view_audit(request.user):
        raise PermissionDenied
    job = actions.start_job(
        acting_user=request.user,
        kind="core.verify_audit",
        title="Check the audit trail",
        payload={},
    )
    return redirect("core:job", job_id=job.id)
