"""A leader's visits as an iCalendar file (RFC 5545), so they land in their diary.

Times are the usual slot of each session in the trust's time zone (a visit is
"no longer than an hour", docs/leadership.md), written in UTC so no VTIMEZONE
block is needed. Only the place, the date and who goes: never what a visit found.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from wellled.leadership.models import Session, Visit

START_TIMES: dict[str, datetime.time] = {
    Session.IN_HOURS: datetime.time(10, 0),
    Session.EVENING: datetime.time(18, 30),
    Session.WEEKEND: datetime.time(11, 0),
}
LENGTH = datetime.timedelta(hours=1)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets are folded (RFC 5545 section 3.1)."""
    out: list[str] = []
    while len(line.encode("utf-8")) > 75:
        cut = 74
        while len(line[:cut].encode("utf-8")) > 74:
            cut -= 1
        out.append(line[:cut])
        line = " " + line[cut:]
    out.append(line)
    return out


def _utc(day: datetime.date, time: datetime.time) -> str:
    local = datetime.datetime.combine(day, time, tzinfo=ZoneInfo(settings.TIME_ZONE))
    return local.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _names(visit: Visit) -> str:
    people = [p for p in (visit.executive, visit.non_executive) if p is not None]
    return " and ".join(p.get_full_name() or p.get_username() for p in people)


def ics(visits: Iterable[Visit]) -> str:
    stamp = timezone.now().astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//wellled//walkrounds//EN"]
    lines.append("CALSCALE:GREGORIAN")
    for visit in visits:
        start = START_TIMES.get(visit.session, START_TIMES[Session.IN_HOURS])
        end = (datetime.datetime.combine(visit.planned_on, start) + LENGTH).time()
        lines += [
            "BEGIN:VEVENT",
            f"UID:walkround-visit-{visit.pk}@wellled",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_utc(visit.planned_on, start)}",
            f"DTEND:{_utc(visit.planned_on, end)}",
            *_fold(f"SUMMARY:{_escape(f'Walkround: {visit.place.name}')}"),
            *_fold(f"DESCRIPTION:{_escape(f'{visit.programme.name}. With {_names(visit)}.')}"),
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"
