"""Cases for the reporting tests, with chosen reporting fields and weeks.

The casework actions stamp today's week on a new concern, so reporting tests
that need cases spread over past quarters write the plaintext reporting fields
directly; their sealed content is opaque filler, which reporting never reads.
One test (test_reporting_return) also counts a concern raised through the
real action.
"""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from wellled.speakup.models import Case, Theme, monday_of

_numbers = itertools.count(1)


def make_case(received: datetime.date, *, themes: tuple[str, ...] = (), **fields: Any) -> Case:
    week = monday_of(received)
    closed = fields.pop("closed", None)
    values: dict[str, Any] = {
        "reference": f"T{next(_numbers):07d}",
        "route": "open",
        "disclosure": fields.get("route", "open"),
        "received_week": week,
        "updated_week": week,
        "sealed_summary": b"\x00sealed",
        "sealed_narrative": b"\x00sealed",
    }
    if closed is not None:
        values.update(status="closed", closed_week=monday_of(closed))
    values.update(fields)
    case = Case.objects.create(**values)
    if themes:
        case.themes.set([Theme.objects.get_or_create(name=name)[0] for name in themes])
    return case


def make_cases(count: int, received: datetime.date, **fields: Any) -> list[Case]:
    return [make_case(received, **fields) for _ in range(count)]
