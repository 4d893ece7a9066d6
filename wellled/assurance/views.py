"""Pages for CQC assurance: rounds and their live ratings, the evidence library, well-led."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wellled.assurance import actions, forms, frameworks
from wellled.assurance.models import EvidenceKind
from wellled.assurance.pack import pack_path
from wellled.assurance.panels import panels_for
from wellled.assurance.queries import (
    current_evidence_visible_to,
    evidence_for_statement,
    evidence_visible_to,
    get_assessment_for_user,
    get_evidence_for_user,
    get_round_for_user,
    latest_trust_round,
    limiter_suggestions,
    may_open_assurance,
    outcome_for,
    rounds_visible_to,
    scopes_with_rounds,
    stale_condition,
    suggested_limiters,
    trend_for,
)
from wellled.assurance.results import limiter_name
from wellled.core.models import Job
from wellled.core.types import AuthenticatedHttpRequest
from wellled.organisation.access import Cap, can, require, scope_paths
from wellled.organisation.models import OrgUnit, UnitKind

PAGE_SIZE = 25


def _crumbs(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"label": label, "href": href} for label, href in pairs]


def _home() -> tuple[str, str]:
    return ("CQC assurance", reverse("assurance:index"))


def _require_assurance(request: AuthenticatedHttpRequest) -> None:
    if not may_open_assurance(request.user):
        raise PermissionDenied


def _units_where(user: User, *caps: Cap) -> QuerySet[OrgUnit]:
    condition = Q(pk__in=[])
    for cap in caps:
        for path in scope_paths(user, cap):
            condition |= Q(path__startswith=path)
    return OrgUnit.objects.filter(condition, is_active=True).order_by("path")


def _people() -> QuerySet[User]:
    # Staff with a role in the trust: the people who can own statements or evidence.
    return (
        User.objects.filter(is_active=True, role_assignments__isnull=False)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _measures() -> list[tuple[str, str]]:
    from wellled.reports.sources import all_sources

    return [(source.key, source.title) for source in all_sources()]


def latest_measure(key: str) -> dict[str, Any] | None:
    """The latest value of a registered measure over the past year, if it has one."""
    from wellled.reports.sources import get_source

    try:
        source = get_source(key)
    except KeyError:
        return None
    today = timezone.localdate()
    try:
        periods = source.compute(today - datetime.timedelta(days=365), today, None)
    except Exception:
        return {"title": source.title, "value": None, "unit": source.unit, "period": None}
    for period, value in reversed(periods):
        if value is not None:
            return {"title": source.title, "value": value, "unit": source.unit, "period": period}
    return {"title": source.title, "value": None, "unit": source.unit, "period": None}


# Index and frameworks -----------------------------------------------------------


@login_required
@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_assurance(request)
    rounds = list(rounds_visible_to(request.user).order_by("-opened_on", "-pk")[:50])
    today = timezone.localdate()
    evidence = current_evidence_visible_to(request.user)
    return render(
        request,
        "assurance/index.html",
        {
            "rounds": rounds,
            "can_manage": can(request.user, Cap.MANAGE_ASSURANCE),
            "can_view": can(request.user, Cap.VIEW_ASSURANCE),
            "evidence_count": evidence.count(),
            "stale_count": evidence.filter(stale_condition(today)).count(),
        },
    )


@login_required
@require_GET
def framework_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_assurance(request)
    rows = [frameworks.get_framework(m) for m in frameworks.framework_ids()]
    return render(
        request,
        "assurance/frameworks.html",
        {"methodologies": rows, "breadcrumbs": _crumbs(_home())},
    )


@login_required
@require_GET
def framework_detail(request: AuthenticatedHttpRequest, methodology_id: str) -> HttpResponse:
    _require_assurance(request)
    try:
        methodology = frameworks.get_framework(methodology_id)
    except ValidationError:
        raise Http404("Unknown framework version") from None
    return render(
        request,
        "assurance/framework.html",
        {
            "methodology": methodology,
            "scale": frameworks.score_scale(methodology),
            "bands": frameworks.bands(methodology),
            "categories": list(methodology.evidence_categories.values()),
            "scored": frameworks.is_scored(methodology),
            "breadcrumbs": _crumbs(_home(), ("Frameworks", reverse("assurance:frameworks"))),
        },
    )


# Rounds -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def round_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.MANAGE_ASSURANCE)
    scopes = _units_where(request.user, Cap.MANAGE_ASSURANCE).filter(kind__in=actions.ROUND_SCOPES)
    form = forms.OpenRoundForm(request.POST if request.method == "POST" else None, scopes=scopes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = actions.open_round(
                acting_user=request.user,
                scope=data["scope"],
                methodology_id=data["methodology"],
                title=data["title"],
                previous_ratings=form.previous_ratings(),
                rounding=data["rounding"],
            )
        except ValidationError as error:
            forms.add_action_errors(form, error)
        else:
            messages.success(request, f"Round “{round_.title}” is open")
            return redirect("assurance:round", pk=round_.pk)
    return render(
        request, "assurance/round_new.html", {"form": form, "breadcrumbs": _crumbs(_home())}
    )


def _statement_rows(round_: Any, methodology: Any, outcome: Any) -> list[dict[str, Any]]:
    rows = []
    for assessment in round_.statements.select_related("owner").prefetch_related("evidence"):
        statement = frameworks.statement(methodology, assessment.statement_id)
        kq = outcome.for_key_question(assessment.key_question_id)
        used = None
        carried = False
        if kq is not None and kq.result is not None:
            used = kq.result.statement_scores.get(assessment.statement_id)
            carried = assessment.statement_id in kq.result.carried_forward
        rows.append(
            {
                "assessment": assessment,
                "statement": statement,
                "used": used,
                "carried": carried,
                "meaning": frameworks.score_meaning(methodology, assessment.score),
            }
        )
    return rows


@login_required
@require_GET
def round_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_for_user(request.user, pk)
    methodology = frameworks.get_framework(round_.methodology_id)
    outcome = outcome_for(round_)
    rows = _statement_rows(round_, methodology, outcome)
    by_kq = []
    for kq_outcome in outcome.key_questions:
        by_kq.append(
            {
                "outcome": kq_outcome,
                "rows": [
                    r for r in rows if r["assessment"].key_question_id == kq_outcome.key_question
                ],
            }
        )
    manage = can(request.user, Cap.MANAGE_ASSURANCE, round_.scope)
    for row in rows:
        row["may_score"] = round_.is_open and actions.may_score(request.user, row["assessment"])
    limiter_rows = [
        {
            "name": frameworks.key_question_name(methodology, kq),
            "limiters": [limiter_name(n) for n in names],
        }
        for kq, names in round_.limiters.items()
        if names
    ]
    suggestion_count = (
        sum(1 for row in limiter_suggestions(round_) if row["key_questions"])
        if manage and round_.is_open and not limiter_rows
        else 0
    )
    return render(
        request,
        "assurance/round.html",
        {
            "round": round_,
            "methodology": methodology,
            "outcome": outcome,
            "by_kq": by_kq,
            "can_manage": manage and round_.is_open,
            "unscored": sum(1 for r in rows if r["assessment"].score is None),
            "limiter_rows": limiter_rows,
            "suggestion_count": suggestion_count,
            "breadcrumbs": _crumbs(_home()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def score(request: AuthenticatedHttpRequest, pk: int, statement_id: str) -> HttpResponse:
    assessment = get_assessment_for_user(request.user, pk, statement_id)
    round_ = assessment.round
    may_score = round_.is_open and actions.may_score(request.user, assessment)
    if request.method == "POST" and not may_score:
        raise PermissionDenied
    methodology = frameworks.get_framework(round_.methodology_id)
    statement = frameworks.statement(methodology, statement_id)
    evidence = evidence_for_statement(request.user, statement_id).order_by("title")
    categories: list[tuple[str, str]] = []
    if methodology.statement_scoring == "evidence_categories":
        categories = list(methodology.evidence_categories.items())
    initial: dict[str, Any] = {
        "score": str(assessment.score) if assessment.score else None,
        "rationale": assessment.rationale,
        "evidence": list(assessment.evidence.all()),
    }
    for category, value in assessment.category_scores.items():
        initial[f"category_{category}"] = str(value)
    form = forms.ScoreForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        scale=frameworks.score_scale(methodology),
        evidence=evidence,
        categories=categories,
    )
    if request.method == "POST":
        form.is_valid()
        if "evidence" not in form.errors:
            # The score goes to the action as typed, so the action's 1 to 4 rule speaks.
            for name in ("score", "rationale", *(f"category_{c}" for c, _ in categories)):
                form.errors.pop(name, None)
            try:
                actions.score_statement(
                    acting_user=request.user,
                    assessment=assessment,
                    score=request.POST.get("score", ""),
                    rationale=request.POST.get("rationale", ""),
                    evidence=form.cleaned_data.get("evidence") or [],
                    category_scores={
                        category: request.POST.get(f"category_{category}", "")
                        for category, _ in categories
                    },
                )
            except ValidationError as error:
                forms.add_action_errors(form, error)
            else:
                outcome = outcome_for(round_).for_key_question(assessment.key_question_id)
                summary = ""
                if outcome is not None and outcome.result is not None:
                    summary = (
                        f" {outcome.name} is now {outcome.result.published_percentage}%: "
                        f"{outcome.result.rating}."
                    )
                messages.success(request, f"Score saved.{summary}")
                return redirect("assurance:round", pk=round_.pk)
    outcome = outcome_for(round_).for_key_question(assessment.key_question_id)
    return render(
        request,
        "assurance/score.html",
        {
            "round": round_,
            "assessment": assessment,
            "statement": statement,
            "form": form,
            "kq": outcome,
            "may_score": may_score,
            "evidence_linked": list(assessment.evidence.all()),
            "meaning": frameworks.score_meaning(methodology, assessment.score),
            "category_scores": [
                (methodology.evidence_categories.get(c, c), v)
                for c, v in assessment.category_scores.items()
            ],
            "breadcrumbs": _crumbs(
                _home(), (round_.title, reverse("assurance:round", args=[round_.pk]))
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def owners(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_for_user(request.user, pk)
    require(request.user, Cap.MANAGE_ASSURANCE, round_.scope)
    methodology = frameworks.get_framework(round_.methodology_id)
    assessments = list(round_.statements.select_related("owner"))
    form = forms.OwnersForm(
        request.POST if request.method == "POST" else None,
        statements=[
            (
                a.statement_id,
                frameworks.statement_label(methodology, a.statement_id),
                a.owner,
            )
            for a in assessments
        ],
        people=_people(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            for assessment in assessments:
                chosen = form.cleaned_data.get(f"owner_{assessment.statement_id}")
                if (chosen.pk if chosen else None) != assessment.owner_id:
                    actions.assign_owner(
                        acting_user=request.user, assessment=assessment, owner=chosen
                    )
        except ValidationError as error:
            forms.add_action_errors(form, error)
        else:
            messages.success(request, "Owners saved")
            return redirect("assurance:round", pk=round_.pk)
    return render(
        request,
        "assurance/owners.html",
        {
            "round": round_,
            "form": form,
            "breadcrumbs": _crumbs(
                _home(), (round_.title, reverse("assurance:round", args=[round_.pk]))
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_for_user(request.user, pk)
    require(request.user, Cap.MANAGE_ASSURANCE, round_.scope)
    form = forms.CloseRoundForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.close_round(
                acting_user=request.user, round_=round_, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            forms.add_action_errors(form, error)
        else:
            messages.success(request, f"Round “{round_.title}” is closed")
            return redirect("assurance:round", pk=round_.pk)
    methodology = frameworks.get_framework(round_.methodology_id)
    unscored = [
        frameworks.statement_label(methodology, a.statement_id)
        for a in round_.statements.filter(score__isnull=True)
    ]
    return render(
        request,
        "assurance/round_close.html",
        {
            "round": round_,
            "form": form,
            "unscored": unscored,
            "breadcrumbs": _crumbs(
                _home(), (round_.title, reverse("assurance:round", args=[round_.pk]))
            ),
        },
    )


@login_required
@require_GET
def trend(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW_ASSURANCE)
    scopes = list(scopes_with_rounds(request.user))
    chosen: OrgUnit | None = None
    wanted = request.GET.get("scope", "")
    if wanted.isdigit():
        chosen = next((s for s in scopes if s.pk == int(wanted)), None)
    if chosen is None:
        chosen = next((s for s in scopes if s.kind == UnitKind.TRUST), None) or (
            scopes[0] if scopes else None
        )
    rows = trend_for(request.user, chosen) if chosen is not None else []
    key_questions: list[str] = []
    for row in rows:
        for kq in row.outcome.key_questions:
            if kq.key_question not in key_questions:
                key_questions.append(kq.key_question)
    table = []
    for row in rows:
        cells = []
        for kq_id in key_questions:
            found = row.outcome.for_key_question(kq_id)
            cells.append(found)
        table.append({"round": row.round, "cells": cells})
    names = {}
    if rows:
        methodology = frameworks.get_framework(rows[-1].round.methodology_id)
        names = {kq: frameworks.key_question_name(methodology, kq) for kq in key_questions}
    return render(
        request,
        "assurance/trend.html",
        {
            "scopes": scopes,
            "chosen": chosen,
            "table": table,
            "headers": [names.get(kq, kq) for kq in key_questions],
            "breadcrumbs": _crumbs(_home()),
        },
    )


# Evidence -----------------------------------------------------------------------


@login_required
@require_GET
def evidence_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_assurance(request)
    form = forms.EvidenceFilterForm(request.GET or None)
    today = timezone.localdate()
    items = evidence_visible_to(request.user)
    retired = ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        retired = data["retired"]
        if data["statement"]:
            items = items.filter(statement_tags__statement_id=data["statement"])
        if data["category"]:
            items = items.filter(category_tags__category_id=data["category"])
        if data["stale"] == "yes":
            items = items.filter(stale_condition(today))
        elif data["stale"] == "no":
            items = items.exclude(stale_condition(today))
    if retired == "only":
        items = items.filter(retired_on__isnull=False)
    elif retired != "include":
        items = items.filter(retired_on__isnull=True)
    items = items.distinct().order_by("review_date", "title", "pk")
    paginator = Paginator(items, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    methodology = frameworks.evidence_framework_methodology()
    rows = [
        {
            "item": item,
            "stale": item.is_stale(today) and not item.is_retired,
            "statements": [frameworks.statement_label(methodology, s) for s in item.statement_ids],
        }
        for item in page
    ]
    kept = "&".join(
        f"{k}={v}" for k, v in request.GET.items() if k != "page" and v and k.isidentifier()
    )
    return render(
        request,
        "assurance/evidence_list.html",
        {
            "form": form,
            "rows": rows,
            "page": page,
            "query": kept,
            "stale_total": current_evidence_visible_to(request.user)
            .filter(stale_condition(today))
            .count(),
            "can_add": can(request.user, Cap.CONTRIBUTE_EVIDENCE)
            or can(request.user, Cap.MANAGE_ASSURANCE),
            "statements": frameworks.all_statements(methodology),
            "breadcrumbs": _crumbs(_home()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not (can(request.user, Cap.CONTRIBUTE_EVIDENCE) or can(request.user, Cap.MANAGE_ASSURANCE)):
        raise PermissionDenied
    units = _units_where(request.user, Cap.CONTRIBUTE_EVIDENCE, Cap.MANAGE_ASSURANCE)
    form = forms.EvidenceForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        units=units,
        people=_people(),
        measures=_measures(),
        initial={"owner": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = actions.add_evidence(
                acting_user=request.user,
                kind=data["kind"],
                title=data["title"],
                description=data["description"],
                unit=data["unit"],
                statement_ids=data["statements"],
                category_ids=data["categories"],
                owner=data["owner"],
                evidence_date=data["evidence_date"],
                review_date=data["review_date"],
                url=data["url"],
                upload=data["file"],
                measure_key=data["measure_key"],
            )
        except ValidationError as error:
            forms.add_action_errors(form, error)
        else:
            messages.success(request, f"“{item.title}” is in the evidence library")
            return redirect("assurance:evidence_detail", pk=item.pk)
    return render(
        request,
        "assurance/evidence_new.html",
        {
            "form": form,
            "breadcrumbs": _crumbs(_home(), ("Evidence library", reverse("assurance:evidence"))),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_evidence_for_user(request.user, pk)
    today = timezone.localdate()
    may_change = actions.may_change_evidence(request.user, item) and not item.is_retired
    may_review = may_change
    form = forms.ReviewEvidenceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not may_review:
            raise PermissionDenied
        if form.is_valid():
            try:
                actions.review_evidence(
                    acting_user=request.user,
                    item=item,
                    review_date=form.cleaned_data["review_date"],
                )
            except ValidationError as error:
                forms.add_action_errors(form, error)
            else:
                messages.success(request, "Review recorded")
                return redirect("assurance:evidence_detail", pk=item.pk)
    methodology = frameworks.evidence_framework_methodology()
    return render(
        request,
        "assurance/evidence_detail.html",
        {
            "item": item,
            "stale": item.is_stale(today) and not item.is_retired,
            "statements": [frameworks.statement_label(methodology, s) for s in item.statement_ids],
            "categories": [methodology.evidence_categories.get(c, c) for c in item.category_ids],
            "measure": latest_measure(item.measure_key) if item.measure_key else None,
            "form": form,
            "may_review": may_review,
            "may_change": may_change,
            "breadcrumbs": _crumbs(_home(), ("Evidence library", reverse("assurance:evidence"))),
        },
    )


@login_required
@require_GET
def evidence_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    item = get_evidence_for_user(request.user, pk)
    if item.kind != EvidenceKind.DOCUMENT or not item.file:
        raise Http404("This evidence has no document")
    return FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.file_name or "evidence",
        content_type=item.file_type or "application/octet-stream",
    )


@login_required
@require_POST
def pack_start(request: AuthenticatedHttpRequest, statement_id: str) -> HttpResponse:
    _require_assurance(request)
    try:
        job = actions.start_inspection_pack(acting_user=request.user, statement_id=statement_id)
    except ValidationError:
        raise Http404("Unknown quality statement") from None
    return redirect("core:job", job_id=job.id)


@login_required
@require_GET
def pack_download(request: AuthenticatedHttpRequest, job_id: uuid.UUID) -> FileResponse:
    job = Job.objects.filter(pk=job_id, kind=actions.PACK_JOB_KIND).first()
    if job is None:
        raise Http404("No such pack")
    if job.started_by_id != request.user.pk:
        raise PermissionDenied
    name = pack_path(job.id)
    if job.status != Job.Status.SUCCEEDED or not default_storage.exists(name):
        raise Http404("The pack is not ready")
    return FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=f"inspection-pack-{job.payload.get('statement_id', 'statement')}.zip",
        content_type="application/zip",
    )


# Well-led -----------------------------------------------------------------------


@login_required
@require_GET
def well_led(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW_ASSURANCE)
    round_ = latest_trust_round(request.user)
    methodology_id = round_.methodology_id if round_ else "saf_2024_statements"
    methodology = frameworks.get_framework(methodology_id)
    kq = methodology.key_question(frameworks.WELL_LED)
    scores: dict[str, Any] = {}
    outcome = None
    if round_ is not None:
        scores = {a.statement_id: a for a in round_.statements.select_related("owner")}
        outcome = outcome_for(round_).for_key_question(frameworks.WELL_LED)
    today = timezone.localdate()
    sections = []
    for statement in kq.statements:
        items = list(evidence_for_statement(request.user, statement.id).order_by("title"))
        measures = [
            latest_measure(item.measure_key)
            for item in items
            if item.kind == EvidenceKind.MEASURE and item.measure_key
        ]
        assessment = scores.get(statement.id)
        sections.append(
            {
                "statement": statement,
                "assessment": assessment,
                "meaning": frameworks.score_meaning(
                    methodology, assessment.score if assessment else None
                ),
                "items": [{"item": i, "stale": i.is_stale(today)} for i in items],
                "measures": [m for m in measures if m is not None],
                "panels": panels_for(request.user, methodology_id, statement.id),
            }
        )
    return render(
        request,
        "assurance/well_led.html",
        {
            "round": round_,
            "outcome": outcome,
            "sections": sections,
            "methodology": methodology,
            "may_export": True,
            "breadcrumbs": _crumbs(_home()),
        },
    )


# Editing and retiring evidence ----------------------------------------------------


def _evidence_to_change(request: AuthenticatedHttpRequest, pk: int) -> Any:
    item = get_evidence_for_user(request.user, pk)
    if not actions.may_change_evidence(request.user, item):
        raise PermissionDenied
    return item


@login_required
@require_http_methods(["GET", "POST"])
def evidence_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _evidence_to_change(request, pk)
    if item.is_retired:
        messages.info(request, "This evidence is retired, so it can no longer change")
        return redirect("assurance:evidence_detail", pk=item.pk)
    post = request.method == "POST"
    form = forms.EvidenceChangeForm(
        request.POST if post else None,
        request.FILES if post else None,
        item=item,
        units=OrgUnit.objects.filter(pk=item.unit_id),
        people=User.objects.filter(Q(pk__in=_people().values("pk")) | Q(pk=item.owner_id)).order_by(
            "first_name", "last_name", "username"
        ),
        measures=_measures(),
        initial={
            "title": item.title,
            "description": item.description,
            "statements": item.statement_ids,
            "categories": item.category_ids,
            "owner": item.owner_id,
            "evidence_date": item.evidence_date,
            "review_date": item.review_date,
            "url": item.url,
            "measure_key": item.measure_key,
        },
    )
    if post and form.is_valid():
        data = form.cleaned_data
        try:
            actions.change_evidence(
                acting_user=request.user,
                item=item,
                title=data["title"],
                description=data["description"],
                statement_ids=data["statements"],
                category_ids=data["categories"],
                owner=data["owner"],
                evidence_date=data["evidence_date"],
                review_date=data["review_date"],
                url=data.get("url"),
                measure_key=data.get("measure_key"),
                upload=data.get("file"),
            )
        except ValidationError as error:
            forms.add_action_errors(form, error)
        else:
            messages.success(request, "Changes saved")
            return redirect("assurance:evidence_detail", pk=item.pk)
    return render(
        request,
        "assurance/evidence_edit.html",
        {
            "item": item,
            "form": form,
            "breadcrumbs": _crumbs(
                _home(),
                ("Evidence library", reverse("assurance:evidence")),
                (item.title, reverse("assurance:evidence_detail", args=[item.pk])),
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_retire(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _evidence_to_change(request, pk)
    if item.is_retired:
        messages.info(request, "This evidence is already retired")
        return redirect("assurance:evidence_detail", pk=item.pk)
    form = forms.RetireEvidenceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.retire_evidence(
                acting_user=request.user, item=item, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            forms.add_action_errors(form, error)
        else:
            messages.success(request, f"“{item.title}” is retired: it stays in the audit")
            return redirect("assurance:evidence_detail", pk=item.pk)
    return render(
        request,
        "assurance/evidence_retire.html",
        {
            "item": item,
            "form": form,
            "cited": item.assessments.count(),
            "breadcrumbs": _crumbs(
                _home(),
                ("Evidence library", reverse("assurance:evidence")),
                (item.title, reverse("assurance:evidence_detail", args=[item.pk])),
            ),
        },
    )


# Limiters -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def round_limiters(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_for_user(request.user, pk)
    require(request.user, Cap.MANAGE_ASSURANCE, round_.scope)
    if not round_.is_open:
        messages.info(request, "This round is closed: its limiters can no longer change")
        return redirect("assurance:round", pk=round_.pk)
    methodology = frameworks.get_framework(round_.methodology_id)
    suggestions = limiter_suggestions(round_)
    suggested, suggested_reason = suggested_limiters(suggestions)
    # Nothing recorded yet: the suggestion is ticked, and nothing changes until saved.
    use_suggestion = not round_.limiters and bool(suggested)
    current = suggested if use_suggestion else round_.limiters
    initial: dict[str, Any] = {f"limiters_{kq}": names for kq, names in current.items()}
    initial["reason"] = suggested_reason if use_suggestion else round_.limiters_reason
    form = forms.LimitersForm(
        request.POST if request.method == "POST" else None,
        key_questions=[
            (kq, frameworks.key_question_name(methodology, kq)) for kq in round_.key_questions
        ],
        limiter_names=list(methodology.limiters),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_limiters(
                acting_user=request.user,
                round_=round_,
                limiters=form.limiters(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            forms.add_action_errors(form, error)
        else:
            messages.success(request, "Limiters saved: the round's ratings take them into account")
            return redirect("assurance:round", pk=round_.pk)
    return render(
        request,
        "assurance/limiters.html",
        {
            "round": round_,
            "form": form,
            "suggestions": suggestions,
            "use_suggestion": use_suggestion,
            "rules": [
                {"name": name, "rule": rule, "label": forms.LIMITER_LABELS.get(name, name)}
                for name, rule in methodology.limiters.items()
            ],
            "breadcrumbs": _crumbs(
                _home(), (round_.title, reverse("assurance:round", args=[round_.pk]))
            ),
        },
    )


# Live rating on the scoring form ----------------------------------------------------


def _preview_score(round_: Any, assessment: Any, data: Any) -> tuple[int | None, str]:
    """The score the form would save, or (None, why not) without saving anything."""
    methodology = frameworks.get_framework(round_.methodology_id)
    if methodology.statement_scoring == "evidence_categories":
        given = {
            category: data.get(f"category_{category}", "")
            for category in methodology.evidence_categories
        }
        given = {k: v for k, v in given.items() if v not in ("", None)}
        if given:
            score, _, problem = actions.score_from_categories(round_, assessment, given)
            return score, problem
    raw = str(data.get("score", "")).strip()
    if not raw:
        return None, ""
    try:
        return actions.checked_score(raw), ""
    except ValidationError as error:
        return None, error.message_dict["score"][0]


@login_required
@require_POST
def score_preview(request: AuthenticatedHttpRequest, pk: int, statement_id: str) -> HttpResponse:
    """The key question's rating as it would be with the score on the form (htmx).

    POST only (htmx posts the form, CSRF token included): a fragment, never a page.
    """
    assessment = get_assessment_for_user(request.user, pk, statement_id)
    round_ = assessment.round
    score, problem = _preview_score(round_, assessment, request.POST)
    changed = score is not None and score != assessment.score
    overrides = {statement_id: score} if changed else {}
    outcome = outcome_for(round_, overrides).for_key_question(assessment.key_question_id)
    return render(
        request,
        "assurance/_live_rating.html",
        {
            "kq": outcome,
            "round": round_,
            "assessment": assessment,
            "preview_score": score if changed else None,
            "problem": problem,
        },
    )
