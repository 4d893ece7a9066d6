"""Every complaints deadline, as pure functions of dates and a working calendar.

Nothing here reads the database: pass a `WorkingCalendar` (in the app, one from
`wellled.core.workdays.trust_calendar()`, fetched once per request or job).

The rules, and the choices made where the Regulations leave room:

* Acknowledgement (reg 13): due on the 3rd working day after the day of receipt,
  not counting that day. Received on a Friday or a Saturday: due the Wednesday.
* Response (reg 13-14): due on the date agreed with the complainant, or, when no
  date could be agreed, on the date the trust set and told the complainant of.
  There is no due date until one of those is recorded.
* Statutory backstop (reg 14): 6 calendar months from the day of receipt, by the
  corresponding-date rule: the same day number six months later (15 January ->
  15 July). When that month is too short for the day (31 August -> February), it
  is the last day of that month. The backstop is a calendar date and is not moved
  off a weekend or holiday. A later date replaces it only if the complainant
  agreed it on or before the backstop day; a date agreed after the backstop had
  passed does not (the Regulation speaks of a period "agreed before the expiry"
  of the six months). UNCERTAIN: the Regulation's period "begins on" the day of
  receipt, which a court might read as ending the day before the corresponding
  date; we take the later reading, and say so on the case.
* Time limit (reg 12): 12 calendar months after the later of the event date and
  the date the complainant became aware of it, by the same corresponding-date
  rule. A complaint received on the limit date is in time.
* Overdue: a deadline is overdue from the day after it, never on the day itself.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from wellled.core.workdays import WorkingCalendar

Date = datetime.date

ACKNOWLEDGEMENT_WORKING_DAYS = 3
BACKSTOP_MONTHS = 6
TIME_LIMIT_MONTHS = 12


def add_months(day: Date, months: int) -> Date:
    """The corresponding date `months` calendar months on, or the month's last day."""
    result: Date = day + relativedelta(months=months)
    return result


def acknowledgement_due(received_on: Date, calendar: WorkingCalendar) -> Date:
    return calendar.add_working_days(received_on, ACKNOWLEDGEMENT_WORKING_DAYS)


def six_months_after(received_on: Date) -> Date:
    return add_months(received_on, BACKSTOP_MONTHS)


@dataclass(frozen=True)
class Agreement:
    """A response date the complainant agreed, and the day they agreed it."""

    agreed_on: Date
    new_date: Date


def statutory_backstop(received_on: Date, agreements: Iterable[Agreement] = ()) -> Date:
    """Six months from receipt, or a later date agreed before those six months ran out."""
    backstop = six_months_after(received_on)
    in_time = [a.new_date for a in agreements if a.agreed_on <= six_months_after(received_on)]
    return max([backstop, *in_time])


def time_limit(event_date: Date | None, aware_date: Date | None) -> Date | None:
    """The last day to complain in time, or None when neither date is known."""
    known = [day for day in (event_date, aware_date) if day is not None]
    if not known:
        return None
    return add_months(max(known), TIME_LIMIT_MONTHS)


def is_out_of_time(received_on: Date, event_date: Date | None, aware_date: Date | None) -> bool:
    limit = time_limit(event_date, aware_date)
    return limit is not None and received_on > limit


def oral_resolution_deadline(received_on: Date, calendar: WorkingCalendar) -> Date:
    """Reg 8(1)(c): the last day an oral complaint may be resolved and stay outside."""
    return calendar.next_working_day(received_on)


def is_overdue(due: Date | None, done_on: Date | None, today: Date) -> bool:
    """Not done, and the due day has passed (a deadline is met on the day itself)."""
    return due is not None and done_on is None and today > due


def extension_allowed(
    *, current_due: Date, new_date: Date, agreed_on: Date, today: Date
) -> str | None:
    """Why an extension may not be recorded, or None when it may.

    The complainant must have agreed it on or before the current due date (it may
    be recorded afterwards), it must move the date later, and an agreement
    cannot be dated in the future.
    """
    if agreed_on > today:
        return "The date the complainant agreed cannot be in the future"
    if new_date <= current_due:
        return "An extension must move the response date later than it is now"
    if agreed_on > current_due:
        return (
            "The response date had already passed when the complainant agreed: "
            "an extension must be agreed on or before the date it replaces. "
            "Send the late response letter instead"
        )
    return None


@dataclass(frozen=True)
class NextDeadline:
    label: str
    due: Date


def next_deadline(
    *,
    acknowledgement_due: Date | None,
    acknowledged_on: Date | None,
    response_due: Date | None,
    backstop_due: Date | None,
    responded_on: Date | None,
    reopened: bool = False,
) -> NextDeadline | None:
    """The next clock a handler has to beat on an open case.

    A reopened case has no date until a new one is agreed: the six-month
    backstop belongs to the first response.
    """
    if acknowledgement_due is not None and acknowledged_on is None:
        return NextDeadline("Acknowledge", acknowledgement_due)
    if responded_on is not None:
        return None
    if response_due is not None:
        return NextDeadline("Respond", response_due)
    if backstop_due is not None and not reopened:
        return NextDeadline("Agree a response date (6-month limit)", backstop_due)
    return None
