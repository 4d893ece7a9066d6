from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from wellled.core.types import AuthenticatedHttpRequest
from wellled.organisation.models import RoleAssignment


def login_view(request: HttpRequest) -> HttpResponseBase:
    return auth_views.LoginView.as_view(
        template_name="accounts/login.html", redirect_authenticated_user=True
    )(request)


def locked_out(
    request: HttpRequest, credentials: dict[str, Any] | None = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    return render(request, "accounts/locked_out.html", status=429)


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    grants = RoleAssignment.objects.filter(user=request.user).select_related("unit")
    return render(request, "accounts/profile.html", {"grants": grants})
