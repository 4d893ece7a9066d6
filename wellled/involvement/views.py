"""The involvement team's pages: the register, opportunities and activities, and
payments. Every page needs MANAGE_INVOLVEMENT (access.py)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wellled.core.adapters import crumbs, posted, run_action
from wellled.core.spreadsheets import xlsx_response
from wellled.core.types import AuthenticatedHttpRequest
from wellled.improvement.queries import action_href, actions_for_sources
from wellled.involvement import access, actions, exports, forms, queries, rules
from wellled.involvement.improvement_source import KIND
from wellled.involvement.models import ClaimStatus, Source

PAGE_SIZE = 50


def _require_lead(request: AuthenticatedHttpRequest) -> None:
    if not access.may_manage(request.user):
        raise PermissionDenied


def _home_crumb() -> tuple[str, str]:
    return ("Involvement", reverse("involvement:home"))


@login_required
@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_lead(request)
    context = {
        "people": queries.people_visible_to(request.user).count(),
        "repeats": queries.people_visible_to(request.user)
        .filter(repeat_registration_on__isnull=False)
        .count(),
        "open_opportunities": queries.opportunities_visible_to(request.user)
        .filter(is_open=True)
        .count(),
        "waiting": queries.claims_visible_to(request.user)
        .filter(status=ClaimStatus.SUBMITTED)
        .count(),
        "turnaround": queries.turnaround(request.user),
        "feedback": queries.feedback_measures(request.user),
    }
    return render(request, "involvement/home.html", context)


@login_required
@require_GET
def people(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_lead(request)
    page = Paginator(queries.people_visible_to(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "involvement/people.html", {"page": page, "breadcrumbs": crumbs(_home_crumb())}
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_lead(request)
    form = forms.PersonForm(posted(request))
    if request.method == "POST":

        def add(data: Any) -> Any:
            data = dict(data)
            equality = actions.Equality(**{name: data.pop(name) for name in form.EQUALITY})
            return actions.register_person(
                acting_user=request.user,
                source=Source.STAFF,
                equality=equality,
                services=list(data.pop("services")),
                **data,
            )

        done = run_action(
            request,
            form,
            add,
            success="Added to the involvement register",
            then=lambda person: redirect("involvement:person", pk=person.pk),
        )
        if done:
            return done
    return render(
        request,
        "involvement/person_new.html",
        {
            "form": form,
            "breadcrumbs": crumbs(_home_crumb(), ("People", reverse("involvement:people"))),
        },
    )


@login_required
@require_GET
def person_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = queries.get_person_for_user(request.user, pk)
    participations = person.participations.select_related("activity__opportunity").order_by(
        "-activity__held_on"
    )
    return render(
        request,
        "involvement/person.html",
        {
            "person": person,
            "participations": participations,
            "breadcrumbs": crumbs(_home_crumb(), ("People", reverse("involvement:people"))),
        },
    )


@login_required
@require_GET
def opportunities(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_lead(request)
    page = Paginator(queries.opportunities_visible_to(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "involvement/opportunities.html",
        {"page": page, "breadcrumbs": crumbs(_home_crumb())},
    )


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_lead(request)
    levels = queries.levels_in_force(timezone.localdate())
    form = forms.OpportunityForm(posted(request), levels=levels)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.create_opportunity(acting_user=request.user, **data),
            success="The opportunity has been added",
            then=lambda opportunity: redirect("involvement:opportunity", pk=opportunity.pk),
        )
        if done:
            return done
    return render(
        request,
        "involvement/opportunity_new.html",
        {
            "form": form,
            "has_policy": bool(levels),
            "breadcrumbs": crumbs(
                _home_crumb(), ("Opportunities", reverse("involvement:opportunities"))
            ),
        },
    )


@login_required
@require_GET
def opportunity_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    opportunity = queries.get_opportunity_for_user(request.user, pk)
    activities = opportunity.activities.all()
    return render(
        request,
        "involvement/opportunity.html",
        {
            "opportunity": opportunity,
            "activities": activities,
            "max_rung": rules.max_rung(opportunity.kind),
            "breadcrumbs": crumbs(
                _home_crumb(), ("Opportunities", reverse("involvement:opportunities"))
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    opportunity = queries.get_opportunity_for_user(request.user, pk)
    people = queries.people_visible_to(request.user).filter(status="active")
    form = forms.ActivityForm(posted(request), people=people)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.record_activity(
                acting_user=request.user, opportunity=opportunity, **data
            ),
            success="The activity has been recorded",
            then=lambda activity: redirect("involvement:activity", pk=activity.pk),
        )
        if done:
            return done
    return render(
        request,
        "involvement/activity_new.html",
        {
            "form": form,
            "opportunity": opportunity,
            "breadcrumbs": crumbs(
                _home_crumb(),
                ("Opportunities", reverse("involvement:opportunities")),
                (opportunity.title, reverse("involvement:opportunity", args=[opportunity.pk])),
            ),
        },
    )


@login_required
@require_GET
def activity_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = queries.get_activity_for_user(request.user, pk)
    participants = activity.participants.select_related("person", "claim")
    opportunity = activity.opportunity
    raised = [
        (action, action_href(request.user, action))
        for action in actions_for_sources(KIND, [activity.pk])
    ]
    return render(
        request,
        "involvement/activity.html",
        {
            "activity": activity,
            "participants": participants,
            "feedback": getattr(activity, "feedback", None),
            "raised": raised,
            "raise_href": reverse("improvement:new")
            + f"?source_kind={KIND}&source_id={activity.pk}",
            "breadcrumbs": _opportunity_crumbs(opportunity),
        },
    )


def _opportunity_crumbs(opportunity: Any) -> list[dict[str, str]]:
    return crumbs(
        _home_crumb(),
        ("Opportunities", reverse("involvement:opportunities")),
        (opportunity.title, reverse("involvement:opportunity", args=[opportunity.pk])),
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_feedback(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = queries.get_activity_for_user(request.user, pk)
    existing = getattr(activity, "feedback", None)
    initial = (
        {
            "you_said": existing.you_said,
            "we_did": existing.we_did,
            "participants_told_on": existing.participants_told_on,
        }
        if existing
        else None
    )
    form = forms.FeedbackForm(posted(request), initial=initial)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.record_feedback(
                acting_user=request.user, activity=activity, **data
            ),
            success='"You said, we did" is recorded',
            then=reverse("involvement:activity", args=[activity.pk]),
        )
        if done:
            return done
    return render(
        request,
        "involvement/feedback.html",
        {
            "form": form,
            "activity": activity,
            "breadcrumbs": _opportunity_crumbs(activity.opportunity),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def claim_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participation = queries.get_participation_for_user(request.user, pk)
    form = forms.ClaimForm(posted(request))
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.submit_claim(
                acting_user=request.user, participation=participation, **form.to_action()
            ),
            success="The claim has been recorded and is waiting for approval",
            then=reverse("involvement:claims"),
            aliases={"expenses_pence": "expenses", "payment_pence": "payment"},
        )
        if done:
            return done
    activity = participation.activity
    return render(
        request,
        "involvement/claim_new.html",
        {
            "form": form,
            "participation": participation,
            "breadcrumbs": crumbs(
                _home_crumb(), (str(activity), reverse("involvement:activity", args=[activity.pk]))
            ),
        },
    )


@login_required
@require_GET
def claims(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_lead(request)
    rows = queries.claims_visible_to(request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "involvement/claims.html",
        {
            "page": page,
            "turnaround": queries.turnaround(request.user),
            "breadcrumbs": crumbs(_home_crumb()),
        },
    )


def _claim_step(
    request: AuthenticatedHttpRequest, pk: int, form: Any, step: Any, done: str
) -> HttpResponse:
    claim = queries.get_claim_for_user(request.user, pk)
    result = request.method == "POST" and run_action(
        request,
        form,
        lambda data: step(acting_user=request.user, claim=claim, **data),
        success=done,
        then=reverse("involvement:claims"),
    )
    if result:
        return result
    return render(
        request,
        "involvement/claim_step.html",
        {
            "form": form,
            "claim": claim,
            "breadcrumbs": crumbs(_home_crumb(), ("Payments", reverse("involvement:claims"))),
        },
        status=200,
    )


@login_required
@require_POST
def claim_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _claim_step(
        request, pk, forms.ApproveForm(request.POST), actions.approve_claim, "The claim is approved"
    )


@login_required
@require_http_methods(["GET", "POST"])
def claim_paid(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _claim_step(
        request, pk, forms.PaidForm(posted(request)), actions.mark_paid, "The payment is recorded"
    )


@login_required
@require_GET
def finance_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Approved claims waiting for payment, as a workbook for finance."""
    _require_lead(request)
    rows = exports.finance_rows(queries.finance_rows(request.user))
    return xlsx_response("involvement-claims-to-pay", "Claims to pay", exports.HEADINGS, rows)


@login_required
@require_GET
def embeddedness(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The board's view: which care groups are embedding co-production."""
    since = timezone.localdate() - datetime.timedelta(days=365)
    groups = queries.embeddedness(request.user, since)
    return render(
        request,
        "involvement/embeddedness.html",
        {"groups": groups, "since": since, "is_lead": access.may_manage(request.user)},
    )
