"""The working-day calendar page: bank holidays, trust closure days and a calculator.

Everyone with a role can see the calendar and check a deadline; only holders of
MANAGE_CALENDAR can add or remove closure days, which move every deadline.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from wellled.core import actions, workdays
from wellled.core.access import MANAGE_CALENDAR, VIEW_HOME, can, require
from wellled.core.adapters import crumbs, run_action
from wellled.core.forms import ClosureDayForm, WorkingDayCalculatorForm
from wellled.core.models import ClosureDay
from wellled.core.queries import closure_days_visible_to, get_closure_day_for_user
from wellled.core.types import AuthenticatedHttpRequest

CLOSURE_PREFIX = "closure"
CALCULATOR_PREFIX = "calc"


def _calculation(form: WorkingDayCalculatorForm) -> dict[str, Any] | None:
    """The deadline and the days off it skips, or None (with an error on the form)."""
    if not form.is_valid():
        return None
    start: datetime.date = form.cleaned_data["start"]
    days: int = form.cleaned_data["days"]
    calendar = workdays.trust_calendar()
    try:
        result = calendar.add_working_days(start, days)
    except workdays.CalendarRangeError as error:
        form.add_error("start", str(error))
        return None
    return {
        "start": start,
        "days": days,
        "result": result,
        "days_off": workdays.days_off_between(start + datetime.timedelta(days=1), result),
    }


def _render_page(
    request: AuthenticatedHttpRequest,
    *,
    closure_form: ClosureDayForm | None = None,
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    this_year = datetime.date(today.year, 1, 1)
    end_of_next_year = datetime.date(today.year + 1, 12, 31)

    calculator = WorkingDayCalculatorForm(
        request.GET
        if any(key.startswith(f"{CALCULATOR_PREFIX}-") for key in request.GET)
        else None,
        prefix=CALCULATOR_PREFIX,
    )
    calculation = _calculation(calculator) if calculator.is_bound else None

    can_manage = can(user, MANAGE_CALENDAR)
    if closure_form is None and can_manage:
        closure_form = ClosureDayForm(prefix=CLOSURE_PREFIX)

    closures = closure_days_visible_to(user)
    bank_holidays = workdays.bank_holidays()
    span = workdays.bank_holiday_span()
    # The error summary and the page title speak for whichever form has errors.
    form_in_error = next(
        (form for form in (closure_form, calculator) if form is not None and form.errors), None
    )
    context = {
        "breadcrumbs": crumbs(("My work", reverse("core:home"))),
        "form": form_in_error,
        "calculator": calculator,
        "calculation": calculation,
        "closure_form": closure_form,
        "can_manage": can_manage,
        "today": today,
        "this_year": today.year,
        "next_year": today.year + 1,
        "span": span,
        "closures": list(closures.filter(date__range=(this_year, end_of_next_year))),
        "other_closures": list(
            closures.exclude(date__range=(this_year, end_of_next_year)).order_by("-date")
        ),
        "bank_holidays": [
            holiday for holiday in bank_holidays if today <= holiday.date <= end_of_next_year
        ],
    }
    return render(request, "core/calendar.html", context)


@login_required
def calendar_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, VIEW_HOME)
    return _render_page(request)


@login_required
@require_POST
def add_closure_day(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, MANAGE_CALENDAR)
    form = ClosureDayForm(request.POST, prefix=CLOSURE_PREFIX)
    done = run_action(
        request,
        form,
        lambda data: actions.add_closure_day(
            acting_user=request.user, date=data["date"], reason=data["reason"]
        ),
        success=_added_message,
        then="core:calendar",
    )
    return done or _render_page(request, closure_form=form)


def _added_message(day: ClosureDay) -> str:
    said = f"Closure day added: {workdays.long_date(day.date)}, {day.reason}."
    if day.date.weekday() >= 5:
        return f"{said} It is a weekend day, so no deadline changes."
    if any(holiday.date == day.date for holiday in workdays.bank_holidays()):
        return f"{said} It is also a bank holiday, so no deadline changes."
    return said


@login_required
@require_POST
def remove_closure_day(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseRedirect:
    day = get_closure_day_for_user(request.user, pk, manage=True)
    said = f"Closure day removed: {workdays.long_date(day.date)}, {day.reason}."
    actions.remove_closure_day(acting_user=request.user, day=day)
    messages.success(request, said)
    return redirect("core:calendar")
