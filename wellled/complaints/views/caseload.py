"""The caseload's sortable column headers, and the filters a person saves of it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from wellled.complaints import actions
from wellled.complaints.actions.casework import FILTER_KEYS
from wellled.complaints.casework_forms import SaveFilterForm
from wellled.complaints.models import Status
from wellled.complaints.queries import ANY_OPEN, ANY_STATUS, get_saved_filter_for_user
from wellled.complaints.views._common import list_crumb
from wellled.core.adapters import crumbs, run_action
from wellled.core.types import AuthenticatedHttpRequest
from wellled.organisation.access import Cap, require

# (sort key, column heading); the "Next due" column is worked out per row, so unsorted.
COLUMNS = (
    ("reference", "Reference"),
    ("received", "Received"),
    ("service", "Service"),
    ("handler", "Handler"),
    ("status", "Status"),
)


def filter_query(params: QueryDict) -> str:
    """The caseload's filter as a query string: what pages and saved filters carry on."""
    return urlencode([(key, params[key]) for key in FILTER_KEYS if params.get(key)])


def sort_headers(params: QueryDict, ordering: str) -> list[dict[str, Any]]:
    """Each column's link to sort by it, and its aria-sort when it is the sort.

    A link sorts ascending, or descending when the column is already sorted
    ascending; the received date starts newest first, as the list does.
    """
    headers = []
    for key, label in COLUMNS:
        current = ordering.removeprefix("-") == key
        descending = ordering.startswith("-")
        if current:
            target = key if descending else f"-{key}"
        else:
            target = f"-{key}" if key == "received" else key
        kept = [(k, params[k]) for k in FILTER_KEYS if k != "ordering" and params.get(k)]
        headers.append(
            {
                "label": label,
                "href": "?" + urlencode([*kept, ("ordering", target)]),
                "aria_sort": ("descending" if descending else "ascending") if current else "",
            }
        )
    return headers


def showing_label(filters: dict[str, Any]) -> str:
    """What the table lists, for its caption: "open cases", "closed cases" ..."""
    status = filters["status"]
    if status == ANY_OPEN:
        label = "open"
    elif status == ANY_STATUS:
        label = ""
    else:
        label = Status(status).label.lower()
    if filters["overdue"]:
        label = f"{label} overdue".strip()
    return label


def _caseload_with(query: str) -> str:
    url = reverse("complaints:list")
    return f"{url}?{query}" if query else url


@login_required
@require_POST
def saved_filter_save(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW_COMPLAINTS)
    form = SaveFilterForm(request.POST)
    done = run_action(
        request,
        form,
        lambda data: actions.save_caseload_filter(
            acting_user=request.user, name=data["name"], query=data["query"]
        ),
        success=lambda saved: f"Saved as {saved.name}",
        then=lambda saved: redirect(_caseload_with(saved.query)),
    )
    if done:
        return done
    # The filter goes back with its error, so nothing typed is lost.
    return render(
        request,
        "complaints/saved_filter.html",
        {
            "form": form,
            "back": _caseload_with(form.data.get("query", "")),
            "breadcrumbs": crumbs(list_crumb()),
        },
    )


@login_required
@require_POST
def saved_filter_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(request.user, Cap.VIEW_COMPLAINTS)
    saved = get_saved_filter_for_user(request.user, pk)
    actions.delete_caseload_filter(acting_user=request.user, saved=saved)
    messages.success(request, f"Deleted the saved filter {saved.name}")
    return redirect("complaints:list")
