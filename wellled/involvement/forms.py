"""Involvement forms: validation and conversion only (the rules are in actions)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from wellled.core.forms import NHSDateField
from wellled.core.nhsforms import NHSForm
from wellled.involvement.models import (
    ConsentScope,
    ContactBy,
    Experience,
    Interest,
    OpportunityKind,
    Person,
    Rung,
)
from wellled.organisation.models import OrgUnit, UnitKind

AGE_BANDS = ["16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"]
# The 2021 Census high-level ethnic groups for England and Wales (ONS).
ETHNIC_GROUPS = [
    "Asian or Asian British",
    "Black, Black British, Caribbean or African",
    "Mixed or multiple ethnic groups",
    "White",
    "Other ethnic group",
]


def _choices(values: list[str], blank: str = "Prefer not to say") -> list[tuple[str, str]]:
    return [("", blank), *((v, v) for v in values)]


class ServiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return obj.name


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return obj.name


class PersonForm(NHSForm):
    """The register's questions, on the public page and the team's own form alike."""

    full_name = forms.CharField(
        label="Your name", max_length=200, error_messages={"required": "Enter your name"}
    )
    experience = forms.ChoiceField(
        label="Which describes you?",
        choices=Experience.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which describes you"},
    )
    contact_by = forms.ChoiceField(
        label="How should we contact you?",
        choices=ContactBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how we should contact you"},
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )
    phone = forms.CharField(label="Phone number", required=False, max_length=40)
    postal_address = forms.CharField(
        label="Postal address", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    interests = forms.MultipleChoiceField(
        label="What would you like to do? (optional)",
        choices=Interest.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    services = ServiceField(
        label="Services you know (optional)",
        queryset=OrgUnit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Services you or the person you care for have used",
    )
    accessibility_needs = forms.CharField(
        label="Anything we should arrange so you can take part? (optional)",
        required=False,
        help_text="For example, a hearing loop, large print, an interpreter or step-free access",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent_scope = forms.MultipleChoiceField(
        label="What you agree to",
        choices=ConsentScope.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=(
            "We keep your details to invite you to take part. You can change your mind at "
            "any time by contacting the involvement team"
        ),
    )
    retention_months = forms.TypedChoiceField(
        label="If you stop taking part, how long should we keep your details?",
        choices=[(12, "1 year"), (24, "2 years"), (36, "3 years")],
        coerce=int,
        initial=24,
        widget=forms.RadioSelect,
        help_text="We will tell you before we delete them",
    )
    age_band = forms.ChoiceField(label="Age", choices=_choices(AGE_BANDS), required=False)
    ethnic_group = forms.ChoiceField(
        label="Ethnic group", choices=_choices(ETHNIC_GROUPS), required=False
    )
    sex = forms.ChoiceField(
        label="Sex", choices=_choices(["Female", "Male", "Another term"]), required=False
    )
    disabled = forms.ChoiceField(
        label="Do you consider yourself to be disabled?",
        choices=_choices(["Yes", "No"]),
        required=False,
    )

    EQUALITY = ("age_band", "ethnic_group", "sex", "disabled")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        services = self.fields["services"]
        assert isinstance(services, forms.ModelMultipleChoiceField)
        services.queryset = OrgUnit.objects.filter(kind=UnitKind.SERVICE, is_active=True).order_by(
            "name"
        )


class PublicPersonForm(PersonForm):
    # The honeypot: hidden by CSS and from assistive technology; people leave it empty.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


class OpportunityForm(NHSForm):
    title = forms.CharField(label="Title", max_length=200)
    kind = forms.ChoiceField(label="Kind of opportunity", choices=OpportunityKind.choices)
    service = UnitField(label="Service", queryset=OrgUnit.objects.none())
    rung_aimed = forms.TypedChoiceField(
        label="Rung of the ladder it aims for",
        choices=Rung.choices,
        coerce=int,
        help_text="The ladder of co-production, from coercion (1) to co-production (7)",
    )
    role_level = forms.TypedChoiceField(label="Role level", choices=[], coerce=int)
    description = forms.CharField(
        label="What people will do (optional)", required=False, widget=forms.Textarea
    )

    def __init__(self, *args: Any, levels: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        service = self.fields["service"]
        assert isinstance(service, forms.ModelChoiceField)
        service.queryset = OrgUnit.objects.filter(
            kind__in=[UnitKind.SERVICE, UnitKind.CARE_GROUP, UnitKind.TRUST], is_active=True
        ).order_by("depth", "name")
        level = self.fields["role_level"]
        assert isinstance(level, forms.TypedChoiceField)
        level.choices = [(n, f"Level {n}: {label}") for n, label in levels]


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return obj.full_name


class ActivityForm(NHSForm):
    held_on = NHSDateField(label="Date", subject="Date", help_text="For example, 15 3 2026")
    hours = forms.DecimalField(
        label="Hours",
        min_value=Decimal("0.5"),
        max_value=Decimal(24),
        decimal_places=1,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-4", "step": "0.5"}),
    )
    rung_reached = forms.TypedChoiceField(
        label="Rung reached (once it has happened)",
        choices=[("", "Not yet known"), *Rung.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    participants = PersonChoiceField(
        label="Invited",
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    attended = PersonChoiceField(
        label="Attended",
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("participants", "attended"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = people


def _pence(label: str, *, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal(0),
        max_digits=8,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-5", "step": "0.01"}),
        help_text="In pounds, for example 12.50",
    )


class ClaimForm(NHSForm):
    received_on = NHSDateField(
        label="Date the claim arrived", subject="Date", help_text="For example, 15 3 2026"
    )
    expenses = _pence("Expenses (travel, care, other costs)")
    payment = _pence("Involvement payment, if not the policy's rate")
    payment_declined = forms.BooleanField(
        label="The person has declined payment (expenses are still paid)", required=False
    )
    declined_note = forms.CharField(
        label="Why, in plain words",
        required=False,
        help_text="For example: paid expenses only, because payment could affect their benefits",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def to_action(self) -> dict[str, Any]:
        data = self.cleaned_data
        payment = data["payment"]
        return {
            "received_on": data["received_on"],
            "expenses_pence": int((data["expenses"] or 0) * 100),
            "payment_pence": None if payment is None else int(payment * 100),
            "payment_declined": data["payment_declined"],
            "declined_note": data["declined_note"],
        }


class ApproveForm(NHSForm):
    over_rate_reason = forms.CharField(
        label="Reason for paying over the policy's rate (if it is over)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PaidForm(NHSForm):
    paid_on = NHSDateField(
        label="Date paid", subject="Date paid", help_text="For example, 15 3 2026"
    )


class FeedbackForm(NHSForm):
    you_said = forms.CharField(
        label="You said",
        help_text="What people told us, in their words where you can. Name no one",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what people said"},
    )
    we_did = forms.CharField(
        label="We did",
        help_text="What changed, or will change, because of it",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what changed because of it"},
    )
    participants_told_on = NHSDateField(
        label="Date participants were told (leave blank if not yet)",
        subject="Date told",
        required=False,
        help_text="For example, 15 3 2026",
    )
