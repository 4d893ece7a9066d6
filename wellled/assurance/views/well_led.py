"""The well-led page: the trust's latest round, its evidence and other modules' panels."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from wellled.assurance import frameworks
from wellled.assurance.models import EvidenceKind, StatementAssessment
from wellled.assurance.panels import latest_published_rating, panels_for
from wellled.assurance.queries import evidence_for_statement, latest_trust_round, outcome_for
from wellled.assurance.views.common import home, latest_measure
from wellled.core.adapters import crumbs
from wellled.core.types import AuthenticatedHttpRequest
from wellled.engines.ratings import QualityStatement
from wellled.organisation.access import Cap, require
from wellled.organisation.models import OrgUnit, UnitKind


def _section(
    request: AuthenticatedHttpRequest,
    methodology_id: str,
    statement: QualityStatement,
    assessment: StatementAssessment | None,
    measure: Callable[[str], dict[str, Any] | None],
) -> dict[str, Any]:
    methodology = frameworks.get_framework(methodology_id)
    today = timezone.localdate()
    items = list(evidence_for_statement(request.user, statement.id).order_by("title"))
    measures = [
        measure(item.measure_key)
        for item in items
        if item.kind == EvidenceKind.MEASURE and item.measure_key
    ]
    return {
        "statement": statement,
        "assessment": assessment,
        "meaning": frameworks.score_meaning(methodology, assessment.score if assessment else None),
        "items": [{"item": i, "stale": i.is_stale(today)} for i in items],
        "measures": [m for m in measures if m is not None],
        "panels": panels_for(request.user, methodology_id, statement.id),
    }


@login_required
@require_GET
def well_led(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW_ASSURANCE)
    round_ = latest_trust_round(request.user)
    methodology_id = round_.methodology_id if round_ else "saf_2024_statements"
    methodology = frameworks.get_framework(methodology_id)
    scores: dict[str, StatementAssessment] = {}
    outcome = None
    if round_ is not None:
        scores = {a.statement_id: a for a in round_.statements.select_related("owner")}
        outcome = outcome_for(round_).for_key_question(frameworks.WELL_LED)
    kq = methodology.key_question(frameworks.WELL_LED)
    trust = round_.scope if round_ else OrgUnit.objects.filter(kind=UnitKind.TRUST).first()
    # CQC's latest rating leads the page: a self-assessment is only ever an estimate.
    published = latest_published_rating(request.user, trust, frameworks.WELL_LED) if trust else None
    # A measure cited under several statements is computed once for the page.
    measure = functools.cache(latest_measure)
    return render(
        request,
        "assurance/well_led.html",
        {
            "round": round_,
            "outcome": outcome,
            "published": published,
            "sections": [
                _section(request, methodology_id, statement, scores.get(statement.id), measure)
                for statement in kq.statements
            ],
            "methodology": methodology,
            "may_export": True,
            "breadcrumbs": crumbs(home()),
        },
    )
