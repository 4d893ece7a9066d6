"""Reads for inspections and action plans, and the questions of who may do what.

Who sees an inspection: holders of VIEW_INSPECTIONS whose scope covers the
inspection's scope, or lies beneath it (a service lead sees the trust-wide
inspection that covered their service, and inspections of their service).
Who sees an action plan: whoever sees its inspection, and its owner, who may
have no inspections role at all (a complaints manager owning a complaints action).

Action plans hold no personal data beyond the owner's and signer's names, so
reading them is not audited as a look at a sensitive record.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from wellled.assurance.panels import EnforcementSuggestion, PanelRow, StatementPanel
from wellled.core.navigation import WorkItem
from wellled.core.types import AnyUser
from wellled.inspections.models import (
    CQC_KINDS,
    ActionPlan,
    Finding,
    Inspection,
    Milestone,
    PlanStatus,
)
from wellled.organisation.access import Cap, can, scope_paths
from wellled.organisation.models import OrgUnit


def _ancestors(path: str) -> list[str]:
    """ "/1/5/9/" -> ["/1/", "/1/5/", "/1/5/9/"]."""
    parts = [part for part in path.strip("/").split("/") if part]
    return ["/" + "/".join(parts[: n + 1]) + "/" for n in range(len(parts))]


def _scope_condition(paths: tuple[str, ...], field: str) -> Q:
    condition = Q(pk__in=[])
    above: set[str] = set()
    for path in paths:
        condition |= Q(**{f"{field}__path__startswith": path})
        above.update(_ancestors(path))
    if above:
        condition |= Q(**{f"{field}__path__in": sorted(above)})
    return condition


def inspections_visible_to(user: AnyUser) -> QuerySet[Inspection]:
    paths = scope_paths(user, Cap.VIEW_INSPECTIONS)
    if not paths:
        return Inspection.objects.none()
    return Inspection.objects.filter(_scope_condition(paths, "scope")).select_related("scope")


def get_inspection_for_user(user: AnyUser, pk: int) -> Inspection:
    inspection = inspections_visible_to(user).filter(pk=pk).first()
    if inspection is None:
        if not Inspection.objects.filter(pk=pk).exists():
            raise Http404("No such inspection")
        raise PermissionDenied
    return inspection


def plans_visible_to(user: AnyUser) -> QuerySet[ActionPlan]:
    if not user.is_authenticated:
        return ActionPlan.objects.none()
    condition = Q(owner_id=user.pk)
    paths = scope_paths(user, Cap.VIEW_INSPECTIONS)
    if paths:
        condition |= _scope_condition(paths, "finding__inspection__scope")
    return ActionPlan.objects.filter(condition).select_related(
        "finding__inspection__scope", "owner", "signed_off_by"
    )


def get_plan_for_user(user: AnyUser, pk: int) -> ActionPlan:
    plan = plans_visible_to(user).filter(pk=pk).first()
    if plan is None:
        if not ActionPlan.objects.filter(pk=pk).exists():
            raise Http404("No such action")
        raise PermissionDenied
    return plan


# Who may do what -------------------------------------------------------------


def may_manage(user: AnyUser, inspection: Inspection) -> bool:
    """Record and change the inspection, its findings and plans (governance leads)."""
    return can(user, Cap.MANAGE_INSPECTIONS, inspection.scope)


def may_update_plan(user: AnyUser, plan: ActionPlan) -> bool:
    """Progress, status, milestones and evidence: the owner, or a manager."""
    if not user.is_authenticated:
        return False
    return plan.owner_id == user.pk or may_manage(user, plan.finding.inspection)


def may_sign_off(user: AnyUser, plan: ActionPlan) -> bool:
    """Holders of SIGN_OFF_ACTIONS over the inspection's scope, except the owner."""
    if not user.is_authenticated or plan.owner_id == user.pk:
        return False
    return can(user, Cap.SIGN_OFF_ACTIONS, plan.finding.inspection.scope)


# Lists -----------------------------------------------------------------------


def overdue_condition(today: datetime.date) -> Q:
    return ~Q(status=PlanStatus.DONE) & Q(due_date__lt=today)


def filter_plans(
    plans: QuerySet[ActionPlan],
    *,
    status: str | None = None,
    overdue: bool | None = None,
    owner_id: int | None = None,
    inspection_id: int | None = None,
    today: datetime.date | None = None,
) -> QuerySet[ActionPlan]:
    """`status` may be a stored status or "overdue"; overdue=False keeps the rest."""
    today = today or timezone.localdate()
    late = overdue_condition(today)
    if status == "overdue":
        plans = plans.filter(late)
    elif status:
        plans = plans.filter(status=status)
        if status != PlanStatus.DONE:
            plans = plans.exclude(late)
    if overdue is True:
        plans = plans.filter(late)
    elif overdue is False:
        plans = plans.exclude(late)
    if owner_id is not None:
        plans = plans.filter(owner_id=owner_id)
    if inspection_id is not None:
        plans = plans.filter(finding__inspection_id=inspection_id)
    return plans


def status_counts(plans: QuerySet[ActionPlan], today: datetime.date) -> dict[str, int]:
    """Counts by shown status, plus done-awaiting-sign-off and signed-off."""
    counts = dict.fromkeys(("not_started", "on_track", "at_risk", "overdue", "done"), 0)
    counts["awaiting_sign_off"] = 0
    counts["signed_off"] = 0
    for plan in plans.only("status", "due_date", "signed_off_by_id"):
        counts[plan.shown_status(today)] += 1
        if plan.status == PlanStatus.DONE:
            counts["signed_off" if plan.is_signed_off else "awaiting_sign_off"] += 1
    return counts


# "My work" -------------------------------------------------------------------


def inspections_work(user: AnyUser) -> list[WorkItem]:
    """Owners: their overdue and at-risk actions and overdue milestones.
    Executives: done actions waiting for their sign-off."""
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    items: list[WorkItem] = []
    owned = ActionPlan.objects.filter(owner_id=user.pk).exclude(status=PlanStatus.DONE)
    for plan in owned.filter(Q(due_date__lt=today) | Q(status=PlanStatus.AT_RISK)):
        overdue = plan.is_overdue(today)
        items.append(
            WorkItem(
                title=f"Inspection action: {plan.title}",
                href=reverse("inspections:action", args=[plan.pk]),
                module="Inspections",
                due=plan.due_date,
                detail="Overdue" if overdue else "At risk",
            )
        )
    milestones = Milestone.objects.filter(
        plan__owner_id=user.pk, done_on__isnull=True, due_date__lt=today
    ).exclude(plan__status=PlanStatus.DONE)
    for milestone in milestones.select_related("plan"):
        items.append(
            WorkItem(
                title=f"Milestone: {milestone.title}",
                href=reverse("inspections:action", args=[milestone.plan_id]),
                module="Inspections",
                due=milestone.due_date,
                detail=f"Overdue, for the action {milestone.plan.title}",
            )
        )
    if can(user, Cap.SIGN_OFF_ACTIONS):
        waiting = plans_visible_to(user).filter(status=PlanStatus.DONE, signed_off_by__isnull=True)
        for plan in waiting.exclude(owner_id=user.pk):
            if not may_sign_off(user, plan):
                continue
            items.append(
                WorkItem(
                    title=f"Sign off: {plan.title}",
                    href=reverse("inspections:action", args=[plan.pk]),
                    module="Inspections",
                    due=plan.done_on,
                    detail="Done and waiting for executive sign-off",
                )
            )
    return items


# Ratings as recorded, beside what the engine makes of the scores -------------


def key_question_rows(inspection: Inspection) -> list[dict[str, object]]:
    """Per key question: the recorded rating, the statement scores, and the rating
    the ratings engine gives those scores (when every statement is scored)."""
    from wellled.engines.ratings import UnknownMethodologyError, get_methodology, score_key_question

    try:
        methodology = get_methodology(inspection.methodology)
    except UnknownMethodologyError:
        return []
    recorded = {r.key_question: r.rating for r in inspection.ratings.all()}
    scores = {s.statement_id: s.score for s in inspection.statement_scores.all()}
    rows: list[dict[str, object]] = []
    for kq in methodology.key_questions:
        statements = [
            {"label": s.label, "name": s.name, "score": scores.get(s.id)} for s in kq.statements
        ]
        scored = [s.id for s in kq.statements if s.id in scores]
        computed = None
        if kq.statements and methodology.key_question_scoring and len(scored) == len(kq.statements):
            computed = score_key_question(
                {sid: scores[sid] for sid in scored},
                methodology=methodology.id,
                key_question=kq.id,
            )
        if not recorded.get(kq.id) and not scored:
            continue
        rows.append(
            {
                "id": kq.id,
                "name": kq.name,
                "rating": recorded.get(kq.id, ""),
                "statements": statements,
                "scored": len(scored),
                "total": len(kq.statements),
                "computed": computed,
                "agrees": computed is None
                or not recorded.get(kq.id)
                or str(computed.rating) == recorded.get(kq.id),
            }
        )
    return rows


# The well-led page -----------------------------------------------------------


def _same_framework(methodology_id: str) -> list[str]:
    """Methodologies sharing the framework content (SAF 2023 and 2024 share statements)."""
    from wellled.engines.ratings import UnknownMethodologyError, get_methodology, methodologies

    try:
        framework = get_methodology(methodology_id).framework
    except UnknownMethodologyError:
        return []
    return [m for m in methodologies() if get_methodology(m).framework == framework]


def statement_panel(user: AnyUser, framework_id: str, statement_id: str) -> StatementPanel | None:
    """Open inspection actions linked to a quality statement, for the well-led page."""
    if not can(user, Cap.VIEW_INSPECTIONS):
        return None
    ids = _same_framework(framework_id)
    if not ids:
        return None
    today = timezone.localdate()
    plans = (
        plans_visible_to(user)
        .filter(
            finding__inspection__methodology__in=ids,
            finding__statements__statement_id=statement_id,
            signed_off_by__isnull=True,
        )
        .distinct()
        .order_by("due_date", "pk")
    )
    rows = [
        PanelRow(
            label=plan.title,
            value=f"{plan.shown_status_label(today)}, due {plan.due_date.day} {plan.due_date:%b %Y}"
            + (", awaiting sign-off" if plan.awaiting_sign_off else ""),
            href=reverse("inspections:action", args=[plan.pk]),
            overdue=plan.is_overdue(today),
        )
        for plan in plans
    ]
    if not rows:
        return None
    return StatementPanel(
        title="Open inspection actions",
        module="Inspections",
        rows=rows,
        empty_text="No open inspection actions.",
    )


# Enforcement still open, for self-assessment limiters ----------------------

# Finding kinds -> the ratings engine's limiter names.
ENFORCEMENT_LIMITERS: dict[str, str] = {
    "requirement_notice": "requirement_notice",
    "warning_notice": "warning_notice",
    "condition": "condition_of_registration",
}


@dataclass(frozen=True)
class OpenEnforcement:
    """A requirement notice, warning notice or condition not yet signed off as met."""

    finding: Finding
    limiter: str
    # The key questions its linked statements belong to (empty: none linked).
    key_questions: tuple[str, ...]

    @property
    def label(self) -> str:
        finding = self.finding
        parts = [finding.get_kind_display()]
        if finding.reference:
            parts.append(finding.reference)
        text = " ".join(parts)
        if finding.regulation:
            text += f" ({finding.regulation})"
        return f"{text}, {finding.inspection.title}"


def open_enforcement(scope: OrgUnit) -> list[OpenEnforcement]:
    """Notices and conditions on inspections of exactly this scope that are still open.

    Open: the finding has no action plan, or its plan is not signed off. Mock
    inspections and peer reviews issue no enforcement, so only CQC's own count.
    """
    from wellled.engines.ratings import UnknownMethodologyError, get_methodology

    findings = (
        Finding.objects.filter(
            inspection__scope=scope,
            inspection__kind__in=list(CQC_KINDS),
            kind__in=list(ENFORCEMENT_LIMITERS),
        )
        .filter(Q(plan__isnull=True) | Q(plan__signed_off_by__isnull=True))
        .select_related("inspection")
        .prefetch_related("statements")
        .order_by("inspection__started_on", "pk")
    )
    rows: list[OpenEnforcement] = []
    for finding in findings:
        key_questions: list[str] = []
        try:
            methodology = get_methodology(finding.inspection.methodology)
        except UnknownMethodologyError:
            methodology = None
        for statement_id in finding.statement_ids:
            kq = methodology.key_question_of(statement_id) if methodology else None
            if kq is not None and kq.id not in key_questions:
                key_questions.append(kq.id)
        rows.append(
            OpenEnforcement(finding, ENFORCEMENT_LIMITERS[finding.kind], tuple(key_questions))
        )
    return rows


def enforcement_suggestions(scope: OrgUnit) -> list[EnforcementSuggestion]:
    """Open enforcement on the scope, as assurance suggests it for a round's limiters."""
    return [
        EnforcementSuggestion(
            limiter=found.limiter,
            label=found.label,
            key_questions=found.key_questions,
            href=reverse("inspections:detail", args=[found.finding.inspection_id]),
            finding_id=found.finding.pk,
            inspection_id=found.finding.inspection_id,
        )
        for found in open_enforcement(scope)
    ]
