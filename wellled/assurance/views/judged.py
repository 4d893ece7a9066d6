"""Self-assessment pages for a framework judged against rating characteristics (CQC's
2026 sector drafts): the round, an assessment question, a key-question judgement.
No percentage appears on these pages: the judgement is one of four words."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from wellled.assurance import actions, forms, frameworks
from wellled.assurance.access import may_score
from wellled.assurance.models import AssessmentRound
from wellled.assurance.queries import (
    carried_evidence,
    get_assessment_for_user,
    get_round_for_user,
    judgements_of,
)
from wellled.assurance.views.common import home, round_crumb
from wellled.core.adapters import crumbs, run_action
from wellled.core.types import AuthenticatedHttpRequest
from wellled.engines.ratings import Methodology
from wellled.organisation.access import Cap, can


def round_page(
    request: AuthenticatedHttpRequest, round_: AssessmentRound, methodology: Methodology
) -> HttpResponse:
    """The round page of a judged framework (round_detail hands over to it)."""
    judgements = judgements_of(round_)
    assessments = list(
        round_.statements.select_related("owner").prefetch_related("evidence").order_by("order")
    )
    blocks = [
        {
            "id": kq,
            "name": frameworks.key_question_name(methodology, kq),
            "judgement": judgements.get(kq),
            "rows": [
                {
                    "assessment": a,
                    "question": frameworks.assessment_question(methodology, a.statement_id),
                    "may_assess": round_.is_open and may_score(request.user, a),
                }
                for a in assessments
                if a.key_question_id == kq
            ],
        }
        for kq in round_.key_questions
    ]
    manage = can(request.user, Cap.MANAGE_ASSURANCE, round_.scope) and round_.is_open
    return render(
        request,
        "assurance/judged_round.html",
        {
            "round": round_,
            "methodology": methodology,
            "blocks": blocks,
            "can_manage": manage,
            "mapping_note": frameworks.mapping_note(methodology),
            "breadcrumbs": crumbs(home()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assess_question(request: AuthenticatedHttpRequest, pk: int, question_id: str) -> HttpResponse:
    assessment = get_assessment_for_user(request.user, pk, question_id)
    round_ = assessment.round
    methodology = frameworks.get_framework(round_.methodology_id)
    if not methodology.judged:
        raise Http404("This round scores quality statements")
    allowed = round_.is_open and may_score(request.user, assessment)
    if request.method == "POST" and not allowed:
        raise PermissionDenied
    initial: dict[str, Any] = {
        "fit": assessment.fit or None,
        "rationale": assessment.rationale,
        "evidence": list(assessment.evidence.all()),
    }
    form = forms.QuestionFitForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        evidence=carried_evidence(request.user, methodology.id, question_id).order_by("title"),
    )
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.assess_question(
                acting_user=request.user,
                assessment=assessment,
                fit=data["fit"],
                rationale=data["rationale"],
                evidence=data.get("evidence") or [],
            ),
            success="Assessment saved",
            then=lambda _: redirect("assurance:round", pk=round_.pk),
        )
        if done:
            return done
    return render(
        request,
        "assurance/question.html",
        {
            "round": round_,
            "assessment": assessment,
            "question": frameworks.assessment_question(methodology, question_id),
            "form": form,
            "may_assess": allowed,
            "evidence_linked": list(assessment.evidence.all()),
            "mapping_note": frameworks.mapping_note(methodology),
            "breadcrumbs": crumbs(home(), round_crumb(round_)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def judge_key_question(
    request: AuthenticatedHttpRequest, pk: int, key_question: str
) -> HttpResponse:
    round_ = get_round_for_user(request.user, pk)
    methodology = frameworks.get_framework(round_.methodology_id)
    if not methodology.judged or key_question not in round_.key_questions:
        raise Http404("No such key question to judge in this round")
    if not (round_.is_open and can(request.user, Cap.MANAGE_ASSURANCE, round_.scope)):
        raise PermissionDenied
    current = judgements_of(round_).get(key_question)
    form = forms.JudgementForm(
        request.POST if request.method == "POST" else None,
        initial={"rating": current.rating, "rationale": current.rationale} if current else None,
    )
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.judge_key_question(
                acting_user=request.user,
                round_=round_,
                key_question=key_question,
                rating=data["rating"],
                rationale=data["rationale"],
            ),
            success=lambda j: f"Judgement saved: {j.rating} (estimated, not CQC's)",
            then=lambda _: redirect("assurance:round", pk=round_.pk),
        )
        if done:
            return done
    return render(
        request,
        "assurance/judgement.html",
        {
            "round": round_,
            "name": frameworks.key_question_name(methodology, key_question),
            "view_kq": key_question,
            "form": form,
            "fits": [
                (a.statement_id, a.fit)
                for a in round_.statements.filter(key_question_id=key_question).order_by("order")
            ],
            "breadcrumbs": crumbs(home(), round_crumb(round_)),
        },
    )
