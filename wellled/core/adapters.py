"""The glue every app's views share: action errors on forms, the form → action →
message → redirect path, and breadcrumbs.

A write view is an access check, a form, one call to an action and a redirect.
`run_action` is that path, written once::

    form = forms.AssignForm(request.POST or None, complaint=complaint)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.assign(acting_user=request.user, complaint=complaint, **data),
            success="The case has been assigned",
            then=lambda _: redirect("complaints:detail", pk=complaint.pk),
        )
        if done:
            return done
    return render(request, "complaints/assign.html", {"form": form})

An action refuses bad input with a `ValidationError` (by field where it can), so the
errors land on the form beside the fields they are about and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect

T = TypeVar("T")

Crumb = dict[str, str]


def add_action_errors(
    form: forms.BaseForm,
    error: ValidationError,
    *,
    aliases: Mapping[str, str] | None = None,
) -> None:
    """An action's ValidationError on the form: by field where it names one the form
    has, else at the top of the form (where the error summary shows it).

    `aliases` maps an action's argument to the form field that carries it, where
    their names differ (an action's `statement_ids` is a form's `statements`).
    """
    if hasattr(error, "error_dict"):
        for name, field_messages in error.message_dict.items():
            name = (aliases or {}).get(name, name)
            target = name if name in form.fields else None
            for message in field_messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def run_action(
    request: HttpRequest,
    form: forms.BaseForm,
    action: Callable[[Mapping[str, Any]], T],
    *,
    then: Callable[[T], HttpResponse] | str,
    success: str | Callable[[T], str] | None = None,
    aliases: Mapping[str, str] | None = None,
) -> HttpResponse | None:
    """Validate the form, run the action on its cleaned data, say so and redirect.

    Returns the response to send, or None when the form or the action refused the
    input: the form then carries the errors and the caller renders it again.
    `then` is a URL (or URL name) to redirect to, or a function of the action's
    result that returns the response. `aliases` as for `add_action_errors`.
    """
    if not form.is_valid():
        return None
    try:
        result = action(form.cleaned_data)
    except ValidationError as error:
        add_action_errors(form, error, aliases=aliases)
        return None
    if success is not None:
        messages.success(request, success(result) if callable(success) else success)
    if isinstance(then, str):
        return redirect(then)
    return then(result)


def posted(request: HttpRequest) -> QueryDict | None:
    """The form's data on a POST, even an empty one (so a bare confirmation still
    submits); None on a GET, so the form is shown unbound."""
    return request.POST if request.method == "POST" else None


def crumbs(*pairs: tuple[str, str]) -> list[Crumb]:
    """Breadcrumbs for the NHS.UK breadcrumb component: (label, href) pairs, from the
    top of the trail down to the page's parent."""
    return [{"label": label, "href": href} for label, href in pairs]
