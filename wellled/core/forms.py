"""Forms owned by the core app.

Calendar forms come first; other core forms (audit search) follow below them.
"""

from __future__ import annotations

import calendar as stdlib_calendar
import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from wellled.core.nhsforms import NHSBoundField, NHSForm

# --- Calendar: closure days and the working-day calculator -------------------


DATE_PARTS = ("day", "month", "year")
_MONTH_NAMES = {
    name.lower(): number
    for number in range(1, 13)
    for name in (stdlib_calendar.month_name[number], stdlib_calendar.month_abbr[number])
}
_MONTH_NAMES["sept"] = 9


class DatePartsWidget(forms.MultiWidget):
    """Three text boxes, day, month and year, submitted as <name>_day and so on.

    Templates render it with includes/date_input.html, which follows the NHS.UK
    date input; this widget only reads and splits values.
    """

    def __init__(self) -> None:
        super().__init__(widgets={part: forms.TextInput() for part in DATE_PARTS})

    def decompress(self, value: Any) -> list[str]:
        return split_date(value)


def split_date(value: Any) -> list[str]:
    """[day, month, year] as typed: the boxes' values for a date or raw input."""
    if isinstance(value, list | tuple):
        return [str(part or "") for part in value]
    if isinstance(value, datetime.date):
        return [str(value.day), str(value.month), str(value.year)]
    return ["", "", ""]


def _error(message: str, parts: tuple[str, ...]) -> ValidationError:
    # The code names the boxes to highlight, e.g. "date_day_year".
    return ValidationError(message, code="date_" + "_".join(parts))


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


class DateBoundField(NHSBoundField):
    """A bound NHS date input: knows which of its boxes are in error."""

    @property
    def base_id(self) -> str:
        return str(super().auto_id)

    @property
    def auto_id(self) -> str:
        # The error summary links to `auto_id`: send it to the first box in error.
        return f"{self.base_id}_{self.error_parts[0] if self.error_parts else 'day'}"

    @property
    def error_parts(self) -> tuple[str, ...]:
        if not self.errors:
            return ()
        code = self.errors.as_data()[0].code or ""
        if code.startswith("date_"):
            named = tuple(part for part in DATE_PARTS if part in code[5:].split("_"))
            if named:
                return named
        return DATE_PARTS

    @property
    def parts(self) -> list[dict[str, Any]]:
        """What includes/date_input.html needs for each of the three boxes."""
        value = split_date(self.value())
        return [
            {
                "part": part,
                "label": part.title(),
                "id": f"{self.base_id}_{part}",
                "name": f"{self.html_name}_{part}",
                "value": value[index] if index < len(value) else "",
                "width": 4 if part == "year" else 2,
                "error": part in self.error_parts,
            }
            for index, part in enumerate(DATE_PARTS)
        ]


class NHSDateField(forms.MultiValueField):
    """A date entered as day, month and year, with GOV.UK-style specific errors.

    `subject` starts the messages ("Date must be a real date"); `required_message`
    is shown when all three boxes are empty. Months may also be typed as words.
    """

    widget = DatePartsWidget
    bound_field_class = DateBoundField

    def __init__(self, *, subject: str = "Date", required_message: str = "", **kwargs: Any):
        self.subject = subject
        self.required_message = required_message or f"Enter the {subject.lower()}"
        fields = tuple(forms.CharField(required=False) for _ in DATE_PARTS)
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def clean(self, value: Any) -> datetime.date | None:
        day, month, year = (part.strip() for part in split_date(value))
        if not (day or month or year):
            if self.required:
                raise _error(self.required_message, DATE_PARTS)
            return None
        missing = [
            name for name, text in zip(DATE_PARTS, (day, month, year), strict=True) if not text
        ]
        if missing:
            raise _error(f"{self.subject} must include a {_and(missing)}", tuple(missing))
        real = f"{self.subject} must be a real date"
        wrong = []
        day_number = int(day) if day.isdigit() else None
        month_number = int(month) if month.isdigit() else _MONTH_NAMES.get(month.lower())
        if day_number is None or not 1 <= day_number <= 31:
            wrong.append("day")
        if month_number is None or not 1 <= month_number <= 12:
            wrong.append("month")
        if not year.isdigit() or int(year) == 0:
            wrong.append("year")
        if wrong:
            raise _error(real, tuple(wrong))
        if len(year) != 4:
            raise _error("Year must include 4 numbers", ("year",))
        assert day_number is not None and month_number is not None
        try:
            result = datetime.date(int(year), month_number, day_number)
        except ValueError:
            # 31 April, 29 February in a common year: the day is what is wrong.
            raise _error(real, ("day",)) from None
        self.run_validators(result)
        return result


class ClosureDayForm(NHSForm):
    date = NHSDateField(
        label="Date the trust is closed",
        help_text="For example, 24 12 2026. Past dates can be recorded too.",
        subject="Date",
        required_message="Enter the date the trust is closed",
    )
    reason = forms.CharField(
        label="Reason",
        help_text="For example, Christmas Eve closure",
        max_length=200,
        error_messages={
            "required": "Enter why the trust is closed on this day",
            "max_length": "Reason must be 200 characters or fewer",
        },
        widget=forms.TextInput(attrs={"class": "nhsuk-input", "autocomplete": "off"}),
    )


MAX_CALCULATOR_DAYS = 500


class WorkingDayCalculatorForm(NHSForm):
    start = NHSDateField(
        label="Start date",
        help_text="The day the clock starts, for example the day a complaint was received. "
        "For example, 3 11 2026.",
        subject="Start date",
    )
    days = forms.IntegerField(
        label="Number of working days",
        help_text="For example, 3 to acknowledge a complaint",
        min_value=1,
        max_value=MAX_CALCULATOR_DAYS,
        error_messages={
            "required": "Enter the number of working days",
            "invalid": "Number of working days must be a whole number, like 20",
            "min_value": "Number of working days must be 1 or more",
            "max_value": f"Number of working days must be {MAX_CALCULATOR_DAYS} or fewer",
        },
        widget=forms.TextInput(
            attrs={"class": "nhsuk-input nhsuk-input--width-4", "inputmode": "numeric"}
        ),
    )


# --- Audit search (below) ----------------------------------------------------


class AuditSearchForm(forms.Form):
    """Filters for the audit trail page. Every field is optional; a GET form."""

    bound_field_class = NHSBoundField
    # The page's order: what people search by first, the trail's own ids after.
    field_order = ("reference", "actor", "action", "object_type", "object_id")

    action = forms.CharField(
        label="Action starts with",
        help_text="For example, closure_day or organisation.unit",
        required=False,
        max_length=100,
        error_messages={"max_length": "Action must be 100 characters or fewer"},
        widget=forms.TextInput(attrs={"class": "nhsuk-input nhsuk-input--width-20"}),
    )
    object_type = forms.CharField(
        label="Object type",
        help_text="For example, core.closureday",
        required=False,
        max_length=100,
        error_messages={"max_length": "Object type must be 100 characters or fewer"},
        widget=forms.TextInput(attrs={"class": "nhsuk-input nhsuk-input--width-20"}),
    )
    object_id = forms.CharField(
        label="Object id",
        required=False,
        max_length=64,
        error_messages={"max_length": "Object id must be 64 characters or fewer"},
        widget=forms.TextInput(attrs={"class": "nhsuk-input nhsuk-input--width-20"}),
    )
    reference = forms.CharField(
        label="Reference or name of what was changed",
        help_text="All or part of it, for example a complaint reference like C-2026-00142",
        required=False,
        max_length=200,
        error_messages={"max_length": "Reference or name must be 200 characters or fewer"},
        widget=forms.TextInput(
            attrs={"class": "nhsuk-input nhsuk-input--width-20", "spellcheck": "false"}
        ),
    )
    actor = forms.CharField(
        label="Who acted",
        help_text="Their username at the time, or their name, for example Sam Patel",
        required=False,
        max_length=150,
        error_messages={"max_length": "Who acted must be 150 characters or fewer"},
        widget=forms.TextInput(
            attrs={"class": "nhsuk-input nhsuk-input--width-20", "autocomplete": "off"}
        ),
    )
    date_from = NHSDateField(
        label="From",
        help_text="For example, 1 4 2026",
        subject="From date",
        required=False,
    )
    date_to = NHSDateField(
        label="To",
        help_text="Includes the whole day. For example, 30 4 2026",
        subject="To date",
        required=False,
    )
    request_id = forms.CharField(
        label="Request id",
        help_text="From an error page or a log line, to see everything one request did",
        required=False,
        max_length=64,
        error_messages={"max_length": "Request id must be 64 characters or fewer"},
        widget=forms.TextInput(
            attrs={"class": "nhsuk-input nhsuk-input--width-30", "spellcheck": "false"}
        ),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error(
                "date_to", _error("To date must be the same as or after the from date", DATE_PARTS)
            )
        return cleaned
