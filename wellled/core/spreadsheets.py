"""One spreadsheet writer for exports: an .xlsx of one sheet, with text that a
spreadsheet would run as a formula made inert.

Cells that begin with = + - @ (or a tab or carriage return) are prefixed with an
apostrophe, so no export can smuggle in a formula; dates keep a date format.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value, with text that a spreadsheet would run as a formula made inert."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append([safe_cell(h) for h in headers])
    for row in rows:
        cells: list[Any] = []
        for value in row:
            value = safe_cell("" if value is None else value)
            if isinstance(value, datetime.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(
    file_name: str, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(title, headers, rows), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{file_name}.xlsx"'
    return response
