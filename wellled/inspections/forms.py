"""Forms for the inspections pages: they read and shape input; the rules are in actions.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from wellled.core.forms import NHSDateField
from wellled.core.nhsforms import NHSForm
from wellled.engines.ratings import Methodology, get_methodology, methodologies
from wellled.inspections.models import (
    FindingKind,
    InspectionKind,
    RatingWord,
)
from wellled.organisation.models import OrgUnit

_ALIASES = {"statement_ids": "statements", "scores": None, "ratings": None, "milestones": None}


def _date(label: str, subject: str, *, required: bool = True) -> NHSDateField:
    return NHSDateField(
        label=label, subject=subject, required=required, help_text="For example, 15 3 2026"
    )


def _rating_choices(empty: str) -> list[tuple[str, str]]:
    return [("", empty), *RatingWord.choices]


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return f"{obj.name} ({obj.get_kind_display().lower()})"


class InspectionForm(NHSForm):
    kind = forms.ChoiceField(
        label="Type",
        choices=InspectionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of inspection"},
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, CQC well-led inspection 2025",
        error_messages={"required": "Enter a title"},
    )
    methodology = forms.ChoiceField(
        label="Assessment framework",
        choices=[],
        error_messages={"required": "Choose the assessment framework used"},
    )
    scope = UnitChoiceField(
        label="What was inspected",
        queryset=OrgUnit.objects.none(),
        empty_label="Choose the trust, a location or a service",
        error_messages={"required": "Choose what was inspected"},
    )
    started_on = _date("First day of the inspection", "The start date")
    ended_on = _date("Last day of the inspection", "The end date")
    report_published_on = _date(
        "Date the report was published (if it has been)", "The publication date", required=False
    )
    report_url = forms.URLField(
        label="Link to the published report (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": "Enter a web address, like https://www.cqc.org.uk/..."},
    )
    overall_rating = forms.ChoiceField(
        label="Overall rating (optional)",
        required=False,
        choices=_rating_choices("No overall rating"),
    )

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = self.fields["scope"]
        assert isinstance(scope, UnitChoiceField)
        scope.queryset = units
        methodology = self.fields["methodology"]
        assert isinstance(methodology, forms.ChoiceField)
        methodology.choices = [(m, get_methodology(m).title) for m in methodologies()]


class RatingsForm(NHSForm):
    """A rating per key question and a score per statement of the inspection's methodology."""

    overall_rating = forms.ChoiceField(
        label="Overall rating", required=False, choices=_rating_choices("No overall rating")
    )

    def __init__(self, *args: Any, methodology: Methodology, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.methodology = methodology
        self.sections: list[dict[str, Any]] = []
        scored = methodology.key_question_scoring is not None
        for kq in methodology.key_questions:
            rating_name = f"rating_{kq.id}"
            self.fields[rating_name] = forms.ChoiceField(
                label=f"{kq.name}: rating",
                required=False,
                choices=_rating_choices("Not rated"),
            )
            names = []
            if scored:
                for statement in kq.statements:
                    name = f"score_{statement.id}"
                    self.fields[name] = forms.TypedChoiceField(
                        label=f"{statement.label} {statement.name}",
                        required=False,
                        coerce=int,
                        empty_value=None,
                        choices=[
                            ("", "Not scored"),
                            ("4", "4: exceptional standard"),
                            ("3", "3: good standard"),
                            ("2", "2: some shortfalls"),
                            ("1", "1: significant shortfalls"),
                        ],
                        error_messages={"invalid_choice": "Choose a score from 1 to 4"},
                    )
                    names.append(name)
            self.sections.append({"name": kq.name, "rating": rating_name, "scores": names})

    def key_question_ratings(self) -> dict[str, str]:
        return {
            kq.id: self.cleaned_data.get(f"rating_{kq.id}") or ""
            for kq in self.methodology.key_questions
        }

    def statement_scores(self) -> dict[str, int | None]:
        return {
            name.removeprefix("score_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("score_")
        }


class FindingForm(NHSForm):
    kind = forms.ChoiceField(
        label="Type of finding",
        choices=FindingKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of finding"},
    )
    reference = forms.CharField(
        label="Reference (optional)",
        required=False,
        max_length=20,
        help_text="As the report numbers it, for example MD1 or SD3",
    )
    regulation = forms.CharField(
        label="Regulation",
        required=False,
        max_length=300,
        help_text=(
            "Needed for notices and conditions, for example "
            "Regulation 16: Receiving and acting on complaints"
        ),
    )
    text = forms.CharField(
        label="The finding, as the report words it",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the finding"},
    )
    statements = forms.MultipleChoiceField(
        label="Quality statements it is about",
        required=False,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, methodology: Methodology, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        statements = self.fields["statements"]
        assert isinstance(statements, forms.MultipleChoiceField)
        statements.choices = [
            (s.id, f"{kq.name}: {s.label} {s.name}")
            for kq in methodology.key_questions
            for s in kq.statements
        ]
