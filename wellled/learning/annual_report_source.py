"""The action taken or to be taken as a result of complaints, for the regulation 18
annual report (complaints/annual_report.py asks; complaints cannot import the
improvement register, which sits above it).

Regulation 18(2)(d) of the 2009 Complaints Regulations: the report summarises "any
matters where action has been or is to be taken to improve services as a
consequence of those complaints". Each improvement action raised on a well-founded
issue's learning is one line: what will change (`Action.title`), whether it is done
(and when) or its status and due date. Titles name the change, not the people.
"""

from __future__ import annotations

from collections.abc import Sequence

from wellled.complaints.annual_report import NarrativeLine
from wellled.complaints.models import ComplaintIssue
from wellled.core.workdays import long_date
from wellled.improvement.models import Status
from wellled.improvement.queries import actions_for_sources
from wellled.learning.improvement_source import KIND


def action_lines(issue_ids: Sequence[int]) -> list[NarrativeLine]:
    subjects = dict(
        ComplaintIssue.objects.filter(pk__in=issue_ids).values_list("pk", "subject__label")
    )
    actions = actions_for_sources(KIND, list(issue_ids)).order_by("status", "due_on", "pk")
    lines = []
    for action in actions:
        subject = subjects.get(int(action.source_id), "")
        if action.status == Status.DONE:
            heading = f"Action taken: {subject}"
            when = f"done {long_date(action.done_on)}" if action.done_on else "done"
        else:
            heading = f"Action to be taken: {subject}"
            when = f"{action.get_status_display().lower()}, due {long_date(action.due_on)}"
        lines.append(NarrativeLine(heading, f"{action.title} ({when})", "18(2)(d)(iii)"))
    return lines
