"""What speak-up's pages share: uploads kept in memory, the guardian's page
decorator with their unlocked key, breadcrumbs, 429 answers and file downloads."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from wellled.core.adapters import Crumb, crumbs
from wellled.core.types import AuthenticatedHttpRequest
from wellled.organisation.access import Cap, require
from wellled.speakup import enrolment, keysession, protection, queries
from wellled.speakup.uploads import install_handler

View = Callable[..., HttpResponse]


def limit_uploads(request: HttpRequest, *, refuse_all: bool = False) -> None:
    if request.method == "POST":
        install_handler(request, refuse_all=refuse_all)


def retry_after(response: HttpResponse, refusal: protection.Refusal) -> HttpResponse:
    response["Retry-After"] = str(refusal.retry_after)
    return response


def memory_uploads(view: View) -> View:
    """Keep uploaded files in memory, never in a temporary file on disk: the upload
    handlers must be set before CSRF checking reads the body, so CSRF is checked
    here, after them."""
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        limit_uploads(request)
        return protected(request, *args, **kwargs)

    return wrapper


def guardian_view(*, needs_key: bool = True, nominees: bool = False) -> Callable[[View], View]:
    """A guardian's page; with nominees=True also open to someone whose guardian
    grant awaits approval (to set up and unlock the key a guardian will approve)."""

    def decorate(view: View) -> View:
        @memory_uploads
        @login_required
        @wraps(view)
        def wrapper(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not (nominees and enrolment.is_nominee(request.user)):
                require(request.user, Cap.READ_SPEAKUP_CASES)
            if needs_key:
                if not queries.guardian_has_key(request.user):
                    return redirect("speakup:key_setup")
                private_key = keysession.private_key(request)
                if private_key is None:
                    query = urlencode({"next": request.get_full_path()})
                    return redirect(f"{reverse('speakup:unlock')}?{query}")
                request.speakup_private_key = private_key  # type: ignore[attr-defined]
            response = view(request, *args, **kwargs)
            response["Cache-Control"] = "no-store"
            return response

        return wrapper

    return decorate


def private_key(request: HttpRequest) -> bytes:
    """The guardian's unlocked key, set by `guardian_view`."""
    return request.speakup_private_key  # type: ignore[attr-defined]


def guardian_crumbs(*extra: tuple[str, str]) -> list[Crumb]:
    return crumbs(("Speak-up caseload", reverse("speakup:caseload")), *extra)


def download(meta: dict[str, object], data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type=str(meta.get("type", "application/octet-stream")))
    disposition = content_disposition_header(True, str(meta.get("name", "file")))
    response["Content-Disposition"] = disposition or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
