"""A guardian's case page: the case's content, and one form per thing they can do
to it. Each operation (`op` in the post) is one entry in `CASE_OPS`: the form it
reads and the action it runs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from wellled.core import audit
from wellled.core.adapters import run_action
from wellled.core.types import AuthenticatedHttpRequest
from wellled.speakup import actions, forms, queries
from wellled.speakup.models import Case, Route
from wellled.speakup.view_support import download, guardian_crumbs, guardian_view, private_key

Data = Mapping[str, Any]
Guardians = QuerySet[User]


@dataclass(frozen=True)
class CaseOp:
    """One thing a guardian can do on the case page: its form, and its action."""

    form: Callable[[AuthenticatedHttpRequest, Guardians], Form]
    act: Callable[[AuthenticatedHttpRequest, Case, Data], object]


def _triage(request: AuthenticatedHttpRequest, case: Case, data: Data) -> object:
    themes = list(data["themes"])
    if data["new_theme"].strip():
        themes.append(actions.add_theme(acting_user=request.user, name=data["new_theme"]))
    details = actions.CaseDetails(
        summary=data["summary"],
        element_patient_safety=data["element_patient_safety"],
        element_worker_safety=data["element_worker_safety"],
        element_bullying_harassment=data["element_bullying_harassment"],
        element_other_behaviour=data["element_other_behaviour"],
        worker_group=data["worker_group"],
        unit=data["unit"],
        themes=themes,
    )
    return actions.triage(
        acting_user=request.user, case=case, private_key=private_key(request), details=details
    )


def _status(request: AuthenticatedHttpRequest, case: Case, data: Data) -> object:
    return actions.set_status(acting_user=request.user, case=case, status=data["status"])


def _reply(request: AuthenticatedHttpRequest, case: Case, data: Data) -> object:
    return actions.post_guardian_message(
        acting_user=request.user,
        case=case,
        private_key=private_key(request),
        body=data["body"],
        files=forms.files_of(data["files"]),
        internal=data["internal"],
    )


def _add_action(request: AuthenticatedHttpRequest, case: Case, data: Data) -> object:
    return actions.add_action(
        acting_user=request.user,
        case=case,
        private_key=private_key(request),
        description=data["description"],
        owner=data["owner"],
        due=data["due"],
    )


def _action_done(request: AuthenticatedHttpRequest, case: Case, data: Data) -> object:
    action = queries.get_case_action_for_user(
        request.user, case, str(request.POST.get("action_id", ""))
    )
    if action is None:
        raise ValidationError("That action is not on this case")
    return actions.complete_action(acting_user=request.user, action=action)


def _escalate(request: AuthenticatedHttpRequest, case: Case, data: Data) -> object:
    return actions.escalate(
        acting_user=request.user,
        case=case,
        private_key=private_key(request),
        route=data["route"],
        note=data["note"],
        escalated_on=data["escalated_on"],
    )


def _detriment(request: AuthenticatedHttpRequest, case: Case, data: Data) -> object:
    return actions.record_detriment(
        acting_user=request.user,
        case=case,
        private_key=private_key(request),
        reported=data["reported"],
        follow_up_due=data["follow_up_due"],
        note=data["note"],
    )


def _assign(request: AuthenticatedHttpRequest, case: Case, data: Data) -> object:
    return actions.assign_guardian(
        acting_user=request.user,
        case=case,
        private_key=private_key(request),
        guardian=data["guardian"],
        remove_self=data["remove_self"],
    )


def _close(request: AuthenticatedHttpRequest, case: Case, data: Data) -> object:
    return actions.close_case(
        acting_user=request.user,
        case=case,
        private_key=private_key(request),
        outcome=data["outcome"],
    )


def _feedback(request: AuthenticatedHttpRequest, case: Case, data: Data) -> object:
    return actions.record_feedback(
        acting_user=request.user,
        case=case,
        private_key=private_key(request),
        answer=data["answer"],
        reason=data["reason"],
    )


def _shred(request: AuthenticatedHttpRequest, case: Case, data: Data) -> object:
    if not data["confirm"]:
        raise ValidationError({"confirm": "Confirm that the case should be destroyed for ever"})
    return actions.shred_case(acting_user=request.user, case=case)


def _posted(form_class: type[Form], *, files: bool = False) -> Callable[..., Form]:
    def make(request: AuthenticatedHttpRequest, guardians: Guardians) -> Form:
        return form_class(request.POST, request.FILES) if files else form_class(request.POST)

    return make


CASE_OPS: dict[str, CaseOp] = {
    "triage": CaseOp(_posted(forms.TriageForm), _triage),
    "status": CaseOp(_posted(forms.StatusForm), _status),
    "reply": CaseOp(_posted(forms.ReplyForm, files=True), _reply),
    # Marking an action done posts only its id: the action form's fields are optional.
    "action": CaseOp(_posted(forms.ActionForm), _add_action),
    "action_done": CaseOp(lambda request, guardians: forms.ActionForm(data={}), _action_done),
    "escalate": CaseOp(_posted(forms.EscalationForm), _escalate),
    "detriment": CaseOp(_posted(forms.DetrimentForm), _detriment),
    "assign": CaseOp(
        lambda request, guardians: forms.AssignForm(request.POST, guardians=guardians), _assign
    ),
    "close": CaseOp(_posted(forms.CloseForm), _close),
    "feedback": CaseOp(_posted(forms.GuardianFeedbackForm), _feedback),
    "shred": CaseOp(_posted(forms.ShredForm), _shred),
}


def _after_op(request: AuthenticatedHttpRequest, case: Case, op: str) -> HttpResponse:
    """Back to the part of the page the guardian used, or to the caseload when the
    case is gone from it (destroyed, or handed over)."""
    if op == "shred" or (
        op == "assign" and not queries.cases_visible_to(request.user).filter(pk=case.pk).exists()
    ):
        return redirect("speakup:caseload")
    return redirect(reverse("speakup:case", args=[case.reference]) + f"#{op}")


@guardian_view()
@require_http_methods(["GET", "POST"])
def case_detail(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = queries.get_case_for_user(request.user, reference)
    ctx = actions.open_case(acting_user=request.user, case=case, private_key=private_key(request))
    guardians = queries.other_guardians(request.user)
    forms_by_op: dict[str, Form] = {}
    if request.method == "POST":
        op = request.POST.get("op", "")
        if op not in CASE_OPS:
            raise PermissionDenied
        form = CASE_OPS[op].form(request, guardians)
        done = run_action(
            request,
            form,
            lambda data: CASE_OPS[op].act(request, case, data),
            then=lambda _: _after_op(request, case, op),
        )
        if done:
            return done
        forms_by_op[op] = form
    # Every display of the case's content is audited, including a form re-shown.
    audit.record_view(acting_user=request.user, obj=case)
    case.refresh_from_db()
    context = _case_page(case, ctx.case_key, guardians, forms_by_op)
    return render(request, "speakup/case.html", context, status=400 if forms_by_op else 200)


def _case_page(
    case: Case, case_key: bytes, guardians: Guardians, forms_by_op: dict[str, Form]
) -> dict[str, Any]:
    content = queries.case_content(case, case_key)
    context = {
        "case": case,
        "content": content,
        "anonymous": case.route == Route.ANONYMOUS,
        "received_label": queries.week_label(case.received_week),
        "messages_list": queries.messages_for(case, case_key, for_reporter=False),
        "first_files": queries.first_attachments(case, case_key),
        "guardians_on": queries.guardians_on(case),
        "themes": list(case.themes.all()),
        **_case_forms(case, content.summary, guardians, forms_by_op),
        "has_guardians": guardians.exists(),
        "error_form": next((f for f in forms_by_op.values() if f.errors), None),
        "breadcrumbs": guardian_crumbs(),
    }
    # Several forms share one page: give each its own element ids.
    for name, value in context.items():
        if isinstance(value, Form) and name != "error_form":
            value.auto_id = name.removesuffix("_form") + "_%s"
    return context


def _case_forms(
    case: Case, summary: str, guardians: Guardians, forms_by_op: dict[str, Form]
) -> dict[str, Form]:
    """Each form on the page: the one just refused (with its errors), else a fresh one."""
    initial_triage = {
        "summary": summary,
        "element_patient_safety": case.element_patient_safety,
        "element_worker_safety": case.element_worker_safety,
        "element_bullying_harassment": case.element_bullying_harassment,
        "element_other_behaviour": case.element_other_behaviour,
        "worker_group": case.worker_group,
        "unit": case.unit_id,
        "themes": list(case.themes.values_list("pk", flat=True)),
    }
    fresh: dict[str, tuple[str, Callable[[], Form]]] = {
        "triage_form": ("triage", lambda: forms.TriageForm(initial=initial_triage)),
        "status_form": ("status", lambda: forms.StatusForm(initial={"status": case.status})),
        "reply_form": ("reply", forms.ReplyForm),
        "action_form": ("action", forms.ActionForm),
        "escalation_form": ("escalate", forms.EscalationForm),
        "detriment_form": (
            "detriment",
            lambda: forms.DetrimentForm(initial={"reported": case.detriment_reported}),
        ),
        "assign_form": ("assign", lambda: forms.AssignForm(guardians=guardians)),
        "close_form": ("close", forms.CloseForm),
        "feedback_form": ("feedback", forms.GuardianFeedbackForm),
        "shred_form": ("shred", forms.ShredForm),
    }
    return {name: forms_by_op.get(op) or make() for name, (op, make) in fresh.items()}


@guardian_view()
@require_GET
def case_file(request: AuthenticatedHttpRequest, reference: str, file_id: str) -> HttpResponse:
    case = queries.get_case_for_user(request.user, reference)
    ctx = actions.open_case(acting_user=request.user, case=case, private_key=private_key(request))
    meta, data = queries.open_attachment(case, ctx.case_key, file_id)
    audit.record_view(acting_user=request.user, obj=case, reason="file downloaded")
    return download(meta, data)
