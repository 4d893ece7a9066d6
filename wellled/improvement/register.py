"""The trust-wide register's reads: each action's row (source, care group, status
tag, sign-off state), the counts at the top, the summaries by executive, source and
care group, and the export's rows.

Every figure is a count of actions; the only personal data is owners' and
executives' names. The number of queries does not grow with the number of rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from wellled.core.types import AnyUser
from wellled.improvement import sources
from wellled.improvement.models import OPEN_STATUSES, Action, Status
from wellled.improvement.queries import care_group_of, overdue_q, source_labels
from wellled.organisation.models import OrgUnit, Role

TAG_COLOURS = {
    Status.NOT_STARTED: "grey",
    Status.ON_TRACK: "green",
    Status.AT_RISK: "yellow",
    Status.DONE: "blue",
}


@dataclass(frozen=True)
class Tag:
    label: str
    colour: str  # an NHS.UK tag colour


def status_tag(action: Action, today: datetime.date) -> Tag:
    """The status as shown: overdue is derived from the due date, never stored."""
    if action.is_overdue(today):
        days = (today - action.due_on).days
        return Tag(f"Overdue {days} day{'s' if days != 1 else ''}", "red")
    return Tag(action.get_status_display(), TAG_COLOURS.get(Status(action.status), "grey"))


def role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def sign_off_state(action: Action) -> str:
    if not action.sign_off_role:
        return "Not needed"
    if action.signed_off_on is not None:
        return f"Signed off {action.signed_off_on:%-d %b %Y}"
    if action.status == Status.DONE:
        return f"Awaiting sign-off ({role_label(action.sign_off_role).lower()})"
    return f"When done ({role_label(action.sign_off_role).lower()})"


@dataclass(frozen=True)
class Row:
    action: Action
    source: sources.SourceInfo | None
    source_type: str
    care_group: OrgUnit | None
    tag: Tag
    sign_off: str


def rows_for(
    actions: Iterable[Action], groups: list[OrgUnit], today: datetime.date, reader: AnyUser
) -> list[Row]:
    """Rows for actions read with their people (`queries.with_people`): one call per
    kind of source for the labels, whatever the number of actions; a source's link
    only where the reader may open it."""
    actions = list(actions)
    labels = source_labels(actions, reader)
    rows = []
    for action in actions:
        source_type = sources.get(action.source_kind)
        rows.append(
            Row(
                action=action,
                source=labels.get((action.source_kind, action.source_id)),
                source_type=source_type.label if source_type else action.source_kind,
                care_group=care_group_of(action.unit, groups),
                tag=status_tag(action, today),
                sign_off=sign_off_state(action),
            )
        )
    return rows


# Counts ---------------------------------------------------------------------------

AWAITING = Q(status=Status.DONE, signed_off_on__isnull=True) & ~Q(sign_off_role="")


def counts(actions: QuerySet[Action], today: datetime.date) -> dict[str, int]:
    """Open, overdue, at risk and awaiting sign-off, in one query."""
    return actions.order_by().aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=overdue_q(today)),
        at_risk=Count("pk", filter=Q(status=Status.AT_RISK)),
        awaiting_sign_off=Count("pk", filter=AWAITING),
    )


@dataclass(frozen=True)
class SummaryRow:
    label: str
    open: int
    overdue: int


def _open_and_overdue(today: datetime.date) -> dict[str, Any]:
    return {
        "open_count": Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        "overdue_count": Count("pk", filter=overdue_q(today)),
    }


def _summary(found: dict[str, list[int]]) -> list[SummaryRow]:
    rows = [SummaryRow(label, o, late) for label, (o, late) in found.items() if o]
    return sorted(rows, key=lambda r: (-r.overdue, -r.open, r.label))


def _add(found: dict[str, list[int]], label: str, row: dict[str, Any]) -> None:
    tally = found.setdefault(label, [0, 0])
    tally[0] += row["open_count"]
    tally[1] += row["overdue_count"]


def by_executive(actions: QuerySet[Action], today: datetime.date) -> list[SummaryRow]:
    found: dict[str, list[int]] = {}
    names = ("executive__first_name", "executive__last_name", "executive__username")
    for row in actions.order_by().values(*names).annotate(**_open_and_overdue(today)):
        full = f"{row[names[0]] or ''} {row[names[1]] or ''}".strip() or row[names[2]]
        _add(found, full or "No executive named", row)
    return _summary(found)


def by_source(actions: QuerySet[Action], today: datetime.date) -> list[SummaryRow]:
    found: dict[str, list[int]] = {}
    for row in actions.order_by().values("source_kind").annotate(**_open_and_overdue(today)):
        source_type = sources.get(row["source_kind"])
        _add(found, source_type.label if source_type else row["source_kind"], row)
    return _summary(found)


def by_care_group(
    actions: QuerySet[Action], groups: list[OrgUnit], today: datetime.date
) -> list[SummaryRow]:
    found: dict[str, list[int]] = {}
    for row in actions.order_by().values("unit__path").annotate(**_open_and_overdue(today)):
        group = next((g for g in groups if row["unit__path"].startswith(g.path)), None)
        _add(found, group.name if group else "Trust-wide", row)
    return _summary(found)


# The export -------------------------------------------------------------------------

EXPORT_HEADERS = [
    "Reference",
    "What will change",
    "Raised by",
    "Source",
    "Owner",
    "Executive",
    "Part of the trust",
    "Care group",
    "Raised on",
    "Due on",
    "Status",
    "Days overdue",
    "Done on",
    "Sign-off",
]


def _name(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


def export_rows(rows: list[Row], today: datetime.date) -> list[list[Any]]:
    return [
        [
            row.action.pk,
            row.action.title,
            row.source_type,
            row.source.label if row.source else "",
            _name(row.action.owner),
            _name(row.action.executive),
            row.action.unit.name,
            row.care_group.name if row.care_group else "",
            row.action.raised_on,
            row.action.due_on,
            row.action.get_status_display(),
            (today - row.action.due_on).days if row.action.is_overdue(today) else 0,
            row.action.done_on,
            row.sign_off,
        ]
        for row in rows
    ]
