"""Every complaints deadline, as pure functions of dates and a working calendar.

Nothing here reads the database: pass a `WorkingCalendar` (in the app, the
statutory one from `wellled.core.workdays.statutory_calendar()`).

The rules, and the choices made where the Regulations leave room:

* Acknowledgement (reg 13): due on the 3rd working day after the day of receipt,
  not counting that day. Received on a Friday or a Saturday: due the Wednesday.
* Working days (reg 13): every statutory working-day count uses
  `wellled.core.workdays.statutory_calendar()`: weekends, Christmas Day, Good Friday
  and bank holidays in England only. A trust's own closure days never move them.
* Statutory period (reg 14(2)): "the period of six months beginning on the day on
  which the complaint was received". A period that begins on a day counts that day,
  so it ends on the day before the corresponding date six months on (received 15
  January: the last day is 14 July; 29 February 2024: 28 August 2024). When that
  month has no corresponding date (received 31 August: no 31 February), the period
  runs to the end of that month (28 or 29 February), as courts read periods of
  months "beginning with" a day (the corresponding date rule, Dodds v Walker
  [1981] 1 WLR 1441; no corresponding date, Pruden v Cunard Ellerman [1993] IRLR
  317). UNCERTAIN only for those month-end days: no court has ruled on this
  Regulation. The last day is a calendar date and is not moved off a weekend or
  holiday. A later date replaces it only if the complainant agreed it on or before
  that last day ("such longer period as may be agreed before the expiry of that
  period"); a date agreed after the period had run out does not.
* Response due (regs 13(7), 14(2)): the date agreed with the complainant, else the
  date the trust set and told the complainant of, else the last day of the
  six-month period. Every formal complaint has one from the day it is received.
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
    """The last day of the six months beginning on the day of receipt (reg 14(2))."""
    corresponding = add_months(received_on, BACKSTOP_MONTHS)
    if corresponding.day != received_on.day:
        # No corresponding date in that month: relativedelta stopped at its last day.
        return corresponding
    return corresponding - datetime.timedelta(days=1)


def applicable_response_due(response_due: Date | None, backstop_due: Date | None) -> Date | None:
    """The date a response is due: agreed or set by the trust, else the six months."""
    return response_due if response_due is not None else backstop_due


@dataclass(frozen=True)
class Agreement:
    """A response date the complainant agreed, and the day they agreed it."""

    agreed_on: Date
    new_date: Date


def statutory_backstop(received_on: Date, agreements: Iterable[Agreement] = ()) -> Date:
    """The six months' last day, or a later date agreed on or before that day."""
    backstop = six_months_after(received_on)
    in_time = [a.new_date for a in agreements if a.agreed_on <= backstop]
    return max([backstop, *in_time])


def agreements(
    *,
    basis_agreed: bool,
    agreed_on: Date | None,
    response_due: Date | None,
    extensions: Iterable[tuple[Date, Date, Date]],
) -> list[Agreement]:
    """The agreed dates of one case: the first agreement and each extension.

    `extensions` holds (agreed on, previous date, new date), oldest first. The first
    agreement was to the date the earliest extension replaced (or, with none, to
    the response date now): an extension agreed after the six months had run out
    does not carry the first agreement's day with it.
    """
    found = [Agreement(agreed_on=on, new_date=new) for on, _previous, new in extensions]
    if basis_agreed and agreed_on is not None and response_due is not None:
        first_date = next((previous for _on, previous, _new in extensions), response_due)
        found.append(Agreement(agreed_on=agreed_on, new_date=first_date))
    return found


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


# Regulation 16(3) of the Health and Social Care Act 2008 (Regulated Activities)
# Regulations 2014: the summary is due "by no later than 28 days beginning on the day
# after receipt of the request". Day 1 is the day after; so day 28 is receipt + 28.
CQC_SUMMARY_DAYS = 28


def cqc_summary_due(received_on: Date) -> Date:
    """The last day to send CQC the summary it asked for (calendar days)."""
    return received_on + datetime.timedelta(days=CQC_SUMMARY_DAYS)
