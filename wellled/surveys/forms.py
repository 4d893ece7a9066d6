"""Forms of the surveys app: validation and conversion only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from wellled.core.nhsforms import NHSForm
from wellled.core.uploads import size_label
from wellled.surveys.actions import FIRST_YEAR
from wellled.surveys.importer import FileProblem, detect_kind
from wellled.surveys.question_maps import map_for_year, question_maps

AUTOMATIC = ""


class ImportForm(NHSForm):
    year = forms.IntegerField(
        label="Survey year",
        help_text="The year the survey was run, for example 2024 (results published in 2025)",
        error_messages={
            "required": "Enter the survey year",
            "invalid": "Enter the survey year as a number, like 2024",
        },
    )
    question_map = forms.ChoiceField(
        label="Question map",
        required=False,
        help_text="Which question numbers the file uses. Leave it to wellled unless told otherwise",
    )
    file = forms.FileField(
        label="Results file",
        error_messages={
            "required": "Choose a CSV or Excel file to upload",
            "empty": "The file is empty",
            "invalid": "Choose a CSV or Excel file to upload",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.attrs.update({"class": "nhsuk-input nhsuk-input--width-4"})
        map_field = self.fields["question_map"]
        assert isinstance(map_field, forms.ChoiceField)
        map_field.choices = [
            (AUTOMATIC, "The map for the survey year"),
            *[(v, f"{v}: {m.title} ({m.years_label})") for v, m in question_maps().items()],
        ]
        limit = size_label(settings.MAX_UPLOAD_BYTES)
        self.fields["file"].help_text = f"A .csv (UTF-8) or .xlsx file, smaller than {limit}"
        self.fields["file"].widget.attrs["accept"] = (
            ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )

    def clean_year(self) -> int:
        year = int(self.cleaned_data["year"])
        this_year = timezone.localdate().year
        if not FIRST_YEAR <= year <= this_year:
            raise ValidationError(f"Enter a survey year from {FIRST_YEAR} to {this_year}")
        return year

    def clean_file(self) -> tuple[bytes, str, str]:
        """(bytes, 'csv' or 'xlsx' from the bytes, the file's name)."""
        upload = self.cleaned_data["file"]
        limit = settings.MAX_UPLOAD_BYTES
        too_big = ValidationError(f"The file must be smaller than {size_label(limit)}")
        if upload.size is not None and upload.size > limit:
            raise too_big
        raw = upload.read(limit + 1)
        if len(raw) > limit:
            raise too_big
        try:
            kind = detect_kind(raw)
        except FileProblem as problem:
            raise ValidationError(str(problem)) from None
        return raw, kind, (upload.name or "")[:200]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        year = cleaned.get("year")
        if year is not None and not cleaned.get("question_map"):
            found = map_for_year(year)
            if found is None:
                self.add_error(
                    "question_map",
                    f"No question map covers survey year {year}: ask for one to be added",
                )
            else:
                cleaned["question_map"] = found.version
        return cleaned
