"""Pages for enrolling guardians, the first guardian's approval and the recovery key.

Kept apart from views.py (casework): these pages are about who can read cases,
not about the cases themselves.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wellled.core.adapters import add_action_errors, run_action
from wellled.core.types import AuthenticatedHttpRequest
from wellled.speakup import enrolment, forms, queries, recovery
from wellled.speakup.view_support import guardian_crumbs, guardian_view, private_key


def _guardians_page(
    request: AuthenticatedHttpRequest,
    form: forms.ApproveGuardianForm,
    *,
    grant_id: int | None = None,
    status: int = 200,
) -> HttpResponse:
    current = queries.current_recovery_key()
    return render(
        request,
        "speakup/guardians.html",
        {
            "enrolments": enrolment.enrolments(),
            "own_key": enrolment.key_status(request.user),
            "approve_form": form,
            "approve_grant_id": grant_id,
            "recovery_key": current,
            "recovery_holders": recovery.holders_of(current) if current else [],
            "stranded": recovery.stranded_cases(),
            "breadcrumbs": guardian_crumbs(),
        },
        status=status,
    )


@guardian_view()
@require_GET
def guardians(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every guardian and nominee, the recovery key, and cases nobody can open."""
    return _guardians_page(request, forms.ApproveGuardianForm())


@guardian_view()
@require_POST
def approve(request: AuthenticatedHttpRequest, grant_id: int) -> HttpResponse:
    grant = queries.get_nomination(grant_id)
    form = forms.ApproveGuardianForm(request.POST)
    form.is_valid()
    try:
        enrolment.approve_guardian(
            acting_user=request.user,
            grant=grant,
            private_key=private_key(request),
            fingerprint_checked=bool(form.cleaned_data.get("fingerprint_checked")),
        )
    except ValidationError as error:
        add_action_errors(form, error)
    except PermissionDenied as refusal:
        # e.g. the approver's own key still awaits approval: say so on the page.
        form.add_error(None, str(refusal) or "You cannot approve this guardian")
    else:
        return redirect(f"{reverse('speakup:guardians')}?approved={grant.user_id}")
    return _guardians_page(request, form, grant_id=grant.pk, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def first_guardian(request: AuthenticatedHttpRequest) -> HttpResponse:
    """For the executive lead for speaking up and senior leaders: approving the first
    guardian, when there is no approved guardian to do it."""
    if not enrolment.may_approve_first(request.user):
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        grant = queries.get_nomination(str(request.POST.get("grant", "")))
        try:
            cert = enrolment.approve_first_guardian(acting_user=request.user, grant=grant)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        except PermissionDenied as exc:
            error = str(exc) or "You cannot approve this guardian"
        else:
            done = "enrolled" if cert is not None else "approved"
            return redirect(f"{reverse('speakup:first_guardian')}?{done}={grant.user_id}")
    response = render(
        request,
        "speakup/first_guardian.html",
        {
            "has_guardian": bool(enrolment.trusted_guardian_keys()),
            "enrolments": enrolment.enrolments(),
            "error": error,
        },
        status=400 if error else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


@guardian_view()
@require_http_methods(["GET", "POST"])
def recovery_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Make a new recovery key and show each holder's words once."""
    holders = recovery.eligible_holders()
    form = forms.RecoverySetupForm(request.POST or None, holders=holders)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: recovery.set_up_recovery_key(
                acting_user=request.user,
                private_key=private_key(request),
                holders=list(data["holders"]),
                threshold=data["threshold"],
            ),
            # Shown once, from memory: the words are stored nowhere.
            then=lambda made: render(
                request,
                "speakup/recovery_shares.html",
                {"recovery_key": made[0], "shares": made[1], "breadcrumbs": guardian_crumbs()},
            ),
        )
        if done:
            return done
    return render(
        request,
        "speakup/recovery_setup.html",
        {
            "form": form,
            "holders": holders,
            "current": queries.current_recovery_key(),
            "breadcrumbs": guardian_crumbs(("Guardians", reverse("speakup:guardians"))),
        },
    )


@guardian_view()
@require_http_methods(["GET", "POST"])
def recover(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Two (or more) holders type their words to re-open a case for this guardian."""
    case = queries.get_case_to_recover_for_user(request.user, reference)
    if queries.cases_visible_to(request.user).filter(pk=case.pk).exists():
        return redirect("speakup:case", reference=case.reference)
    form = forms.RecoverCaseForm(request.POST or None)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: recovery.recover_case(
                acting_user=request.user,
                private_key=private_key(request),
                case=case,
                shares=[data["share_1"], data["share_2"], data["share_3"]],
                reason=data["reason"],
            ),
            then=lambda _: redirect("speakup:case", reference=case.reference),
        )
        if done:
            return done
    return render(
        request,
        "speakup/recover.html",
        {
            "form": form,
            "case": case,
            "breadcrumbs": guardian_crumbs(("Guardians", reverse("speakup:guardians"))),
        },
    )
