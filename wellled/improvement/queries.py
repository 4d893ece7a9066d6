"""Every read of improvement actions: what a person may see, one action and its
children, the trust-wide register's filters, and "my work"."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from wellled.core.navigation import OverviewPanel, OverviewRow, WorkItem
from wellled.core.types import AnyUser
from wellled.improvement import access, sources
from wellled.improvement.models import (
    OPEN_STATUSES,
    Action,
    ActionEvidence,
    Milestone,
    Status,
)
from wellled.organisation.access import Cap, can, covers_everything, role_paths, scope_paths
from wellled.organisation.models import OrgUnit, UnitKind


def _within(paths: tuple[str, ...]) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(unit__path__startswith=path)
    return condition


def actions_visible_to(user: AnyUser) -> QuerySet[Action]:
    """Actions the person owns, may sign off, or reads over their part of the trust."""
    if not user.is_authenticated:
        return Action.objects.none()
    paths = scope_paths(user, Cap.VIEW_ACTIONS)
    if covers_everything(paths):
        return Action.objects.all()
    visible = Q(owner_id=user.pk) | _within(paths)
    for role, path in role_paths(user):
        visible |= Q(sign_off_role=role, unit__path__startswith=path)
    for source_type in sources.all_types():
        # The module's own readers and managers see its actions (access.may_view).
        source_paths: set[str] = set()
        for cap in (source_type.viewers, source_type.managers):
            if cap:
                source_paths.update(scope_paths(user, Cap(cap)))
        if source_paths:
            visible |= Q(source_kind=source_type.kind) & _within(tuple(sorted(source_paths)))
    return Action.objects.filter(visible)


def with_people(actions: QuerySet[Action]) -> QuerySet[Action]:
    return actions.select_related("owner", "executive", "unit", "team", "signed_off_by")


def get_action_for_user(user: AnyUser, pk: int) -> Action:
    action = with_people(actions_visible_to(user)).filter(pk=pk).first()
    if action is None:
        raise Http404("No such action")
    return action


def actions_for_sources(kind: str, source_ids: list[int] | list[str]) -> QuerySet[Action]:
    """The actions raised on these sources of one kind, for the source's own page.

    Not filtered by who reads: a source's page shows its actions to whoever may
    open that page (the module decides), and links each only where the reader
    may open it (`access.may_view`).
    """
    return with_people(
        Action.objects.filter(source_kind=kind, source_id__in=[str(i) for i in source_ids])
    ).prefetch_related("milestones")


def actions_by_source(
    kind: str, source_ids: list[int] | list[str], actions: QuerySet[Action] | None = None
) -> dict[str, list[Action]]:
    """The actions raised on each source (by source id), oldest first, in one query;
    `actions` narrows or prefetches (it defaults to `actions_for_sources`)."""
    chosen = actions if actions is not None else actions_for_sources(kind, source_ids)
    found: dict[str, list[Action]] = {}
    for action in chosen.order_by("raised_on", "pk"):
        found.setdefault(action.source_id, []).append(action)
    return found


def action_href(user: AnyUser, action: Action) -> str:
    """The action's page for a source page's list, or "" where the reader may not
    open it: no link leads to a refusal."""
    return reverse("improvement:detail", args=[action.pk]) if access.may_view(user, action) else ""


def get_action_by_legacy_ref(user: AnyUser, legacy_ref: str) -> Action:
    """The action a module's old record moved into ("inspections.actionplan:12"),
    if the reader may see it: old links and API ids resolve through this."""
    action = actions_visible_to(user).filter(legacy_ref=legacy_ref).first()
    if action is None:
        raise Http404("No such action")
    return action


def get_evidence_by_legacy_ref(user: AnyUser, legacy_ref: str) -> ActionEvidence:
    """Evidence moved from a module's own evidence table, on an action the reader sees."""
    link = (
        ActionEvidence.objects.filter(legacy_ref=legacy_ref, action__in=actions_visible_to(user))
        .select_related("item")
        .first()
    )
    if link is None:
        raise Http404("No such evidence")
    return link


def get_milestone_for_user(user: AnyUser, action_pk: int, pk: int) -> Milestone:
    action = get_action_for_user(user, action_pk)
    milestone = action.milestones.filter(pk=pk).first()
    if milestone is None:
        raise Http404("No such milestone")
    return milestone


def overdue_q(today: datetime.date) -> Q:
    return Q(status__in=OPEN_STATUSES, due_on__lt=today)


@dataclass(frozen=True)
class Filters:
    state: str = ""  # "", "open", "overdue", "at_risk", "done", "awaiting_sign_off"
    source_kind: str = ""
    care_group: OrgUnit | None = None
    owner_id: int | None = None
    executive_id: int | None = None


def filtered(actions: QuerySet[Action], filters: Filters, today: datetime.date) -> QuerySet[Action]:
    if filters.state == "open":
        actions = actions.filter(status__in=OPEN_STATUSES)
    elif filters.state == "overdue":
        actions = actions.filter(overdue_q(today))
    elif filters.state == "at_risk":
        actions = actions.filter(status=Status.AT_RISK)
    elif filters.state == "done":
        actions = actions.filter(status=Status.DONE)
    elif filters.state == "awaiting_sign_off":
        actions = actions.filter(status=Status.DONE, signed_off_on__isnull=True).exclude(
            sign_off_role=""
        )
    if filters.source_kind:
        actions = actions.filter(source_kind=filters.source_kind)
    if filters.care_group is not None:
        actions = actions.filter(unit__path__startswith=filters.care_group.path)
    if filters.owner_id:
        actions = actions.filter(owner_id=filters.owner_id)
    if filters.executive_id:
        actions = actions.filter(executive_id=filters.executive_id)
    return actions


def register_order(actions: QuerySet[Action], today: datetime.date) -> QuerySet[Action]:
    """Overdue first, then at risk, then the rest by due date; done last."""
    overdue = Action.objects.filter(pk=OuterRef("pk")).filter(overdue_q(today))
    standing = Case(
        When(status=Status.AT_RISK, then=Value(0)),
        When(status=Status.DONE, then=Value(2)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return actions.annotate(is_late=Exists(overdue), standing=standing).order_by(
        "-is_late", "standing", "due_on", "pk"
    )


def care_groups() -> list[OrgUnit]:
    return list(OrgUnit.objects.filter(kind=UnitKind.CARE_GROUP, is_active=True).order_by("name"))


def get_source_to_raise_on(
    user: AnyUser, kind: str, source_id: str
) -> tuple[sources.SourceType, sources.SourceInfo, OrgUnit]:
    """The named source, what it says of itself and its unit: 404 if there is no such
    source, 403 for someone it does not let raise actions."""
    source_type = sources.get(kind)
    info = source_type.describe([source_id]).get(source_id) if source_type else None
    if source_type is None or info is None:
        raise Http404("No such source of actions")
    if not access.may_raise(user, kind, source_id):
        raise PermissionDenied
    return source_type, info, OrgUnit.objects.get(pk=info.unit_id)


def get_care_group(pk: int) -> OrgUnit:
    """A care group to filter by (the tree is open to everyone), or 404."""
    group = OrgUnit.objects.filter(pk=pk, kind=UnitKind.CARE_GROUP).first()
    if group is None:
        raise Http404("No such care group")
    return group


def care_group_of(unit: OrgUnit, groups: list[OrgUnit]) -> OrgUnit | None:
    return next((group for group in groups if unit.path.startswith(group.path)), None)


def source_labels(
    actions: list[Action], user: AnyUser | None = None
) -> dict[tuple[str, str], sources.SourceInfo]:
    """What raised each action; given the reader, links they may not open are left out."""
    return sources.describe(((a.source_kind, a.source_id) for a in actions), user)


def improvement_work(user: AnyUser) -> list[WorkItem]:
    """ "My work": actions the person owns that are open, their overdue milestones, and
    actions awaiting their sign-off, each naming what raised it."""
    if not user.is_authenticated:
        return []
    owned = list(
        Action.objects.filter(owner_id=user.pk, status__in=OPEN_STATUSES).order_by("due_on")[:20]
    )
    late_milestones = list(
        Milestone.objects.filter(
            action__owner_id=user.pk,
            action__status__in=OPEN_STATUSES,
            done_on__isnull=True,
            due_on__lt=timezone.localdate(),
        )
        .select_related("action")
        .order_by("due_on")[:20]
    )
    to_sign = list(_awaiting_sign_off_by(user).order_by("done_on")[:20])
    every = [*owned, *(m.action for m in late_milestones), *to_sign]
    # One query per kind of source, however many actions.
    found = sources.describe((a.source_kind, a.source_id) for a in every) if every else {}
    items = [
        WorkItem(
            title=f"Action: {action.title}",
            href=reverse("improvement:detail", args=[action.pk]),
            module="Actions",
            due=action.due_on,
            detail=action.get_status_display(),
            group="Actions you own",
            reference=_source_label(action, found),
        )
        for action in owned
    ]
    items += [
        WorkItem(
            title=f"Milestone: {milestone.title}",
            href=reverse("improvement:detail", args=[milestone.action_id]),
            module="Actions",
            due=milestone.due_on,
            detail=f"Overdue, for the action {milestone.action.title}",
            group="Milestones overdue on your actions",
            reference=_source_label(milestone.action, found),
        )
        for milestone in late_milestones
    ]
    items += [
        WorkItem(
            title=f"Sign off: {action.title}",
            href=reverse("improvement:detail", args=[action.pk]),
            module="Actions",
            detail="Done: awaiting your sign-off",
            group="Actions awaiting your sign-off",
            reference=_source_label(action, found),
        )
        for action in to_sign
    ]
    return items


def _awaiting_sign_off_by(user: AnyUser) -> QuerySet[Action]:
    """Done actions someone else owns whose sign-off role the user holds over their unit."""
    awaiting = (
        Action.objects.filter(status=Status.DONE, signed_off_on__isnull=True)
        .exclude(sign_off_role="")
        .exclude(owner_id=user.pk)
    )
    signable = Q(pk__in=[])
    for role, path in role_paths(user):
        signable |= Q(sign_off_role=role, unit__path__startswith=path)
    return awaiting.filter(signable)


def _source_label(action: Action, found: dict[tuple[str, str], sources.SourceInfo]) -> str:
    """What raised the action, e.g. "Complaint C-2026-0142: Communication", so that
    actions with the same title (learning actions often share one) read apart."""
    info = found.get((action.source_kind, action.source_id))
    return info.label if info else ""


def actions_overview(user: AnyUser) -> OverviewPanel | None:
    """The home page for leaders who read the register: what is late, by source."""
    if not user.is_authenticated or not can(user, Cap.VIEW_ACTIONS):
        return None
    today = timezone.localdate()
    register = reverse("improvement:list")
    rows_by_kind = (
        actions_visible_to(user)
        .filter(overdue_q(today))
        .values("source_kind")
        .annotate(n=Count("pk"))
        .order_by("source_kind")
    )
    counts = actions_visible_to(user).aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        at_risk=Count("pk", filter=Q(status=Status.AT_RISK)),
        awaiting=Count(
            "pk",
            filter=Q(status=Status.DONE, signed_off_on__isnull=True) & ~Q(sign_off_role=""),
        ),
    )
    rows = [OverviewRow("Open actions", str(counts["open"]), f"{register}?state=open")]
    for row in rows_by_kind:
        source_type = sources.get(row["source_kind"])
        label = source_type.label if source_type else row["source_kind"]
        rows.append(
            OverviewRow(
                f"Overdue: {label.lower()}",
                str(row["n"]),
                f"{register}?state=overdue&source_kind={row['source_kind']}",
                alert=True,
            )
        )
    rows.append(OverviewRow("At risk", str(counts["at_risk"]), f"{register}?state=at_risk"))
    rows.append(
        OverviewRow(
            "Done, awaiting sign-off",
            str(counts["awaiting"]),
            f"{register}?state=awaiting_sign_off",
        )
    )
    return OverviewPanel(
        title="What we promised",
        rows=tuple(rows),
        link_label="Every action, by executive, source and care group",
        link_href=register,
        order=20,
    )
