"""Scoring a quality statement, and the live rating beside the scoring form (htmx)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from wellled.assurance import actions, forms, frameworks
from wellled.assurance.access import may_score
from wellled.assurance.models import AssessmentRound, StatementAssessment
from wellled.assurance.panels import assessment_panels_for
from wellled.assurance.queries import evidence_for_statement, get_assessment_for_user, outcome_for
from wellled.assurance.views.common import home, round_crumb
from wellled.core.adapters import add_action_errors, crumbs
from wellled.core.types import AuthenticatedHttpRequest
from wellled.engines.ratings import Methodology


def _categories(methodology: Methodology) -> list[tuple[str, str]]:
    """The evidence categories the form scores, under a methodology that scores them."""
    if methodology.statement_scoring == "evidence_categories":
        return list(methodology.evidence_categories.items())
    return []


def _score_form(
    request: AuthenticatedHttpRequest,
    assessment: StatementAssessment,
    methodology: Methodology,
    statement_id: str,
) -> forms.ScoreForm:
    initial: dict[str, Any] = {
        "score": str(assessment.score) if assessment.score else None,
        "rationale": assessment.rationale,
        "evidence": list(assessment.evidence.all()),
    }
    for category, value in assessment.category_scores.items():
        initial[f"category_{category}"] = str(value)
    return forms.ScoreForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        scale=frameworks.score_scale(methodology),
        evidence=evidence_for_statement(request.user, statement_id).order_by("title"),
        categories=_categories(methodology),
    )


def _save_score(
    request: AuthenticatedHttpRequest,
    assessment: StatementAssessment,
    form: forms.ScoreForm,
    categories: list[tuple[str, str]],
) -> bool:
    """Score the statement from the form; False (errors on the form) when refused."""
    form.is_valid()
    if "evidence" in form.errors:
        return False
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
                category: request.POST.get(f"category_{category}", "") for category, _ in categories
            },
        )
    except ValidationError as error:
        add_action_errors(form, error)
        return False
    return True


def _saved_message(round_: AssessmentRound, assessment: StatementAssessment) -> str:
    """ "Score saved", with the key question's rating as it now stands."""
    outcome = outcome_for(round_).for_key_question(assessment.key_question_id)
    summary = ""
    if outcome is not None and outcome.result is not None:
        summary = (
            f" {outcome.name} is now {outcome.result.published_percentage}%: "
            f"{outcome.result.rating}."
        )
    return f"Score saved.{summary}"


@login_required
@require_http_methods(["GET", "POST"])
def score(request: AuthenticatedHttpRequest, pk: int, statement_id: str) -> HttpResponse:
    assessment = get_assessment_for_user(request.user, pk, statement_id)
    round_ = assessment.round
    methodology = frameworks.get_framework(round_.methodology_id)
    if methodology.judged:
        # A framework with no scores: its questions are assessed on their own page.
        return redirect("assurance:question", pk=round_.pk, question_id=statement_id)
    allowed = round_.is_open and may_score(request.user, assessment)
    if request.method == "POST" and not allowed:
        raise PermissionDenied
    form = _score_form(request, assessment, methodology, statement_id)
    if request.method == "POST" and _save_score(
        request, assessment, form, _categories(methodology)
    ):
        messages.success(request, _saved_message(round_, assessment))
        return redirect("assurance:round", pk=round_.pk)
    return render(
        request,
        "assurance/score.html",
        {
            "round": round_,
            "assessment": assessment,
            "statement": frameworks.statement(methodology, statement_id),
            "form": form,
            "kq": outcome_for(round_).for_key_question(assessment.key_question_id),
            "may_score": allowed,
            "evidence_linked": list(assessment.evidence.all()),
            "panels": assessment_panels_for(request.user, assessment),
            "meaning": frameworks.score_meaning(methodology, assessment.score),
            "category_scores": [
                (methodology.evidence_categories.get(c, c), v)
                for c, v in assessment.category_scores.items()
            ],
            "breadcrumbs": crumbs(home(), round_crumb(round_)),
        },
    )


def _preview_score(
    round_: AssessmentRound, assessment: StatementAssessment, data: Mapping[str, Any]
) -> tuple[int | None, str]:
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
