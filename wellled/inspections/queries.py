"""Reads for inspections and action plans, and the questions of who may do what.

Who sees an inspection: holders of VIEW_INSPECTIONS whose scope covers the
inspection's scope, or lies beneath it (a service lead sees the trust-wide
inspection that covered their service, and inspections of their service).
Who sees an action plan: whoever sees its inspection, and its owner, who may
have no inspections role at all (a complaints manager owning a complaints action).

Who may change what is decided in `access.py`.

Action plans hold no personal data beyond the owner's and signer's names, so
reading them is not audited as a look at a sensitive record.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from wellled.assurance.panels import EnforcementSuggestion, PanelRow, StatementPanel
from wellled.core.navigation import WorkItem
from wellled.core.types import AnyUser
from wellled.engines.ratings import (
    UnknownMethodologyError,
    get_methodology,
    methodologies,
    score_key_question,
)
from wellled.inspections.access import may_sign_off
from wellled.inspections.models import (
    CQC_KINDS,
    ActionPlan,
    CompletionEvidence,
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


def findings_visible_to(user: AnyUser) -> QuerySet[Finding]:
    """Findings of the inspections the user may see."""
    return Finding.objects.filter(inspection__in=inspections_visible_to(user)).select_related(
        "inspection__scope"
    )


def get_finding_for_user(user: AnyUser, pk: int) -> Finding:
    finding = findings_visible_to(user).filter(pk=pk).first()
    if finding is None:
        if not Finding.objects.filter(pk=pk).exists():
            raise Http404("No such finding")
        raise PermissionDenied
    return finding


def get_milestone_for_user(user: AnyUser, pk: int) -> Milestone:
    """A milestone of a plan the user may see, with its plan."""
    milestone = (
        Milestone.objects.filter(pk=pk, plan__in=plans_visible_to(user))
        .select_related("plan__finding__inspection__scope", "plan__owner")
        .first()
    )
    if milestone is None:
        if not Milestone.objects.filter(pk=pk).exists():
            raise Http404("No such milestone")
        raise PermissionDenied
    return milestone


def get_completion_evidence_for_user(user: AnyUser, pk: int) -> CompletionEvidence:
    """Evidence of completion on a plan the user may see."""
    evidence = CompletionEvidence.objects.filter(pk=pk, plan__in=plans_visible_to(user)).first()
    if evidence is None:
        if not CompletionEvidence.objects.filter(pk=pk).exists():
            raise Http404("No such evidence")
        raise PermissionDenied
    return evidence


def plan_of(finding: Finding) -> ActionPlan | None:
    """The finding's action plan, if it has one (select_related("plan") saves a query)."""
    try:
        return finding.plan
    except ActionPlan.DoesNotExist:
        return None


def findings_with_plans(inspection: Inspection) -> QuerySet[Finding]:
    """The inspection's findings with their plans, owners and statements, in two queries."""
    return inspection.findings.select_related("plan__owner").prefetch_related("statements")


def plans_of(inspections: Inspection | list[Inspection]) -> QuerySet[ActionPlan]:
    """The action plans of one inspection, or of several."""
    if isinstance(inspections, Inspection):
        return ActionPlan.objects.filter(finding__inspection=inspections)
    return ActionPlan.objects.filter(finding__inspection__in=inspections)


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


def _no_counts() -> dict[str, int]:
    counts = dict.fromkeys(("not_started", "on_track", "at_risk", "overdue", "done"), 0)
    counts["awaiting_sign_off"] = 0
    counts["signed_off"] = 0
    return counts


def _count(counts: dict[str, int], plan: ActionPlan, today: datetime.date) -> None:
    counts[plan.shown_status(today)] += 1
    if plan.status == PlanStatus.DONE:
        counts["signed_off" if plan.is_signed_off else "awaiting_sign_off"] += 1


def status_counts(plans: QuerySet[ActionPlan], today: datetime.date) -> dict[str, int]:
    """Counts by shown status, plus done-awaiting-sign-off and signed-off."""
    counts = _no_counts()
    for plan in plans.only("status", "due_date", "signed_off_by_id"):
        _count(counts, plan, today)
    return counts


def status_counts_by_inspection(
    inspections: list[Inspection], today: datetime.date
) -> dict[int, dict[str, int]]:
    """`status_counts` for each inspection's plans, in one query."""
    counts = {inspection.pk: _no_counts() for inspection in inspections}
    plans = (
        ActionPlan.objects.filter(finding__inspection__in=inspections)
        .select_related("finding")
        .only("status", "due_date", "signed_off_by_id", "finding__inspection_id")
    )
    for plan in plans:
        _count(counts[plan.finding.inspection_id], plan, today)
    return counts


def inspections_with_counts(user: AnyUser, today: datetime.date) -> QuerySet[Inspection]:
    """The register: visible inspections with `finding_count` and `overdue_count`."""
    overdue = (
        ActionPlan.objects.filter(finding__inspection=OuterRef("pk"))
        .filter(overdue_condition(today))
        .order_by()
        .values("finding__inspection")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return inspections_visible_to(user).annotate(
        finding_count=Count("findings"),
        overdue_count=Coalesce(Subquery(overdue), 0),
    )


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
