"""Forms for the organisation pages: validation and conversion only.

The rules live in the actions; `wellled.core.adapters.run_action` puts what an
action refuses back on the form, against the field it is about.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from wellled.core.nhsforms import NHSForm
from wellled.core.uploads import size_label
from wellled.organisation import csv_import
from wellled.organisation.models import (
    ALLOWED_PARENTS,
    OrgUnit,
    Role,
    ServiceLine,
    Setting,
    UnitKind,
)


class UnitChoiceField(forms.ModelChoiceField):
    """Units listed in tree order, indented by depth so the shape reads in a select."""

    def label_from_instance(self, obj: OrgUnit) -> str:
        closed = ", closed" if not obj.is_active else ""
        # No-break spaces survive in an option's text, where ordinary spaces collapse.
        indent = "\u00a0\u00a0\u00a0" * obj.depth
        return f"{indent}{obj.name} ({obj.get_kind_display().lower()}{closed})"


def _kind_choices(kinds: list[str] | None = None) -> list[tuple[str, str]]:
    choices = [(str(value), str(label)) for value, label in UnitKind.choices]
    if kinds is None:
        return choices
    return [choice for choice in choices if choice[0] in kinds]


class UnitFilterForm(NHSForm):
    q = forms.CharField(label="Name contains", required=False, max_length=200)
    kind = forms.ChoiceField(
        label="Kind of unit", required=False, choices=[("", "Any kind"), *_kind_choices()]
    )
    closed = forms.BooleanField(label="Include closed units", required=False)

    def is_filtering(self) -> bool:
        return bool(self.is_valid() and (self.cleaned_data["q"] or self.cleaned_data["kind"]))


def child_kinds(parent: OrgUnit) -> list[str]:
    """The kinds of unit that may sit directly under this one."""
    return [kind for kind, parents in ALLOWED_PARENTS.items() if parent.kind in parents]


class ChooseKindForm(NHSForm):
    kind = forms.ChoiceField(
        label="What kind of unit are you adding?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of unit", "invalid_choice": "Choose a kind"},
    )

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _kind_choices(kinds)


# Which details each kind of unit has.
PLACE_KINDS = (UnitKind.TRUST, UnitKind.HUB, UnitKind.SITE)
DELIVERED_KINDS = (UnitKind.SERVICE, UnitKind.TEAM)


class UnitForm(NHSForm):
    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={
            "required": "Enter a name",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    ods_code = forms.CharField(
        label="ODS code (optional)",
        help_text="The organisation or site code from the Organisation Data Service, like RZZ01",
        required=False,
        max_length=10,
        error_messages={"max_length": "An ODS code is 10 characters or fewer"},
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10", "spellcheck": "false"}),
    )
    address = forms.CharField(
        label="Address (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    postcode = forms.CharField(
        label="Postcode (optional)",
        required=False,
        max_length=10,
        error_messages={"max_length": "A postcode is 10 characters or fewer"},
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10", "autocomplete": "off"}),
    )
    service_line = forms.ChoiceField(
        label="Service line", required=False, choices=ServiceLine.choices, widget=forms.RadioSelect
    )
    setting = forms.ChoiceField(
        label="Setting", required=False, choices=Setting.choices, widget=forms.RadioSelect
    )
    sites = forms.ModelMultipleChoiceField(
        label="Sites where it is delivered (optional)",
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, kind: str, unit: OrgUnit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind not in PLACE_KINDS:
            del self.fields["address"], self.fields["postcode"]
        if kind != UnitKind.SERVICE:
            del self.fields["service_line"], self.fields["setting"]
        if kind in DELIVERED_KINDS:
            sites = OrgUnit.objects.filter(kind=UnitKind.SITE, is_active=True)
            if unit is not None:
                # Keep a closed site that is still linked, so saving does not drop it silently.
                sites = sites | unit.sites.all()
            field = self.fields["sites"]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = sites.distinct().order_by("name")
        else:
            del self.fields["sites"]

    def unit_fields(self) -> dict[str, Any]:
        """The cleaned values the unit actions take (everything but the sites)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "sites"}


class MoveUnitForm(NHSForm):
    parent = UnitChoiceField(
        label="Move it under",
        queryset=OrgUnit.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Choose where the unit should sit",
            "invalid_choice": "Choose a unit you manage",
        },
    )

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["parent"]
        assert isinstance(field, UnitChoiceField)
        field.queryset = units


class ConfirmForm(NHSForm):
    """A POST with nothing to fill in, for confirmation pages."""


class StaffFilterForm(NHSForm):
    q = forms.CharField(label="Name contains", required=False, max_length=200)
    unit = UnitChoiceField(
        label="In unit (and the units below it)",
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label="Anywhere",
        error_messages={"invalid_choice": "Choose a unit from the list"},
    )
    left = forms.BooleanField(label="Include people who have left", required=False)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, UnitChoiceField)
        field.queryset = units


class StaffProfileForm(NHSForm):
    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={
            "required": "Enter the person's name",
            "max_length": "The name must be 200 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    job_title = forms.CharField(label="Job title (optional)", required=False, max_length=200)
    email = forms.EmailField(
        label="Work email (optional)",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.nhs.uk"
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    staff_number = forms.CharField(
        label="Staff number (optional)",
        help_text="For example their ESR assignment number",
        required=False,
        max_length=30,
        error_messages={"max_length": "A staff number is 30 characters or fewer"},
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-20"}),
    )
    unit = UnitChoiceField(
        label="Unit they work in",
        queryset=OrgUnit.objects.none(),
        error_messages={
            "required": "Choose the unit they work in",
            "invalid_choice": "Choose a unit you manage",
        },
    )
    username = forms.CharField(
        label="Their wellled login (optional)",
        help_text="The username of their login, to link it to this profile",
        required=False,
        max_length=150,
        widget=forms.TextInput(
            attrs={"class": "nhsuk-input--width-20", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, UnitChoiceField)
        field.queryset = units

    def clean_username(self) -> User | None:
        username = self.cleaned_data["username"].strip()
        if not username:
            return None
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise ValidationError(f"There is no login with the username {username}")
        return user

    def profile_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["user"] = data.pop("username")
        return data


class PeopleFilterForm(NHSForm):
    q = forms.CharField(label="Username or name contains", required=False, max_length=150)


class LoginForm(NHSForm):
    username = forms.CharField(
        label="Username",
        max_length=150,
        help_text="Letters, numbers and @ . + - _ only. For example, their NHS email address",
        error_messages={
            "required": "Enter a username",
            "max_length": "A username must be 150 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    first_name = forms.CharField(
        label="First name",
        max_length=150,
        error_messages={"required": "Enter the person's first name"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=150,
        error_messages={"required": "Enter the person's last name"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label="Work email (optional)",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.nhs.uk"
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class GrantRoleForm(NHSForm):
    role = forms.ChoiceField(
        label="Role",
        choices=[("", "Choose a role"), *Role.choices],
        error_messages={"required": "Choose a role", "invalid_choice": "Choose a role"},
    )
    unit = UnitChoiceField(
        label="Where",
        help_text="The role applies to this unit and every unit below it",
        queryset=OrgUnit.objects.none(),
        empty_label="Choose a unit",
        error_messages={
            "required": "Choose the unit the role applies to",
            "invalid_choice": "Choose a unit you manage roles for",
        },
    )

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, UnitChoiceField)
        field.queryset = units


class CsvImportForm(NHSForm):
    file = forms.FileField(
        label="CSV file of sites and services",
        error_messages={
            "required": "Choose a CSV file to upload",
            "empty": "The file is empty",
            "invalid": "Choose a CSV file to upload",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = size_label(settings.MAX_UPLOAD_BYTES)
        self.fields["file"].help_text = f"A .csv file saved as UTF-8, smaller than {limit}"
        self.fields["file"].widget.attrs["accept"] = ".csv,text/csv"

    def clean_file(self) -> str:
        """The file's decoded text, which is what the import job is given."""
        upload = self.cleaned_data["file"]
        limit = settings.MAX_UPLOAD_BYTES
        if upload.size is not None and upload.size > limit:
            raise ValidationError(f"The file must be smaller than {size_label(limit)}")
        raw = upload.read(limit + 1)
        if len(raw) > limit:
            raise ValidationError(f"The file must be smaller than {size_label(limit)}")
        try:
            return csv_import.decode_upload(raw, upload.name or "")
        except csv_import.FileProblem as problem:
            raise ValidationError(str(problem)) from None
