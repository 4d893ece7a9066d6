"""CQC's requests for a summary of complaints: the 28-day clock and the summary."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wellled.complaints import actions, exports
from wellled.complaints.casework_forms import CQCRequestForm, CQCSentForm
from wellled.complaints.queries import cqc_requests_visible_to, get_cqc_request_for_user
from wellled.complaints.views._common import list_crumb
from wellled.core import audit, spreadsheets
from wellled.core.adapters import crumbs, posted, run_action
from wellled.core.types import AuthenticatedHttpRequest
from wellled.core.workdays import long_date
from wellled.organisation.access import Cap, require


@login_required
@require_http_methods(["GET", "POST"])
def cqc_requests(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every request with its due date; a new one is recorded below them."""
    require(request.user, Cap.MANAGE_COMPLAINTS)
    form = CQCRequestForm(posted(request))
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.record_cqc_request(acting_user=request.user, **data),
            success=lambda made: f"The summary is due to CQC by {long_date(made.due_on)}",
            then="complaints:cqc_requests",
        )
        if done:
            return done
    return render(
        request,
        "complaints/cqc_requests.html",
        {
            "form": form,
            "requests": cqc_requests_visible_to(request.user),
            "sent_form": CQCSentForm(prefix="sent"),
            "today": timezone.localdate(),
            "breadcrumbs": crumbs(list_crumb()),
        },
    )


@login_required
@require_POST
def cqc_request_sent(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = get_cqc_request_for_user(request.user, pk)
    form = CQCSentForm(request.POST, prefix="sent")
    done = run_action(
        request,
        form,
        lambda data: actions.record_cqc_summary_sent(
            acting_user=request.user, request=found, sent_on=data["sent_on"]
        ),
        success="The summary is recorded as sent to CQC",
        then="complaints:cqc_requests",
    )
    if done:
        return done
    # The form sits in the list: say what was wrong there.
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return redirect("complaints:cqc_requests")


@login_required
@require_GET
def cqc_request_summary(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The summary for the request's period, as an Excel workbook."""
    found = get_cqc_request_for_user(request.user, pk)
    sheet = exports.cqc_summary(user=request.user, start=found.period_start, end=found.period_end)
    # A list of cases leaves the system: who took it, and how many, is on the trail.
    with transaction.atomic():
        audit.record(
            acting_user=request.user,
            action="complaints.exported",
            object_type="complaints.export",
            object_id="cqc",
            object_repr=sheet.title,
            after={"rows": len(sheet.rows), "format": "xlsx", "cqc_request_id": found.pk},
        )
    response = spreadsheets.xlsx_response(
        f"cqc-complaints-summary-{found.received_on.isoformat()}",
        sheet.title,
        sheet.headers,
        sheet.rows,
    )
    response["Cache-Control"] = "no-store"
    return response
