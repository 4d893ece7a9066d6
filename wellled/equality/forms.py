"""Forms of the equality app: validation and conversion only."""

from __future__ import annotations

import csv
import io
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from wellled.core.nhsforms import NHSForm
from wellled.core.uploads import size_label
from wellled.equality.models import Standard


class ImportForm(NHSForm):
    standard = forms.ChoiceField(
        label="Standard",
        choices=Standard.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose WRES or WDES"},
    )
    year = forms.IntegerField(
        label="Year",
        help_text="The year of the 31 March snapshot, for example 2025",
        error_messages={
            "required": "Enter the year",
            "invalid": "Enter the year as a number, like 2025",
        },
    )
    file = forms.FileField(
        label="Counts file",
        error_messages={
            "required": "Choose a CSV file to upload",
            "empty": "The file is empty",
            "invalid": "Choose a CSV file to upload",
        },
    )
    replace = forms.BooleanField(
        label="Replace the figures held for this year (the old ones stay in the audit trail)",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.attrs.update({"class": "nhsuk-input nhsuk-input--width-4"})
        limit = size_label(settings.MAX_UPLOAD_BYTES)
        self.fields["file"].help_text = f"A .csv file (UTF-8), smaller than {limit}"
        self.fields["file"].widget.attrs["accept"] = ".csv,text/csv"

    def clean_file(self) -> tuple[list[dict[str, str]], str]:
        """(the rows as dicts, the file's name)."""
        upload = self.cleaned_data["file"]
        limit = settings.MAX_UPLOAD_BYTES
        raw = upload.read(limit + 1)
        if len(raw) > limit:
            raise ValidationError(f"The file must be smaller than {size_label(limit)}")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError("Save the file as CSV (UTF-8) and upload it again") from None
        reader = csv.DictReader(io.StringIO(text))
        missing = {"measure", "group", "count"} - set(reader.fieldnames or [])
        if missing:
            raise ValidationError(
                "The first row must name the columns measure, group and count "
                f"(missing: {', '.join(sorted(missing))})"
            )
        return list(reader), (upload.name or "")[:200]
