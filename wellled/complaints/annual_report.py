"""Regulation 18's narrative: what the annual report must summarise beyond its counts.

Regulation 18(2)(d) of the Local Authority Social Services and National Health
Service Complaints (England) Regulations 2009
(https://www.legislation.gov.uk/uksi/2009/309/regulation/18) asks the annual report
to summarise the subject matter of the complaints received, any matters of general
importance arising out of those complaints or the way they were handled, and any
matters where action has been or is to be taken to improve services as a
consequence. The subject matter comes from the issues' KO41a subjects
(exports.reg18_figures); this module gives the other two as lines of text.

Matters of general importance are the learning recorded on the well-founded issues,
and how the responses kept time. The action taken or to be taken lives in the
improvement register, which complaints may not import (it sits above): the learning
module registers a source here in its AppConfig.ready(), as it does for closure.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet

from wellled.complaints import measures
from wellled.complaints.models import Complaint, ComplaintIssue


@dataclass(frozen=True)
class NarrativeLine:
    heading: str
    text: str
    regulation: str


# Given the well-founded issues the report covers, the lines a module adds.
NarrativeSource = Callable[[Sequence[int]], Iterable[NarrativeLine]]

_sources: list[NarrativeSource] = []


def register_narrative_source(source: NarrativeSource) -> None:
    if source not in _sources:
        _sources.append(source)


def narrative_sources() -> list[NarrativeSource]:
    return list(_sources)


def _learning_lines(issue_ids: Sequence[int]) -> list[NarrativeLine]:
    """Each distinct learning statement, under its subject, most common subject first."""
    rows = (
        ComplaintIssue.objects.filter(pk__in=issue_ids)
        .exclude(learning_statement="")
        .order_by("subject__label", "pk")
        .values_list("subject__label", "learning_statement")
    )
    seen: set[tuple[str, str]] = set()
    lines = []
    for subject, statement in rows:
        key = (subject, " ".join(statement.split()).lower())
        if key not in seen:
            seen.add(key)
            lines.append(
                NarrativeLine(f"Matter of general importance: {subject}", statement, "18(2)(d)(ii)")
            )
    return lines


def _handling_line(answered: QuerySet[Complaint]) -> NarrativeLine:
    """How the responses kept time: the way the complaints were handled."""
    total = answered.count()
    late = answered.exclude(first_responded_on__lte=measures._response_due()).count()
    return NarrativeLine(
        "Matter of general importance: how complaints were handled",
        f"{late} of {total} first responses were sent after the date due "
        "(agreed or set, else the last day of the six months)",
        "18(2)(d)(ii)",
    )


def narrative(answered: QuerySet[Complaint]) -> list[NarrativeLine]:
    """The narrative for the complaints answered in the year (`answered`)."""
    issue_ids = list(
        ComplaintIssue.objects.filter(
            complaint__in=answered.values("pk"), outcome__in=["upheld", "partially_upheld"]
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    lines = [_handling_line(answered), *_learning_lines(issue_ids)]
    for source in _sources:
        lines.extend(source(issue_ids))
    return lines
