"""Forms for the improvement pages: they read and shape input; the rules are in the
actions package, whose ValidationErrors land beside these fields (the field names
match the actions' error keys)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.forms.boundfield import BoundField

from wellled.assurance import frameworks
from wellled.assurance.models import EvidenceKind
from wellled.core.forms import NHSDateField
from wellled.core.nhsforms import NHSForm
from wellled.improvement import sources
from wellled.improvement.models import OPEN_STATUSES
from wellled.improvement.queries import Filters
from wellled.organisation.models import OrgUnit, Role

MILESTONE_ROWS = 3  # optional milestone rows on the page that raises an action

STATES = [
    ("", "Any"),
    ("open", "Open"),
    ("overdue", "Overdue"),
    ("at_risk", "At risk"),
    ("done", "Done"),
    ("awaiting_sign_off", "Awaiting sign-off"),
]


def person_label(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def _date(label: str, subject: str, *, required: bool = True, hint: str = "") -> NHSDateField:
    return NHSDateField(
        label=label,
        subject=subject,
        required=required,
        required_message=f"Enter {subject[0].lower()}{subject[1:]}",
        help_text=hint or "For example, 15 3 2026",
    )


def _text(label: str, *, required: bool = True, rows: int = 4, hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class PageForm(NHSForm):
    """A form whose fields the shared page template lays out in order (date fields
    as NHS.UK date inputs).

    No field is required here: the action says what is missing, in its own words
    and together with every other refusal, rather than the form stopping first
    at "This field is required"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    def rows(self) -> list[tuple[BoundField, bool]]:
        return [
            (self[name], isinstance(field, NHSDateField))
            for name, field in self.fields.items()
            if not isinstance(field.widget, forms.HiddenInput)
        ]


# The register's filters ---------------------------------------------------------


class RegisterFilterForm(NHSForm):
    state = forms.ChoiceField(label="State", choices=STATES, required=False)
    source_kind = forms.ChoiceField(label="Raised by", choices=(), required=False)
    care_group = UnitChoiceField(
        label="Care group", queryset=OrgUnit.objects.none(), required=False, empty_label="Any"
    )
    owner = PersonChoiceField(
        label="Owner", queryset=User.objects.none(), required=False, empty_label="Anyone"
    )
    executive = PersonChoiceField(
        label="Executive", queryset=User.objects.none(), required=False, empty_label="Anyone"
    )

    def __init__(
        self,
        *args: Any,
        groups: list[OrgUnit],
        owners: QuerySet[User],
        executives: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        kind_field = self.fields["source_kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = [("", "Any"), *((t.kind, t.label) for t in sources.all_types())]
        for name, queryset in (
            ("care_group", OrgUnit.objects.filter(pk__in=[g.pk for g in groups])),
            ("owner", owners),
            ("executive", executives),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset

    def filters(self) -> Filters:
        """The chosen filters; none when the form is unbound or wrong."""
        if not self.is_bound or not self.is_valid():
            return Filters()
        data = self.cleaned_data
        return Filters(
            state=data["state"],
            source_kind=data["source_kind"],
            care_group=data["care_group"],
            owner_id=data["owner"].pk if data["owner"] else None,
            executive_id=data["executive"].pk if data["executive"] else None,
        )


# Raising ------------------------------------------------------------------------


class RaiseForm(PageForm):
    title = forms.CharField(label="What will change", max_length=200)
    description = _text("Description", required=False, hint="How, and what it answers")
    owner = PersonChoiceField(label="Owner", queryset=User.objects.none(), empty_label="Choose")
    executive = PersonChoiceField(
        label="Accountable executive",
        queryset=User.objects.none(),
        required=False,
        empty_label="None",
    )
    due_on = _date("Due date", "The due date")
    sign_off_role = forms.ChoiceField(
        label="Signed off by",
        choices=[("", "No sign-off"), *Role.choices],
        required=False,
        help_text="Someone holding this role, other than the owner, signs the action off",
    )
    # Never rendered: the milestones' fieldset takes this id, so an error about the
    # milestones shows beside them and the error summary links to them.
    milestones = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, people: QuerySet[User], executives: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (("owner", people), ("executive", executives)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset
        for n in range(1, MILESTONE_ROWS + 1):
            # Added after NHSForm styled the declared fields, so styled here.
            self.fields[f"milestone_{n}_title"] = forms.CharField(
                label=f"Milestone {n}",
                max_length=200,
                required=False,
                widget=forms.TextInput(attrs={"class": "nhsuk-input"}),
            )
            self.fields[f"milestone_{n}_due"] = _date(
                f"Milestone {n} due", f"The due date of milestone {n}", required=False
            )

    def rows(self) -> list[tuple[BoundField, bool]]:
        return [row for row in super().rows() if not row[0].name.startswith("milestone_")]

    def milestone_rows(self) -> list[tuple[BoundField, BoundField]]:
        return [
            (self[f"milestone_{n}_title"], self[f"milestone_{n}_due"])
            for n in range(1, MILESTONE_ROWS + 1)
        ]

    def milestone_plan(self) -> list[tuple[str, datetime.date | None]]:
        data = self.cleaned_data
        plan = []
        for n in range(1, MILESTONE_ROWS + 1):
            title, due = data.get(f"milestone_{n}_title", ""), data.get(f"milestone_{n}_due")
            if title or due:
                plan.append((title, due))
        return plan


# Progress and milestones ----------------------------------------------------------


class ProgressForm(PageForm):
    status = forms.ChoiceField(
        label="How is it going?",
        choices=[(s.value, s.label) for s in OPEN_STATUSES],
        widget=forms.RadioSelect,
        help_text="To mark it done, complete the action with its evidence",
    )
    note = _text("What has happened since the last update")
    written_on = _date(
        "Date of the update", "The date of the update", required=False, hint="Leave empty for today"
    )


class MilestoneForm(PageForm):
    title = forms.CharField(label="Milestone", max_length=200)
    due_on = _date("Due date", "The milestone's due date")


class MilestoneDoneForm(PageForm):
    done_on = _date(
        "Date it was done", "The date it was done", required=False, hint="Leave empty for today"
    )


# Evidence and completion ------------------------------------------------------------


def statement_choices() -> list[tuple[str, str]]:
    methodology = frameworks.evidence_framework_methodology()
    return [(s.id, f"{s.label} {s.name}") for s in frameworks.all_statements(methodology)]


class EvidenceForm(PageForm):
    kind = forms.ChoiceField(
        label="Kind of evidence", choices=EvidenceKind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(label="Title", max_length=200)
    description = _text(
        "Description or note",
        required=False,
        hint="For a note, the note itself. Do not include patients' or staff's details",
    )
    url = forms.CharField(label="Web address (for a link)", required=False, max_length=500)
    file = forms.FileField(
        label="Document (for a document)",
        required=False,
        help_text="PDF, Word (DOCX), Excel (XLSX), PNG, JPEG, CSV or plain text",
    )
    measure_key = forms.ChoiceField(label="Live measure (for a measure)", required=False)
    statements = forms.MultipleChoiceField(
        label="Quality statements it supports",
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    evidence_date = _date(
        "Date of the evidence",
        "The date of the evidence",
        required=False,
        hint="Leave empty for today",
    )

    def __init__(self, *args: Any, measures: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        statements = self.fields["statements"]
        assert isinstance(statements, forms.MultipleChoiceField)
        statements.choices = statement_choices()
        measure = self.fields["measure_key"]
        assert isinstance(measure, forms.ChoiceField)
        measure.choices = [("", "None"), *measures]


class CompleteForm(PageForm):
    note = _text("What was done", hint="The completion note the board and sign-off will read")
    done_on = _date(
        "Date it was done", "The date it was done", required=False, hint="Leave empty for today"
    )
    measure = forms.ChoiceField(
        label="Did it work? The measure it meant to move",
        required=False,
        help_text="Shown beside the action with its SPC chart",
    )

    def __init__(self, *args: Any, measures: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        measure = self.fields["measure"]
        assert isinstance(measure, forms.ChoiceField)
        measure.choices = [("", "None"), *measures]


# Managing and signing off -----------------------------------------------------------


class ReplanForm(PageForm):
    due_on = _date("New due date", "The new due date")
    reason = _text("Why the due date moves", hint="Kept with the action's history")


class ReassignForm(PageForm):
    owner = PersonChoiceField(label="Owner", queryset=User.objects.none(), empty_label="Choose")
    team = UnitChoiceField(
        label="Team", queryset=OrgUnit.objects.none(), required=False, empty_label="No team"
    )
    executive = PersonChoiceField(
        label="Accountable executive",
        queryset=User.objects.none(),
        required=False,
        empty_label="None",
    )

    def __init__(
        self,
        *args: Any,
        people: QuerySet[User],
        executives: QuerySet[User],
        teams: QuerySet[OrgUnit],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (("owner", people), ("executive", executives), ("team", teams)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset


class SignOffForm(PageForm):
    note = _text("Sign-off note", required=False, rows=3, hint="What you checked")


class ReopenForm(PageForm):
    reason = _text("Why it is reopened", hint="Kept as a progress update and in the audit")
