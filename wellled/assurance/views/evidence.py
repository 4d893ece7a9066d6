"""The evidence library: the list, adding, reading, reviewing, changing and retiring an
item, its document, and inspection packs."""

from __future__ import annotations

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
from wellled.assurance.access import may_add_evidence, may_change_evidence
from wellled.assurance.models import EvidenceItem, EvidenceKind
from wellled.assurance.pack import pack_path
from wellled.assurance.queries import (
    current_evidence_visible_to,
    evidence_visible_to,
    get_evidence_for_user,
    stale_condition,
    times_cited,
)
from wellled.assurance.views.common import (
    PAGE_SIZE,
    home,
    latest_measure,
    library_crumb,
    measures,
    people,
    require_assurance,
    units_where,
)
from wellled.core.adapters import crumbs, run_action
from wellled.core.models import Job
from wellled.core.types import AuthenticatedHttpRequest
from wellled.organisation.access import Cap
from wellled.organisation.models import OrgUnit


def _filtered(
    items: QuerySet[EvidenceItem], form: forms.EvidenceFilterForm
) -> QuerySet[EvidenceItem]:
    """The library as the filter form asks; retired items only when asked for."""
    today = timezone.localdate()
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
    return items.distinct().order_by("review_date", "title", "pk")


@login_required
@require_GET
def evidence_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_assurance(request)
    form = forms.EvidenceFilterForm(request.GET or None)
    today = timezone.localdate()
    items = _filtered(evidence_visible_to(request.user), form)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
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
            "can_add": may_add_evidence(request.user),
            "statements": frameworks.all_statements(methodology),
            "breadcrumbs": crumbs(home()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may_add_evidence(request.user):
        raise PermissionDenied
    post = request.method == "POST"
    form = forms.EvidenceForm(
        request.POST if post else None,
        request.FILES if post else None,
        units=units_where(request.user, Cap.CONTRIBUTE_EVIDENCE, Cap.MANAGE_ASSURANCE),
        people=people(),
        measures=measures(),
        initial={"owner": request.user.pk},
    )
    if post:
        done = run_action(
            request,
            form,
            lambda data: actions.add_evidence(
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
            ),
            success=lambda item: f"“{item.title}” is in the evidence library",
            then=lambda item: redirect("assurance:evidence_detail", pk=item.pk),
        )
        if done:
            return done
    return render(
        request,
        "assurance/evidence_new.html",
        {"form": form, "breadcrumbs": crumbs(home(), library_crumb())},
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_evidence_for_user(request.user, pk)
    today = timezone.localdate()
    may_review = may_change_evidence(request.user, item) and not item.is_retired
    form = forms.ReviewEvidenceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not may_review:
            raise PermissionDenied
        done = run_action(
            request,
            form,
            lambda data: actions.review_evidence(
                acting_user=request.user, item=item, review_date=data["review_date"]
            ),
            success="Review recorded",
            then=reverse("assurance:evidence_detail", args=[item.pk]),
        )
        if done:
            return done
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
            "may_change": may_review,
            "breadcrumbs": crumbs(home(), library_crumb()),
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
    require_assurance(request)
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


# Changing and retiring evidence ----------------------------------------------------


def _evidence_to_change(request: AuthenticatedHttpRequest, pk: int) -> EvidenceItem:
    item = get_evidence_for_user(request.user, pk)
    if not may_change_evidence(request.user, item):
        raise PermissionDenied
    return item


def _item_crumbs(item: EvidenceItem) -> list[dict[str, str]]:
    return crumbs(
        home(),
        library_crumb(),
        (item.title, reverse("assurance:evidence_detail", args=[item.pk])),
    )


def _change_form(request: AuthenticatedHttpRequest, item: EvidenceItem) -> forms.EvidenceChangeForm:
    post = request.method == "POST"
    # Today's owner stays a choice even without a role any more.
    owners = User.objects.filter(Q(pk__in=people().values("pk")) | Q(pk=item.owner_id))
    return forms.EvidenceChangeForm(
        request.POST if post else None,
        request.FILES if post else None,
        item=item,
        units=OrgUnit.objects.filter(pk=item.unit_id),
        people=owners.order_by("first_name", "last_name", "username"),
        measures=measures(),
        initial=_change_initial(item),
    )


def _change_initial(item: EvidenceItem) -> dict[str, Any]:
    return {
        "title": item.title,
        "description": item.description,
        "statements": item.statement_ids,
        "categories": item.category_ids,
        "owner": item.owner_id,
        "evidence_date": item.evidence_date,
        "review_date": item.review_date,
        "url": item.url,
        "measure_key": item.measure_key,
    }


@login_required
@require_http_methods(["GET", "POST"])
def evidence_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _evidence_to_change(request, pk)
    if item.is_retired:
        messages.info(request, "This evidence is retired, so it can no longer change")
        return redirect("assurance:evidence_detail", pk=item.pk)
    form = _change_form(request, item)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.change_evidence(
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
            ),
            success="Changes saved",
            then=reverse("assurance:evidence_detail", args=[item.pk]),
        )
        if done:
            return done
    return render(
        request,
        "assurance/evidence_edit.html",
        {"item": item, "form": form, "breadcrumbs": _item_crumbs(item)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_retire(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _evidence_to_change(request, pk)
    if item.is_retired:
        messages.info(request, "This evidence is already retired")
        return redirect("assurance:evidence_detail", pk=item.pk)
    form = forms.RetireEvidenceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.retire_evidence(
                acting_user=request.user, item=item, reason=data["reason"]
            ),
            success=f"“{item.title}” is retired: it stays in the audit",
            then=reverse("assurance:evidence_detail", args=[item.pk]),
        )
        if done:
            return done
    return render(
        request,
        "assurance/evidence_retire.html",
        {
            "item": item,
            "form": form,
            "cited": times_cited(item),
            "breadcrumbs": _item_crumbs(item),
        },
    )
