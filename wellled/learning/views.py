"""Pages for learning: the library, a case's learning, actions, read rates and the
public "You said, we did" summaries."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wellled.complaints.models import NEEDS_LEARNING, ComplaintIssue, ReferenceItem, ReferenceList
from wellled.complaints.queries import get_complaint_for_user
from wellled.core import audit
from wellled.core.adapters import crumbs, run_action
from wellled.core.types import AuthenticatedHttpRequest
from wellled.improvement.access import people_in_scope
from wellled.improvement.models import Action
from wellled.improvement.queries import (
    action_href,
    actions_by_source,
    get_action_by_legacy_ref,
)
from wellled.learning import access, actions, forms, queries
from wellled.learning.improvement_source import KIND
from wellled.organisation.access import Cap, can, require
from wellled.organisation.models import OrgUnit, UnitKind
from wellled.organisation.queries import units_within_scope

PAGE_SIZE = 20


def _library_crumb() -> tuple[str, str]:
    return ("Learning library", reverse("learning:library"))


@login_required
@require_GET
def library(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW_LEARNING)
    shares = queries.shares_visible_to(request.user)
    form = forms.LibraryFilterForm(
        request.GET or None,
        themes=ReferenceItem.objects.filter(
            list=ReferenceList.KO41A_SUBJECT, pk__in=shares.values("themes")
        ).order_by("label"),
        services=OrgUnit.objects.filter(pk__in=shares.values("service")).order_by("name"),
        sites=OrgUnit.objects.filter(pk__in=shares.values("site")).order_by("name"),
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            shares = shares.filter(Q(title__icontains=data["q"]) | Q(summary__icontains=data["q"]))
        if data["theme"]:
            shares = shares.filter(themes=data["theme"])
        if data["service"]:
            shares = shares.filter(service=data["service"])
        if data["site"]:
            shares = shares.filter(site=data["site"])
    elif form.is_bound:
        shares = shares.none()
    page = Paginator(shares.distinct(), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "learning/library.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_see_rates": can(request.user, Cap.VIEW_LEARNING_RATES),
        },
    )


@login_required
@require_GET
def share_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    share = queries.get_share_for_user(request.user, pk)
    in_audience = queries.is_in_audience(request.user, share)
    has_read = in_audience and share.receipts.filter(user=request.user).exists()
    rate = None
    if can(request.user, Cap.VIEW_LEARNING_RATES, share.service):
        rate = queries.read_rate(share)
    return render(
        request,
        "learning/share.html",
        {
            "share": share,
            "in_audience": in_audience,
            "has_read": has_read,
            "rate": rate,
            "actions": _actions_with_learning(share.complaint),
            "breadcrumbs": crumbs(_library_crumb()),
        },
    )


@login_required
@require_POST
def confirm_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    share = queries.get_share_for_user(request.user, pk)
    actions.confirm_read(acting_user=request.user, share=share)
    messages.success(request, "Thank you: you have confirmed you read this learning")
    return redirect("learning:share", pk=share.pk)


# A case's learning ------------------------------------------------------------


def _owners(service: OrgUnit) -> QuerySet[User]:
    """People who can own an action: whoever works in or over the service (the
    rule every improvement action follows)."""
    return people_in_scope(service).order_by("first_name", "last_name", "username")


def _actions_with_learning(complaint: Any) -> list[Action]:
    """The case's learning actions on issues whose learning is written (what a
    share's readers see beside it)."""
    with_learning = {
        str(pk)
        for pk in complaint.issues.filter(learning_statement__gt="").values_list("pk", flat=True)
    }
    return [a for a in queries.learning_actions_for(complaint) if a.source_id in with_learning]


def _issues_with_actions(user: Any, issues: QuerySet[ComplaintIssue]) -> list[ComplaintIssue]:
    """Each issue with its improvement actions (`issue.actions`), and whether the
    reader may open each one (`action.href`, "" if not): no link leads to a refusal."""
    found = list(issues)
    by_issue = actions_by_source(KIND, [issue.pk for issue in found])
    for action in (a for raised in by_issue.values() for a in raised):
        action.href = action_href(user, action)  # type: ignore[attr-defined]
    for issue in found:
        issue.actions = by_issue.get(str(issue.pk), [])  # type: ignore[attr-defined]
    return found


def _audience_units(service: OrgUnit) -> QuerySet[OrgUnit]:
    kinds = (UnitKind.CARE_GROUP, UnitKind.SERVICE, UnitKind.TEAM, UnitKind.SITE)
    return OrgUnit.objects.filter(is_active=True, kind__in=kinds).filter(
        Q(path__startswith=service.path) | Q(kind__in=(UnitKind.CARE_GROUP, UnitKind.SITE))
    )


def _issues_needing_learning(complaint: Any) -> QuerySet[ComplaintIssue]:
    return complaint.issues.filter(outcome__in=NEEDS_LEARNING).select_related("subject")


@login_required
@require_http_methods(["GET", "POST"])
def case_learning(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    complaint = get_complaint_for_user(request.user, pk)
    audit.record_view(acting_user=request.user, obj=complaint, reason="learning")
    may_manage = access.may_manage(request.user, complaint.service)
    issues = _issues_needing_learning(complaint)
    form = forms.LearningActionForm(
        request.POST if request.method == "POST" else None,
        issues=issues,
        owners=_owners(complaint.service),
        prefix="action",
    )
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        done = run_action(
            request,
            form,
            lambda data: actions.add_learning_action(acting_user=request.user, **data),
            success="The learning action has been added to the trust's actions register",
            # Raised from the case page's issue card: back to the case, not here.
            then=reverse("complaints:detail", args=[complaint.pk]) + "#issues"
            if request.POST.get("back") == "case"
            else reverse("learning:case", args=[complaint.pk]),
        )
        if done:
            return done
    return render(
        request,
        "learning/case.html",
        {
            "complaint": complaint,
            "issues": _issues_with_actions(request.user, issues),
            "gaps": queries.closure_gaps(complaint),
            "shares": complaint.shares.all(),
            "form": form if may_manage and issues else None,
            "may_manage": may_manage,
            "today": timezone.localdate(),
            "breadcrumbs": crumbs(
                ("Complaints", reverse("complaints:list")),
                (complaint.reference, reverse("complaints:detail", args=[complaint.pk])),
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def share_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    complaint = get_complaint_for_user(request.user, pk)
    require(request.user, Cap.MANAGE_LEARNING, complaint.service)
    form = forms.ShareLearningForm(
        request.POST if request.method == "POST" else None,
        units=_audience_units(complaint.service),
    )
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.share_learning(
                acting_user=request.user,
                complaint=complaint,
                title=data["title"],
                summary=data["summary"],
                audience=list(data["audience"]),
            ),
            success="The learning has been shared",
            then=lambda share: redirect("learning:share", pk=share.pk),
        )
        if done:
            return done
    return render(
        request,
        "learning/share_new.html",
        {
            "complaint": complaint,
            "form": form,
            "statements": [
                issue.learning_statement
                for issue in complaint.issues.all()
                if issue.learning_statement.strip()
            ],
            "breadcrumbs": crumbs(
                ("Complaints", reverse("complaints:list")),
                (complaint.reference, reverse("complaints:detail", args=[complaint.pk])),
                ("Learning", reverse("learning:case", args=[complaint.pk])),
            ),
        },
    )


@login_required
def action_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A learning action's old address: its action on the improvement register."""
    action = get_action_by_legacy_ref(request.user, f"learning.learningaction:{pk}")
    return redirect("improvement:detail", pk=action.pk, permanent=True)


@login_required
@require_GET
def read_rates(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW_LEARNING_RATES)
    shares = queries.read_rates_visible_to(request.user).order_by("-shared_on", "-pk")
    page = Paginator(shares, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "learning/read_rates.html",
        {
            "page": page,
            "rates": queries.read_rates(list(page.object_list)),
            "breadcrumbs": crumbs(_library_crumb()),
        },
    )


# You said, we did -------------------------------------------------------------


def you_said_we_did(request: HttpRequest) -> HttpResponse:
    """Public on purpose: the trust's published changes, naming no one."""
    summaries = queries.published_summaries()
    page = Paginator(summaries, PAGE_SIZE).get_page(request.GET.get("page"))
    may_publish = request.user.is_authenticated and can(request.user, Cap.MANAGE_LEARNING)
    return render(
        request, "learning/you_said_we_did.html", {"page": page, "may_publish": may_publish}
    )


def _services_managed(request: AuthenticatedHttpRequest) -> QuerySet[OrgUnit]:
    return (
        units_within_scope(request.user, Cap.MANAGE_LEARNING)
        .filter(kind=UnitKind.SERVICE, is_active=True)
        .order_by("name")
    )


@login_required
@require_http_methods(["GET", "POST"])
def you_said_we_did_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.MANAGE_LEARNING)
    form = forms.YouSaidWeDidForm(
        request.POST if request.method == "POST" else None,
        services=_services_managed(request),
    )
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.publish_you_said_we_did(acting_user=request.user, **data),
            success="The summary is published",
            then=reverse("learning:you_said_we_did"),
        )
        if done:
            return done
    return render(
        request,
        "learning/you_said_we_did_new.html",
        {
            "form": form,
            "breadcrumbs": crumbs(("You said, we did", reverse("learning:you_said_we_did"))),
        },
    )


@login_required
@require_POST
def you_said_we_did_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    summary = queries.get_summary_to_manage(request.user, pk)
    try:
        actions.withdraw_you_said_we_did(acting_user=request.user, summary=summary)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The summary is withdrawn")
    return redirect("learning:you_said_we_did")
