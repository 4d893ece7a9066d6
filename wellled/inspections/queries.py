"""Reads for inspections and action plans, and the questions of who may do what.

Who sees an inspection: holders of VIEW_INSPECTIONS whose scope covers the
inspection's scope, or lies beneath it (a service lead sees the trust-wide
inspection that covered their service, and inspections of their service).
The actions that answer findings are improvement actions (wellled.improvement),
raised on the finding (improvement_source.py): whoever sees the inspection sees
them, with their owners, as improvement.access says. Reads here gather them per
finding and per inspection for the inspection's own pages.

Who may change what is decided in `access.py`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from wellled.assurance.panels import (
    EnforcementSuggestion,
    PanelRow,
    PublishedRating,
    StatementPanel,
)
from wellled.core.navigation import OverviewPanel, OverviewRow
from wellled.core.types import AnyUser
from wellled.engines.ratings import (
    KeyQuestionResult,
    UnknownMethodologyError,
    get_methodology,
    methodologies,
    score_key_question,
)
from wellled.improvement.models import Action
from wellled.improvement.models import Status as ActionStatus
from wellled.improvement.queries import actions_by_source, actions_for_sources, overdue_q
from wellled.inspections.improvement_source import KIND
from wellled.inspections.models import CQC_KINDS, SHOWN_STATUSES, Finding, Inspection
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


def finding_actions(finding_ids: list[int]) -> dict[int, list[Action]]:
    """The improvement actions raised on each finding (by finding id), oldest first."""
    return {int(key): found for key, found in actions_by_source(KIND, finding_ids).items()}


def actions_of(inspections: Inspection | list[Inspection]) -> QuerySet[Action]:
    """The improvement actions raised on the findings of one inspection, or several."""
    chosen = [inspections] if isinstance(inspections, Inspection) else inspections
    finding_ids = list(Finding.objects.filter(inspection__in=chosen).values_list("pk", flat=True))
    return actions_for_sources(KIND, finding_ids)


def inspection_of_findings(finding_ids: list[str]) -> dict[str, int]:
    """Finding id (as an action's source id) -> its inspection's id."""
    ids = [int(i) for i in finding_ids if i.isdigit()]
    return {
        str(pk): inspection_id
        for pk, inspection_id in Finding.objects.filter(pk__in=ids).values_list(
            "pk", "inspection_id"
        )
    }


# Lists -----------------------------------------------------------------------


def shown_status(action: Action, today: datetime.date) -> str:
    """The status key lists show: "overdue" when late, else the stored one."""
    return "overdue" if action.is_overdue(today) else str(action.status)


def _no_counts() -> dict[str, int]:
    counts = dict.fromkeys(("not_started", "on_track", "at_risk", "overdue", "done"), 0)
    counts["awaiting_sign_off"] = 0
    counts["signed_off"] = 0
    return counts


def _count(counts: dict[str, int], action: Action, today: datetime.date) -> None:
    counts[shown_status(action, today)] += 1
    if action.status == ActionStatus.DONE:
        counts["awaiting_sign_off" if action.needs_sign_off else "signed_off"] += 1


def status_counts(actions: QuerySet[Action], today: datetime.date) -> dict[str, int]:
    """Counts by shown status, plus done-awaiting-sign-off and signed-off."""
    counts = _no_counts()
    for action in actions.select_related(None).only(
        "status", "due_on", "sign_off_role", "signed_off_on"
    ):
        _count(counts, action, today)
    return counts


def status_counts_by_inspection(
    inspections: list[Inspection], today: datetime.date
) -> dict[int, dict[str, int]]:
    """`status_counts` for each inspection's actions, in two queries."""
    counts = {inspection.pk: _no_counts() for inspection in inspections}
    found = list(
        actions_of(inspections)
        .select_related(None)
        .only("status", "due_on", "sign_off_role", "signed_off_on", "source_id")
    )
    inspection_ids = inspection_of_findings([a.source_id for a in found])
    for action in found:
        _count(counts[inspection_ids[action.source_id]], action, today)
    return counts


def inspections_with_counts(user: AnyUser, today: datetime.date) -> list[Inspection]:
    """The register: visible inspections with `finding_count` and `overdue_count`."""
    inspections: list[Inspection] = list(
        inspections_visible_to(user).annotate(finding_count=Count("findings"))
    )
    overdue: dict[int, int] = {}
    late = actions_of(inspections).filter(overdue_q(today)).select_related(None).only("source_id")
    inspection_ids = inspection_of_findings([a.source_id for a in late])
    for action in late:
        inspection_id = inspection_ids[action.source_id]
        overdue[inspection_id] = overdue.get(inspection_id, 0) + 1
    for inspection in inspections:
        inspection.overdue_count = overdue.get(inspection.pk, 0)  # type: ignore[attr-defined]
    return inspections


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
    finding_ids = list(
        Finding.objects.filter(
            inspection__in=inspections_visible_to(user),
            inspection__methodology__in=ids,
            statements__statement_id=statement_id,
        ).values_list("pk", flat=True)
    )
    open_actions = (
        actions_for_sources(KIND, finding_ids)
        # Open: not yet closed (done, and signed off where a sign-off is asked).
        .exclude(
            Q(status=ActionStatus.DONE) & (Q(sign_off_role="") | Q(signed_off_on__isnull=False))
        )
        .order_by("due_on", "pk")
    )
    rows = [
        PanelRow(
            label=action.title,
            value=f"{SHOWN_STATUSES[shown_status(action, today)]}, due "
            f"{action.due_on.day} {action.due_on:%b %Y}"
            + (", awaiting sign-off" if not action.is_open else ""),
            href=reverse("improvement:detail", args=[action.pk]),
            overdue=action.is_overdue(today),
        )
        for action in open_actions
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

    Open: the finding has no action yet, or one of its actions is not closed (done
    and signed off). Mock inspections and peer reviews issue no enforcement, so
    only CQC's own count.
    """
    candidates = list(
        Finding.objects.filter(
            inspection__scope=scope,
            inspection__kind__in=list(CQC_KINDS),
            kind__in=list(ENFORCEMENT_LIMITERS),
        )
        .select_related("inspection")
        .prefetch_related("statements")
        .order_by("inspection__started_on", "pk")
    )
    actions = finding_actions([finding.pk for finding in candidates])
    findings = [
        finding
        for finding in candidates
        if not actions.get(finding.pk)
        or not all(action.is_closed for action in actions[finding.pk])
    ]
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


def latest_cqc_rating(user: AnyUser, scope: OrgUnit, key_question: str) -> PublishedRating | None:
    """CQC's latest rating of a key question for exactly this unit, for the well-led page.

    Only CQC's own inspections and assessments count (a mock inspection is not a rating).
    The published percentage is the ratings engine's, from the statement scores recorded
    from the report, when every statement of the key question was scored.
    """
    if not can(user, Cap.VIEW_INSPECTIONS):
        return None
    inspection = (
        inspections_visible_to(user)
        .filter(kind__in=CQC_KINDS, scope=scope, ratings__key_question=key_question)
        .order_by(F("report_published_on").desc(nulls_last=True), "-ended_on", "-pk")
        .first()
    )
    if inspection is None:
        return None
    row = next((r for r in key_question_rows(inspection) if r["id"] == key_question), None)
    if row is None or not row["rating"]:
        return None
    computed = row["computed"]
    statements = row["statements"]
    assert isinstance(statements, list)
    assert computed is None or isinstance(computed, KeyQuestionResult)
    return PublishedRating(
        key_question=key_question,
        rating=str(row["rating"]),
        title=inspection.title,
        href=reverse("inspections:detail", args=[inspection.pk]),
        published_on=inspection.report_published_on,
        percentage=computed.published_percentage if computed is not None else None,
        scored_1=tuple(f"{s['label']} {s['name']}" for s in statements if s["score"] == 1),
    )


# The home page for leaders -----------------------------------------------------


def ratings_overview(user: AnyUser) -> OverviewPanel | None:
    """The latest CQC ratings the reader may see, and what is being done about them."""
    if not can(user, Cap.VIEW_INSPECTIONS):
        return None
    latest = (
        inspections_visible_to(user)
        .filter(kind__in=list(CQC_KINDS))
        .prefetch_related("ratings")
        .order_by("-report_published_on", "-started_on", "-pk")
        .first()
    )
    if latest is None:
        return None
    kq_names = {kq.id: kq.name for kq in _key_questions(latest.methodology)}
    rows = [
        OverviewRow(
            kq_names.get(r.key_question, r.key_question), r.rating, alert=_is_poor(r.rating)
        )
        for r in latest.ratings.all()
    ]
    if latest.overall_rating:
        rows.append(
            OverviewRow("Overall", latest.overall_rating, alert=_is_poor(latest.overall_rating))
        )
    counts = status_counts(actions_of(latest), timezone.localdate())
    still_open = sum(counts[key] for key in ("not_started", "on_track", "at_risk", "overdue"))
    href = reverse("inspections:detail", args=[latest.pk])
    rows.append(OverviewRow("Actions still open", str(still_open), href))
    rows.append(OverviewRow("Overdue", str(counts["overdue"]), href, alert=counts["overdue"] > 0))
    rows.append(OverviewRow("Signed off as done", str(counts["signed_off"]), href))
    if can(user, Cap.VIEW_ASSURANCE):
        # Where the board reads the rating beside the trust's own estimate since.
        rows.append(
            OverviewRow(
                "The well-led page: CQC's rating, then our estimate",
                "",
                reverse("assurance:well_led"),
            )
        )
    published = latest.report_published_on
    return OverviewPanel(
        title="What CQC said",
        rows=tuple(rows),
        link_label=f"{latest.title}"
        + (f", published {published.day} {published:%B %Y}" if published else ""),
        link_href=href,
        order=10,
    )


def _key_questions(methodology_id: str) -> list[Any]:
    try:
        return list(get_methodology(methodology_id).key_questions)
    except UnknownMethodologyError:
        return []


def _is_poor(rating: str) -> bool:
    return rating.lower() in {"requires improvement", "inadequate", "ri"}
