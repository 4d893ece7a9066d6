"""Pages for staff speaking up openly or confidentially, and guardians' own pages:
their key, the caseload and concerns they record. The anonymous pages are in
`anonymous_views.py`, the case page in `case_views.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wellled.core.adapters import crumbs, run_action
from wellled.core.middleware import leaves_no_trace
from wellled.core.types import AuthenticatedHttpRequest
from wellled.organisation.access import Cap, can, require
from wellled.speakup import actions, enrolment, forms, keysession, queries
from wellled.speakup.models import WorkerGroup
from wellled.speakup.view_support import (
    guardian_crumbs,
    guardian_view,
    memory_uploads,
    private_key,
)

# --- Staff: open and confidential ---


@leaves_no_trace
@memory_uploads
@login_required
@require_http_methods(["GET", "POST"])
def raise_concern(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method != "POST" and not can(request.user, Cap.RAISE_CONCERN):
        # A login with no role or staff record: not a refusal but the ways it can
        # still speak up (the speak-up page links here for everyone).
        return render(request, "speakup/raise_unavailable.html")
    require(request.user, Cap.RAISE_CONCERN)
    if request.method != "POST":
        form = forms.StaffConcernForm()
    else:
        form = forms.StaffConcernForm(request.POST, request.FILES)
        done = run_action(
            request,
            form,
            lambda data: actions.raise_concern(
                acting_user=request.user, concern=_staff_concern(data)
            ),
            then=lambda result: _submitted(request, result),
        )
        if done:
            return done
    return render(
        request,
        "speakup/raise.html",
        {"form": form, "breadcrumbs": crumbs(("Speak up", reverse("speakup:index")))},
    )


def _staff_concern(data: Mapping[str, Any]) -> actions.NewConcern:
    return actions.NewConcern(
        narrative=data["narrative"],
        route=data["route"],
        files=forms.files_of(data["files"]),
        strip_metadata=data["strip_metadata"],
        notify_email=data["notify_email"] or "",
        reporter_contact=data["reporter_contact"],
        unit=data["unit"],
        worker_group=data["worker_group"] or WorkerGroup.NOT_KNOWN,
    )


def _submitted(request: HttpRequest, result: actions.Submitted) -> HttpResponse:
    response = render(
        request,
        "speakup/submitted.html",
        {"code": result.code, "anonymous": False, "sent_to": result.sent_to},
    )
    response["Cache-Control"] = "no-store"
    return response


# --- Guardians: their key ---


def _unlocked(request: HttpRequest, response: HttpResponse, passphrase: str) -> HttpResponse:
    """The response, carrying the guardian's key unlocked with their passphrase."""
    private = actions.unlock_guardian_key(acting_user=request.user, passphrase=passphrase)
    keysession.store(request, response, private)
    return response


@guardian_view(needs_key=False, nominees=True)
@require_http_methods(["GET", "POST"])
def key_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    if queries.guardian_has_key(request.user):
        status = enrolment.key_status(request.user)
        if status["trusted"]:
            return redirect("speakup:unlock")
        # Set up, not yet approved: the fingerprint to read to the approving guardian.
        return render(request, "speakup/key_status.html", status)
    form = forms.KeySetupForm(request.POST or None)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.set_up_guardian_key(
                acting_user=request.user, passphrase=data["passphrase"], confirm=data["confirm"]
            ),
            # A new key awaits approval: the next page shows its fingerprint.
            then=lambda _: _unlocked(
                request, redirect("speakup:key_setup"), form.cleaned_data["passphrase"]
            ),
        )
        if done:
            return done
    return render(request, "speakup/key_setup.html", {"form": form})


@guardian_view(needs_key=False)
@require_http_methods(["GET", "POST"])
def key_manage(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Change the passphrase, or start again with a new key after forgetting it."""
    if not queries.guardian_has_key(request.user):
        return redirect("speakup:key_setup")
    op = request.POST.get("op", "") if request.method == "POST" else ""
    change = forms.ChangePassphraseForm(
        request.POST if op == "change" else None, auto_id="change_%s"
    )
    reset = forms.ResetKeyForm(request.POST if op == "reset" else None, auto_id="reset_%s")
    done = None
    if op == "change":
        done = run_action(
            request,
            change,
            lambda data: actions.change_guardian_passphrase(
                acting_user=request.user,
                old_passphrase=data["old_passphrase"],
                new_passphrase=data["new_passphrase"],
                confirm=data["confirm"],
            ),
            then="speakup:caseload",
        )
    elif op == "reset":
        done = run_action(
            request,
            reset,
            lambda data: actions.reset_guardian_key(
                acting_user=request.user,
                passphrase=data["passphrase"],
                confirm=data["confirm"],
                understood=data["understood"],
            ),
            then=lambda _: _unlocked(
                request, redirect("speakup:caseload"), reset.cleaned_data["passphrase"]
            ),
        )
    if done:
        return done
    cases = queries.cases_visible_to(request.user).filter(shredded=False).count()
    return render(
        request,
        "speakup/key_manage.html",
        {
            "change_form": change,
            "reset_form": reset,
            "error_form": change if change.errors else (reset if reset.errors else None),
            "cases": cases,
        },
    )


@guardian_view(needs_key=False)
@require_http_methods(["GET", "POST"])
def unlock(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not queries.guardian_has_key(request.user):
        return redirect("speakup:key_setup")
    form = forms.UnlockForm(request.POST or None)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.unlock_guardian_key(
                acting_user=request.user, passphrase=data["passphrase"]
            ),
            then=lambda private: _store_and_go_on(request, private),
        )
        if done:
            return done
    return render(request, "speakup/unlock.html", {"form": form})


def _store_and_go_on(request: HttpRequest, private: bytes) -> HttpResponse:
    """On to the page the guardian was going to (on this site), key unlocked."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("speakup:caseload")
    response = redirect(target or reverse("speakup:caseload"))
    keysession.store(request, response, private)
    return response


@guardian_view(needs_key=False)
@require_POST
def lock(request: AuthenticatedHttpRequest) -> HttpResponse:
    response = redirect("speakup:unlock")
    keysession.forget(request, response)
    return response


@guardian_view()
@require_GET
def caseload(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.CaseloadFilterForm(request.GET or None)
    chosen = {"status": "open", "q": "", "sort": "updated"}
    if form.is_bound and form.is_valid():
        chosen = {name: form.cleaned_data[name] or chosen[name] for name in chosen}
    try:
        page = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        page = 1
    cases, total = queries.caseload(
        request.user,
        status=chosen["status"],
        search=chosen["q"].strip(),
        sort=chosen["sort"],
        page=page,
    )
    rows = queries.decrypt_summaries(request.user, private_key(request), cases)
    if rows:
        actions.record_caseload_viewed(
            acting_user=request.user, references=[row.case.reference for row in rows]
        )
    pages = max((total + 24) // 25, 1)
    kept = {name: value for name, value in chosen.items() if value}
    return render(
        request,
        "speakup/caseload.html",
        {
            "form": form,
            "rows": rows,
            "total": total,
            "page": page,
            "pages": pages,
            "status": chosen["status"],
            "searched": bool(chosen["q"]),
            "previous_url": f"?{urlencode({**kept, 'page': page - 1})}" if page > 1 else "",
            "next_url": f"?{urlencode({**kept, 'page': page + 1})}" if page < pages else "",
            "key_status": enrolment.key_status(request.user),
            "waiting_for_approval": len([e for e in enrolment.enrolments() if e.awaiting_approval]),
        },
    )


@guardian_view()
@require_http_methods(["GET", "POST"])
def record(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.OnBehalfForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.record_on_behalf(
                acting_user=request.user,
                concern=actions.NewConcern(
                    narrative=data["narrative"],
                    route=data["route"],
                    files=forms.files_of(data["files"]),
                    reporter_name=data["reporter_name"],
                    reporter_contact=data["reporter_contact"],
                    unit=data["unit"],
                    worker_group=data["worker_group"],
                ),
                channel=data["channel"],
                received_on=data["received_on"],
                issue_code=data["issue_code"],
            ),
            then=lambda result: render(
                request, "speakup/recorded.html", {"case": result.case, "code": result.code}
            ),
        )
        if done:
            return done
    return render(
        request,
        "speakup/record.html",
        {"form": form, "breadcrumbs": guardian_crumbs()},
    )
