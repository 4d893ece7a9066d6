"""The public registration page: no login, no session saved, nothing about the
sender kept.

The page is `leaves_no_trace` (the session is not saved and an operator's visit
is not audited), and nothing the request carries besides the form is read, except
the address for a rate limit counted under a keyed hash whose key changes daily
(as the public complaint form does): neither the address nor the browser is
stored or logged. A bot that fills the hidden field is told nothing useful.

Whether someone is already registered is never said on the page (that would tell
anyone holding a person's email address that they use the trust's services): a
repeat registration is kept off the register and marked for the involvement team,
and the page says so in terms that fit either case.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from wellled.core.adapters import add_action_errors
from wellled.core.middleware import leaves_no_trace
from wellled.core.throttle import Bucket, daily_address_key
from wellled.involvement import actions, forms
from wellled.involvement.models import Source

SALT = "wellled.involvement.public-form"
REGISTRATIONS_PER_DAY = 10
OVER_LIMIT = (
    "We have received a lot of registrations from this connection today. "
    "Please call the involvement team or try again tomorrow"
)


_rate_key = daily_address_key(SALT)


REGISTERING = Bucket("involvement.public", rate=lambda: f"{REGISTRATIONS_PER_DAY}/d", key=_rate_key)


def _render(request: HttpRequest, form: forms.PublicPersonForm, status: int = 200) -> HttpResponse:
    return render(request, "involvement/public_form.html", {"form": form}, status=status)


def _register(form: forms.PublicPersonForm) -> None:
    data = {k: v for k, v in form.cleaned_data.items() if k != "website"}
    equality = actions.Equality(**{name: data.pop(name) for name in form.EQUALITY})
    actions.register_person(
        acting_user=None,
        source=Source.PUBLIC,
        equality=equality,
        services=list(data.pop("services")),
        **data,
    )


@leaves_no_trace
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render(request, forms.PublicPersonForm())
    form = forms.PublicPersonForm(request.POST)
    if request.POST.get("website"):
        form.is_valid()
        form.add_error(None, "Your details could not be sent. Please try again later")
        return _render(request, form, status=400)
    if REGISTERING.refused(request) is not None:
        form.is_valid()
        form.add_error(None, OVER_LIMIT)
        return _render(request, form, status=429)
    if form.is_valid():
        try:
            _register(form)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            REGISTERING.count(request)
            return redirect("involvement:public_thanks")
    return _render(request, form)


@leaves_no_trace
@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "involvement/public_thanks.html")
