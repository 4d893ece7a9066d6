from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template import loader
from django.utils import timezone

from wellled.core import navigation
from wellled.core.models import Job
from wellled.core.queries import get_job_for_user, jobs_visible_to
from wellled.core.types import AuthenticatedHttpRequest


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    groups = navigation.grouped_work(navigation.work_for(request.user), today)
    return render(
        request,
        "core/home.html",
        {
            "overview": navigation.overview_for(request.user),
            "groups": groups,
            "overdue_count": sum(group.overdue for group in groups),
            "today": today,
            "jobs": _recent_jobs(request),
        },
    )


def _recent_jobs(request: AuthenticatedHttpRequest) -> list[Job]:
    return list(jobs_visible_to(request.user)[:5])


@login_required
def job_detail(request: AuthenticatedHttpRequest, job_id: uuid.UUID) -> HttpResponse:
    job = get_job_for_user(request.user, job_id)
    template = "core/_job_progress.html" if request.htmx else "core/job_detail.html"  # type: ignore[attr-defined]
    return render(request, template, {"job": job})


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/403_csrf.html", status=403)


# Scripts read JSON: under /api/ every error Django itself answers (an unknown
# address, a failure before or outside DRF, such as the database being down while a
# token is checked) is JSON in DRF's {"detail": ...} shape, never an HTML page.
_API_ERRORS = {
    400: "The request could not be read.",
    403: "You do not have permission to perform this action.",
    404: "No such API address.",
    500: "Sorry, there is a problem with the service. Try again later.",
}


def _api_error(request: HttpRequest, status: int) -> JsonResponse | None:
    if not request.path.startswith("/api/"):
        return None
    return JsonResponse({"detail": _API_ERRORS[status]}, status=status)


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, TOO_LARGE):
        return _too_large(request)
    return _api_error(request, 400) or render(request, "errors/400.html", status=400)


# Django refuses a form whose fields together exceed DATA_UPLOAD_MAX_MEMORY_SIZE before
# any form reads it, so no field can carry the message. The answer says what was too
# large and what the text limits are, rather than "something was wrong".
TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent)


def _too_large(request: HttpRequest) -> HttpResponse:
    limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
    if request.path.startswith("/api/"):
        detail = (
            f"The request is larger than the {limit_mb:.1f} MB the server reads. Text fields "
            "have their own, smaller limits, named in the schema and in the error for the "
            "field; send a longer account as an attachment."
        )
        return JsonResponse({"detail": detail}, status=413)
    return render(request, "errors/413.html", {"limit_mb": limit_mb}, status=413)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 403) or render(request, "errors/403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 404) or render(request, "errors/404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # Rendered without the request, so no context processor touches the database,
    # which may be what failed.
    return _api_error(request, 500) or HttpResponseServerError(
        loader.render_to_string("errors/500.html")
    )
