"""The assurance home, the frameworks, and self-assessment rounds: opening one, its live
ratings, its owners, its limiters, closing it and the trend across rounds."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from wellled.assurance import actions, forms, frameworks
from wellled.assurance.access import may_score
from wellled.assurance.models import AssessmentRound
from wellled.assurance.queries import (
    current_evidence_visible_to,
    get_round_for_user,
    limiter_suggestions,
    outcome_for,
    rounds_visible_to,
    scopes_with_rounds,
    stale_condition,
    suggested_limiters,
    trend_for,
)
from wellled.assurance.results import RoundOutcome, limiter_name
from wellled.assurance.views.common import (
    home,
    people,
    require_assurance,
    round_crumb,
    units_where,
)
from wellled.assurance.views.judged import round_page as judged_round_page
from wellled.core.adapters import add_action_errors, crumbs, run_action
from wellled.core.types import AuthenticatedHttpRequest
from wellled.engines.ratings import Methodology
from wellled.organisation.access import Cap, can, require
from wellled.organisation.models import OrgUnit, UnitKind


@login_required
@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_assurance(request)
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
    require_assurance(request)
    rows = [frameworks.get_framework(m) for m in frameworks.framework_ids()]
    return render(
        request,
        "assurance/frameworks.html",
        {"methodologies": rows, "breadcrumbs": crumbs(home())},
    )


@login_required
@require_GET
def framework_detail(request: AuthenticatedHttpRequest, methodology_id: str) -> HttpResponse:
    require_assurance(request)
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
            "judged": frameworks.judged_key_questions(methodology) if methodology.judged else [],
            "mapping_note": frameworks.mapping_note(methodology),
            "breadcrumbs": crumbs(home(), ("Frameworks", reverse("assurance:frameworks"))),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.MANAGE_ASSURANCE)
    scopes = units_where(request.user, Cap.MANAGE_ASSURANCE).filter(kind__in=actions.ROUND_SCOPES)
    form = forms.OpenRoundForm(request.POST if request.method == "POST" else None, scopes=scopes)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.open_round(
                acting_user=request.user,
                scope=data["scope"],
                methodology_id=data["methodology"],
                title=data["title"],
                previous_ratings=form.previous_ratings(),
                rounding=data["rounding"],
            ),
            success=lambda round_: f"Round “{round_.title}” is open",
            then=lambda round_: redirect("assurance:round", pk=round_.pk),
        )
        if done:
            return done
    return render(
        request, "assurance/round_new.html", {"form": form, "breadcrumbs": crumbs(home())}
    )


def _statement_rows(
    request: AuthenticatedHttpRequest,
    round_: AssessmentRound,
    methodology: Methodology,
    outcome: RoundOutcome,
) -> list[dict[str, Any]]:
    rows = []
    for assessment in round_.statements.select_related("owner").prefetch_related("evidence"):
        kq = outcome.for_key_question(assessment.key_question_id)
        used = None
        carried = False
        if kq is not None and kq.result is not None:
            used = kq.result.statement_scores.get(assessment.statement_id)
            carried = assessment.statement_id in kq.result.carried_forward
        rows.append(
            {
                "assessment": assessment,
                "statement": frameworks.statement(methodology, assessment.statement_id),
                "used": used,
                "carried": carried,
                "meaning": frameworks.score_meaning(methodology, assessment.score),
                "may_score": round_.is_open and may_score(request.user, assessment),
            }
        )
    return rows


def _limiter_rows(round_: AssessmentRound, methodology: Methodology) -> list[dict[str, Any]]:
    return [
        {
            "name": frameworks.key_question_name(methodology, kq),
            "limiters": [limiter_name(n) for n in names],
        }
        for kq, names in round_.limiters.items()
        if names
    ]


@login_required
@require_GET
def round_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_for_user(request.user, pk)
    methodology = frameworks.get_framework(round_.methodology_id)
    if methodology.judged:
        return judged_round_page(request, round_, methodology)
    outcome = outcome_for(round_)
    rows = _statement_rows(request, round_, methodology, outcome)
    by_kq = [
        {
            "outcome": kq_outcome,
            "rows": [r for r in rows if r["assessment"].key_question_id == kq_outcome.key_question],
        }
        for kq_outcome in outcome.key_questions
    ]
    manage = can(request.user, Cap.MANAGE_ASSURANCE, round_.scope)
    limiter_rows = _limiter_rows(round_, methodology)
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
            "breadcrumbs": crumbs(home()),
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
            (a.statement_id, frameworks.statement_label(methodology, a.statement_id), a.owner)
            for a in assessments
        ],
        people=people(),
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
            add_action_errors(form, error)
        else:
            messages.success(request, "Owners saved")
            return redirect("assurance:round", pk=round_.pk)
    return render(
        request,
        "assurance/owners.html",
        {"round": round_, "form": form, "breadcrumbs": crumbs(home(), round_crumb(round_))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_for_user(request.user, pk)
    require(request.user, Cap.MANAGE_ASSURANCE, round_.scope)
    form = forms.CloseRoundForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.close_round(
                acting_user=request.user, round_=round_, reason=data["reason"]
            ),
            success=f"Round “{round_.title}” is closed",
            then=lambda _: redirect("assurance:round", pk=round_.pk),
        )
        if done:
            return done
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
            "breadcrumbs": crumbs(home(), round_crumb(round_)),
        },
    )


def _chosen_scope(scopes: list[OrgUnit], wanted: str) -> OrgUnit | None:
    """The scope asked for, else the trust, else the first with rounds."""
    if wanted.isdigit():
        chosen = next((s for s in scopes if s.pk == int(wanted)), None)
        if chosen is not None:
            return chosen
    trust = next((s for s in scopes if s.kind == UnitKind.TRUST), None)
    return trust or (scopes[0] if scopes else None)


@login_required
@require_GET
def trend(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW_ASSURANCE)
    scopes = list(scopes_with_rounds(request.user))
    chosen = _chosen_scope(scopes, request.GET.get("scope", ""))
    rows = trend_for(request.user, chosen) if chosen is not None else []
    key_questions: list[str] = []
    for row in rows:
        for kq in row.outcome.key_questions:
            if kq.key_question not in key_questions:
                key_questions.append(kq.key_question)
    table = [
        {
            "round": row.round,
            "cells": [row.outcome.for_key_question(kq_id) for kq_id in key_questions],
        }
        for row in rows
    ]
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
            "breadcrumbs": crumbs(home()),
        },
    )


def _limiters_initial(
    round_: AssessmentRound, suggestions: list[dict[str, Any]]
) -> tuple[dict[str, Any], bool]:
    """(the form's initial values, whether they are the suggestion).

    Nothing recorded yet: the suggestion is ticked, and nothing changes until saved.
    """
    suggested, suggested_reason = suggested_limiters(suggestions)
    use_suggestion = not round_.limiters and bool(suggested)
    current = suggested if use_suggestion else round_.limiters
    initial: dict[str, Any] = {f"limiters_{kq}": names for kq, names in current.items()}
    initial["reason"] = suggested_reason if use_suggestion else round_.limiters_reason
    return initial, use_suggestion


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
    initial, use_suggestion = _limiters_initial(round_, suggestions)
    form = forms.LimitersForm(
        request.POST if request.method == "POST" else None,
        key_questions=[
            (kq, frameworks.key_question_name(methodology, kq)) for kq in round_.key_questions
        ],
        limiter_names=list(methodology.limiters),
        initial=initial,
    )
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.set_limiters(
                acting_user=request.user,
                round_=round_,
                limiters=form.limiters(),
                reason=data["reason"],
            ),
            success="Limiters saved: the round's ratings take them into account",
            then=lambda _: redirect("assurance:round", pk=round_.pk),
        )
        if done:
            return done
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
            "breadcrumbs": crumbs(home(), round_crumb(round_)),
        },
    )
