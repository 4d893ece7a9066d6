"""Pages of strategy deployment: the golden thread, each unit's driver metrics,
the catchball inbox, and monthly reviews with countermeasures (the BAF's pages are
in baf_views.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from wellled.core.adapters import crumbs, posted, run_action
from wellled.core.types import AuthenticatedHttpRequest
from wellled.improvement.queries import action_href
from wellled.organisation.access import Cap, can
from wellled.organisation.queries import get_trust, unit_ancestors
from wellled.strategy import access, actions, forms, queries
from wellled.strategy.models import Agreement, DriverMetric, Review, ReviewItem


def _home() -> tuple[str, str]:
    return ("Strategy", reverse("strategy:index"))


def _unit_crumb(unit: object) -> tuple[str, str]:
    return (str(getattr(unit, "name", "")), reverse("strategy:unit", args=[getattr(unit, "pk", 0)]))


@login_required
@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can(request.user, Cap.VIEW_STRATEGY):
        raise PermissionDenied
    units = queries.units_visible_to(request.user).annotate(
        agreed=Count("driver_metrics", filter=Q(driver_metrics__agreement=Agreement.AGREED)),
        proposed=Count("driver_metrics", filter=Q(driver_metrics__agreement=Agreement.PROPOSED)),
    )
    context = {
        "themes": queries.themes_with_objectives(),
        "units": units.exclude(kind__in=["hub", "site"]),
        "coverage": queries.coverage(units),
        "inbox": len(queries.inbox_for(request.user)),
        "may_agree": can(request.user, Cap.AGREE_DRIVER_METRICS),
        "may_manage": access.may_manage_strategy(request.user),
        "may_view_baf": access.may_view_baf(request.user),
    }
    return render(request, "strategy/index.html", context)


@login_required
@require_GET
def unit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = queries.get_unit_for_user(request.user, pk)
    cards = queries.thread_for_unit(found)
    context = {
        "unit": found,
        "line": unit_ancestors(found, include_self=False),
        "cards": cards,
        "reviews": queries.reviews_for_unit(found)[:12],
        "may_propose": access.may_propose(request.user, found),
        "may_hold_review": access.may_hold_review(request.user, found),
        "breadcrumbs": crumbs(_home()),
    }
    return render(request, "strategy/unit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = queries.get_unit_for_user(request.user, pk)
    if not access.may_propose(request.user, found):
        raise PermissionDenied
    form = forms.ProposeForm(posted(request), unit=found)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.propose_driver_metric(
                acting_user=request.user, unit=found, **data
            ),
            success="Proposed to the level above, who will accept it or return it with a comment",
            then=lambda _: redirect("strategy:unit", pk=found.pk),
        )
        if done:
            return done
    page = {"title": f"Propose a metric for {found.name}", "button": "Propose"}
    context = {
        "form": form,
        "page": page,
        "cancel": reverse("strategy:unit", args=[found.pk]),
        "breadcrumbs": crumbs(_home(), _unit_crumb(found)),
    }
    return render(request, "form_page.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def propose_again(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A returned proposal, amended and sent up again: the same record, its history kept."""
    driver: DriverMetric = queries.get_driver_for_user(request.user, pk)
    if driver.agreement != Agreement.RETURNED or not access.may_propose(request.user, driver.unit):
        raise PermissionDenied
    initial = {
        "objective": driver.objective_id,
        "metric": driver.metric_id,
        "kind": driver.kind,
        "owner": driver.owner_id,
        "target": driver.target,
    }
    form = forms.ProposeForm(posted(request), unit=driver.unit, initial=initial)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.propose_driver_metric(
                acting_user=request.user, unit=driver.unit, driver=driver, **data
            ),
            success="Proposed again to the level above",
            then=lambda _: redirect("strategy:unit", pk=driver.unit_id),
        )
        if done:
            return done
    page = {"title": f"Propose {driver.metric.name} again", "button": "Propose again"}
    context = {
        "form": form,
        "page": page,
        "cancel": reverse("strategy:unit", args=[driver.unit_id]),
        "breadcrumbs": crumbs(_home(), _unit_crumb(driver.unit)),
    }
    return render(request, "form_page.html", context)


@login_required
@require_GET
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can(request.user, Cap.AGREE_DRIVER_METRICS):
        raise PermissionDenied
    context = {"proposals": queries.inbox_for(request.user), "breadcrumbs": crumbs(_home())}
    return render(request, "strategy/inbox.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def reply(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    driver: DriverMetric = queries.get_driver_for_user(request.user, pk)
    if not access.may_reply(request.user, driver):
        raise PermissionDenied
    form = forms.ReplyForm(posted(request))
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.reply_to_proposal(acting_user=request.user, driver=driver, **data),
            success="Your answer is sent to the team",
            then="strategy:inbox",
        )
        if done:
            return done
    page = {"title": "Accept or return this proposal", "button": "Send answer"}
    context = {
        "form": form,
        "page": page,
        "driver": driver,
        "cancel": reverse("strategy:inbox"),
        "breadcrumbs": crumbs(_home(), ("Catchball inbox", reverse("strategy:inbox"))),
    }
    return render(request, "strategy/reply.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def review_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = queries.get_unit_for_user(request.user, pk)
    if not access.may_hold_review(request.user, found):
        raise PermissionDenied
    form = forms.ReviewForm(posted(request))
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.open_review(acting_user=request.user, unit=found, **data),
            success="Review opened with each agreed metric as it stood that month",
            then=lambda review: redirect("strategy:review", pk=review.pk),
        )
        if done:
            return done
    page = {"title": f"Hold a deployment review for {found.name}", "button": "Open review"}
    context = {
        "form": form,
        "page": page,
        "cancel": reverse("strategy:unit", args=[found.pk]),
        "breadcrumbs": crumbs(_home(), _unit_crumb(found)),
    }
    return render(request, "form_page.html", context)


@login_required
@require_GET
def review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found: Review = queries.get_review_for_user(request.user, pk)
    items = queries.review_items(found)
    rows = [(item, action_href(request.user, item.action) if item.action else "") for item in items]
    context = {
        "review": found,
        "rows": rows,
        "missing": sum(1 for i in items if i.needs_countermeasure and i.action_id is None),
        "may_update": access.may_update_review(request.user, found),
        "breadcrumbs": crumbs(_home(), _unit_crumb(found.unit)),
    }
    return render(request, "strategy/review.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def countermeasure(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item: ReviewItem = queries.get_review_item_for_user(request.user, pk)
    if not access.may_update_review(request.user, item.review) or item.action_id:
        raise PermissionDenied
    form = forms.CountermeasureForm(posted(request), unit=item.review.unit)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.record_countermeasure(acting_user=request.user, item=item, **data),
            success="Countermeasure recorded on the action register",
            then=lambda _: redirect("strategy:review", pk=item.review_id),
        )
        if done:
            return done
    page = {
        "title": f"Countermeasure for {item.driver.metric.name}",
        "button": "Record countermeasure",
    }
    back = reverse("strategy:review", args=[item.review_id])
    context = {
        "form": form,
        "page": page,
        "cancel": back,
        "breadcrumbs": crumbs(_home(), _unit_crumb(item.review.unit), ("Review", back)),
    }
    return render(request, "form_page.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def review_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found: Review = queries.get_review_for_user(request.user, pk)
    if not access.may_update_review(request.user, found):
        raise PermissionDenied
    form = forms.CloseReviewForm(posted(request))
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.close_review(acting_user=request.user, review=found, **data),
            success="Review closed",
            then=lambda _: redirect("strategy:review", pk=found.pk),
        )
        if done:
            return done
    page = {"title": f"Close the {found.month:%B %Y} review", "button": "Close review"}
    back = reverse("strategy:review", args=[found.pk])
    context = {
        "form": form,
        "page": page,
        "cancel": back,
        "breadcrumbs": crumbs(_home(), _unit_crumb(found.unit), ("Review", back)),
    }
    return render(request, "form_page.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def objective_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    trust = get_trust()
    if trust is None or not access.may_manage_strategy(request.user):
        raise PermissionDenied
    form = forms.ObjectiveForm(posted(request), trust=trust)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.create_objective(acting_user=request.user, **data),
            success="Breakthrough objective added: units can now propose driver metrics for it",
            then="strategy:index",
        )
        if done:
            return done
    page = {"title": "Add a breakthrough objective", "button": "Add objective"}
    context = {
        "form": form,
        "page": page,
        "cancel": reverse("strategy:index"),
        "breadcrumbs": crumbs(_home()),
    }
    return render(request, "form_page.html", context)
