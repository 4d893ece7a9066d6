"""Board pack pages: the archive of packs, requesting one, and downloading one."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from wellled.core.nhsforms import NHSForm
from wellled.core.types import AuthenticatedHttpRequest
from wellled.organisation.access import Cap, can, require
from wellled.reports import boardpack
from wellled.reports.actions import request_board_pack
from wellled.reports.forms import add_action_errors
from wellled.reports.models import BoardPack

MONTHS_OFFERED = 36


def month_choices(today: datetime.date | None = None) -> list[tuple[str, str]]:
    """This month and the 35 before it, newest first."""
    month = (today or timezone.localdate()).replace(day=1)
    choices = []
    for _ in range(MONTHS_OFFERED):
        choices.append((month.isoformat(), f"{month:%B %Y}"))
        month = (month - datetime.timedelta(days=1)).replace(day=1)
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


def _crumbs(*, with_list: bool) -> list[dict[str, str]]:
    crumbs = [{"label": "Performance report", "href": reverse("reports:ipr")}]
    if with_list:
        crumbs.append({"label": "Board packs", "href": reverse("boardpacks:list")})
    return crumbs


@login_required
@require_GET
def pack_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not boardpack.can_read_board_packs(request.user):
        raise PermissionDenied
    packs = boardpack.board_packs_visible_to(request.user).order_by("-month", "-created_at")
    return render(
        request,
        "reports/boardpack/list.html",
        {
            "packs": packs,
            "can_request": can(request.user, Cap.PRODUCE_BOARD_PACK),
            "breadcrumbs": _crumbs(with_list=False),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def pack_request(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.PRODUCE_BOARD_PACK)
    form = BoardPackRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            pack = request_board_pack(acting_user=request.user, month=form.cleaned_data["month"])
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            assert pack.job_id is not None
            return redirect("core:job", job_id=pack.job_id)
    return render(
        request,
        "reports/boardpack/request.html",
        {"form": form, "breadcrumbs": _crumbs(with_list=True)},
    )


@login_required
@require_GET
def pack_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pack = boardpack.get_board_pack_for_user(request.user, pk)
    if pack.status != BoardPack.Status.ISSUED or pack.pdf is None:
        raise Http404("This board pack has not been issued")
    response = HttpResponse(bytes(pack.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{boardpack.file_name(pack)}"'
    response["X-Content-SHA256"] = pack.sha256
    response["Cache-Control"] = "private, no-store"
    return response
