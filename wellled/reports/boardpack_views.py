"""Board pack pages: the archive of packs, requesting one, and downloading one."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from wellled.core.adapters import Crumb, crumbs, run_action
from wellled.core.nhsforms import NHSForm
from wellled.core.types import AuthenticatedHttpRequest
from wellled.reports import boardpack
from wellled.reports.access import can_read_board_packs, can_request_board_packs
from wellled.reports.actions import request_board_pack
from wellled.reports.models import BoardPack, Frequency
from wellled.reports.periods import previous_period
from wellled.reports.queries import board_packs_visible_to, get_board_pack_for_user

MONTHS_OFFERED = 36


def month_choices(today: datetime.date | None = None) -> list[tuple[str, str]]:
    """This month and the 35 before it, newest first."""
    month = (today or timezone.localdate()).replace(day=1)
    choices = []
    for _ in range(MONTHS_OFFERED):
        choices.append((month.isoformat(), f"{month:%B %Y}"))
        month = previous_period(month, Frequency.MONTHLY)
    return choices


class BoardPackRequestForm(NHSForm):
    month = forms.TypedChoiceField(
        label="Month",
        help_text="The pack shows every active metric up to the end of this month",
        coerce=datetime.date.fromisoformat,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        choices = month_choices()
        field = self.fields["month"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = choices
        # Last month is the one the board usually reads.
        self.initial.setdefault("month", choices[1][0])


def _trail(*, with_list: bool) -> list[Crumb]:
    report = ("Performance report", reverse("reports:ipr"))
    if with_list:
        return crumbs(report, ("Board packs", reverse("boardpacks:list")))
    return crumbs(report)


@login_required
@require_GET
def pack_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_read_board_packs(request.user):
        raise PermissionDenied
    packs = board_packs_visible_to(request.user).order_by("-month", "-created_at")
    return render(
        request,
        "reports/boardpack/list.html",
        {
            "packs": packs,
            "can_request": can_request_board_packs(request.user),
            "breadcrumbs": _trail(with_list=False),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def pack_request(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_request_board_packs(request.user):
        raise PermissionDenied
    form = BoardPackRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: request_board_pack(acting_user=request.user, month=data["month"]),
            then=_follow_job,
        )
        if done:
            return done
    return render(
        request,
        "reports/boardpack/request.html",
        {"form": form, "breadcrumbs": _trail(with_list=True)},
    )


def _follow_job(pack: BoardPack) -> HttpResponse:
    """The job's page, which shows the pack being drawn."""
    assert pack.job_id is not None
    return redirect("core:job", job_id=pack.job_id)


@login_required
@require_GET
def pack_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pack = get_board_pack_for_user(request.user, pk)
    if pack.status != BoardPack.Status.ISSUED or pack.pdf is None:
        raise Http404("This board pack has not been issued")
    response = HttpResponse(bytes(pack.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{boardpack.file_name(pack)}"'
    response["X-Content-SHA256"] = pack.sha256
    response["Cache-Control"] = "private, no-store"
    return response
