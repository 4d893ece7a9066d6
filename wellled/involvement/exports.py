"""The finance workbook: approved claims waiting for payment."""

from __future__ import annotations

import io
from collections.abc import Iterable

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
# A cell starting with one of these is read as a formula by spreadsheet programs;
# names come from a public form, so they are always written as text.
_FORMULA_START = ("=", "+", "-", "@")


def finance_workbook(claims: Iterable[Claim]) -> bytes:
    # openpyxl is loaded only when a spreadsheet is asked for: it is slow to import.
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Claims to pay"
    sheet.append(HEADINGS)
    for claim in claims:
        activity = claim.participation.activity
        sheet.append(
            [
                claim.pk,
                claim.participation.person.full_name,
                activity.opportunity.title,
                activity.held_on,
                (0 if claim.payment_declined else claim.payment_pence) / 100,
                claim.expenses_pence / 100,
                claim.total_pence / 100,
                claim.approved_on,
            ]
        )
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
                cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
