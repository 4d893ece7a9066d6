"""Pages of the Board Assurance Framework: the register with its heat map and filters,
each principal risk with its score history, the pages to add, edit and re-score a
risk, the board's risk appetite, the descriptor tables, and the BAF paper."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from wellled.core.adapters import crumbs, posted, run_action
from wellled.core.types import AuthenticatedHttpRequest
from wellled.improvement.queries import action_href, actions_for_sources
from wellled.organisation.queries import get_trust
from wellled.strategy import access, actions, forms, matrix, paper, queries, register
from wellled.strategy.improvement_source import RISK_KIND
from wellled.strategy.models import PrincipalRisk, RiskAppetite, RiskCategory

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _baf_crumbs(*more: tuple[str, str]) -> list[dict[str, str]]:
    return crumbs(("Strategy", reverse("strategy:index")), ("BAF", reverse("strategy:baf")), *more)


def _may_view(request: AuthenticatedHttpRequest) -> None:
    if not access.may_view_baf(request.user):
        raise PermissionDenied


@login_required
@require_GET
def baf(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The register: the heat map of current scores, filters, and each risk's row."""
    _may_view(request)
    filters = register.Filters.from_query(request.GET.dict())
    rows = register.risk_rows(request.user, filters)
    context = {
        "rows": rows,
        "grid": register.heat_map(rows),
        "consequences": matrix.CONSEQUENCE,
        "filters": filters,
        "categories": RiskCategory.choices,
        "bands": [b.name for b in matrix.DEFAULT_BANDS],
        "may_manage": access.may_manage_baf(request.user),
        "may_set_appetite": access.may_set_appetite(request.user),
        "breadcrumbs": crumbs(("Strategy", reverse("strategy:index"))),
    }
    return render(request, "strategy/baf.html", context)


@login_required
@require_GET
def risk(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = queries.get_risk_for_user(request.user, pk)
    appetite = register.current_appetites().get(found.category)
    # One read of the history serves the trend (RiskRow) and the table.
    history = list(found.scores.select_related("by"))
    row = register.RiskRow(risk=found, appetite=appetite, history=history)
    raised = actions_for_sources(RISK_KIND, [found.pk]).order_by("due_on", "pk")
    context = {
        "row": row,
        "actions": [(a, action_href(request.user, a)) for a in raised],
        "risk": found,
        "history": history,
        "may_edit": access.may_edit_risk(request.user, found),
        "breadcrumbs": _baf_crumbs(),
    }
    return render(request, "strategy/risk.html", context)


def _form_page(request: AuthenticatedHttpRequest, context: dict[str, object]) -> HttpResponse:
    context.setdefault("tables", register.descriptor_tables())
    return render(request, "strategy/risk_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def risk_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    trust = get_trust()
    if trust is None or not access.may_manage_baf(request.user):
        raise PermissionDenied
    form = forms.NewRiskForm(posted(request), trust=trust)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.create_principal_risk(acting_user=request.user, **data),
            success="Principal risk added to the BAF",
            then=lambda made: redirect("strategy:risk", pk=made.pk),
        )
        if done:
            return done
    page = {"title": "Add a principal risk", "button": "Add to the BAF"}
    return _form_page(
        request,
        {
            "form": form,
            "page": page,
            "cancel": reverse("strategy:baf"),
            "breadcrumbs": _baf_crumbs(),
        },
    )


def _editable(request: AuthenticatedHttpRequest, pk: int) -> PrincipalRisk:
    found = queries.get_risk_for_user(request.user, pk)
    if not access.may_edit_risk(request.user, found):
        raise PermissionDenied
    return found


@login_required
@require_http_methods(["GET", "POST"])
def risk_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = _editable(request, pk)
    trust = get_trust()
    if trust is None:
        raise PermissionDenied
    fields = ("title", "cause", "event", "effect", "committee", "category", "assurance_rating")
    initial = {name: getattr(found, name) for name in fields}
    initial |= {"objective": found.objective_id, "owner": found.owner_id}
    form = forms.RiskForm(posted(request), trust=trust, initial=initial)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.edit_principal_risk(acting_user=request.user, risk=found, **data),
            success="Principal risk updated",
            then=lambda _: redirect("strategy:risk", pk=found.pk),
        )
        if done:
            return done
    back = reverse("strategy:risk", args=[found.pk])
    page = {"title": f"Edit {found.reference}", "caption": found.title, "button": "Save"}
    crumb = (found.reference, back)
    return _form_page(
        request,
        {
            "form": form,
            "page": page,
            "cancel": back,
            "breadcrumbs": _baf_crumbs(crumb),
            "tables": [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def risk_rescore(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = _editable(request, pk)
    axes = ("current_likelihood", "current_consequence", "target_likelihood", "target_consequence")
    initial: dict[str, object] = {name: getattr(found, name) for name in axes}
    initial["target_reason"] = found.target_reason
    form = forms.RescoreForm(posted(request), initial=initial)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.rescore_risk(acting_user=request.user, risk=found, **data),
            success="Score recorded in the risk's history",
            then=lambda _: redirect("strategy:risk", pk=found.pk),
        )
        if done:
            return done
    back = reverse("strategy:risk", args=[found.pk])
    page = {
        "title": f"Review the score of {found.reference}",
        "caption": found.title,
        "button": "Record score",
    }
    context = {
        "form": form,
        "page": page,
        "cancel": back,
        "risk": found,
        "breadcrumbs": _baf_crumbs((found.reference, back)),
    }
    return _form_page(request, context)


@login_required
@require_http_methods(["GET", "POST"])
def appetite(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The board's appetite by category; the governance lead records a new statement."""
    _may_view(request)
    may_set = access.may_set_appetite(request.user)
    if request.method == "POST" and not may_set:
        raise PermissionDenied
    form = forms.AppetiteForm(posted(request))
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.set_risk_appetite(acting_user=request.user, **data),
            success="Risk appetite recorded",
            then="strategy:appetite",
        )
        if done:
            return done
    current = register.current_appetites()
    context = {
        "form": form if may_set else None,
        "appetite_rows": [(label, current.get(value)) for value, label in RiskCategory.choices],
        "history": RiskAppetite.objects.select_related("set_by")[:50],
        "tables": register.descriptor_tables(),
        "breadcrumbs": _baf_crumbs(),
    }
    return render(request, "strategy/appetite.html", context)


@login_required
@require_GET
def baf_paper(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponse:
    """The BAF as a paper for the board, as of today, in Word or PDF."""
    _may_view(request)
    if fmt not in ("docx", "pdf"):
        raise Http404("The paper is in Word (docx) or PDF")
    trust = get_trust()
    today = timezone.localdate()
    rows = register.risk_rows(request.user)
    name = trust.name if trust else ""
    if fmt == "pdf":
        response = HttpResponse(paper.baf_pdf(rows, trust_name=name, on=today), "application/pdf")
    else:
        response = HttpResponse(paper.baf_docx(rows, trust_name=name, on=today), DOCX)
    response["Content-Disposition"] = f'attachment; filename="baf-{today:%Y-%m-%d}.{fmt}"'
    return response
