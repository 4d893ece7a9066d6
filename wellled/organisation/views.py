from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from wellled.organisation.access import Cap, require
from wellled.organisation.queries import units_visible_to


@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW_ORGANISATION)
    units = units_visible_to(request.user)
    return render(request, "organisation/tree.html", {"units": units})
