"""The finance workbook: approved claims waiting for payment."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from wellled.involvement.models import Claim

HEADINGS = [
    "Claim",
    "Name",
    "Activity",
    "Date",
    "Payment (£)",
    "Expenses (£)",
    "Total (£)",
    "Approved",
]


def finance_rows(claims: Iterable[Claim]) -> Iterator[Sequence[Any]]:
    """One row a claim. Names come from a public form: the shared writer
    (core/spreadsheets.py) makes any that look like a formula inert."""
    for claim in claims:
        activity = claim.participation.activity
        yield [
            claim.pk,
            claim.participation.person.full_name,
            activity.opportunity.title,
            activity.held_on,
            (0 if claim.payment_declined else claim.payment_pence) / 100,
            claim.expenses_pence / 100,
            claim.total_pence / 100,
            claim.approved_on,
        ]
