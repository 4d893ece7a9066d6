"""Forms for the complaints pages. They only read and shape input: the rules are
in actions.py, whose ValidationErrors are shown on these forms by field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from wellled.complaints.models import (
    OPEN_STATUSES,
    Channel,
    Complaint,
    ComplaintIssue,
    HowAgreed,
    Kind,
    Outcome,
    ReferenceItem,
    ReferenceList,
    SignOffCapacity,
    Status,
)
from wellled.core.forms import NHSDateField
from wellled.core.nhsforms import NHSForm
from wellled.organisation.models import OrgUnit

# Action error keys that have no field of their own, and the field to show them on.
_ALIASES = {"complainant_contact": "complainant_email"}


def add_action_errors(form: forms.Form, error: ValidationError) -> None:
    """An action's ValidationError on the form, by field where it names one."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            name = _ALIASES.get(name, name)
            target = name if name in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _date(label: str, subject: str, *, required: bool = True, hint: str = "") -> NHSDateField:
    return NHSDateField(
        label=label,
        subject=subject,
        required=required,
        help_text=hint or "For example, 15 3 2026",
    )


class CaseloadFilterForm(NHSForm):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any open status")]
        + [(value, label) for value, label in Status.choices if value in OPEN_STATUSES],
    )
    overdue = forms.BooleanField(label="Overdue only", required=False)


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return obj.name


class RecordComplaintForm(NHSForm):
    received_on = _date("Date received", "Date received")
    channel = forms.ChoiceField(
        label="How it was received",
        choices=[("", "Choose how it was received"), *Channel.choices],
        error_messages={"required": "Choose how the complaint was received"},
    )
    kind = forms.ChoiceField(
        label="What kind of case is it?",
        choices=Kind.choices,
        initial=Kind.COMPLAINT,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether this is a complaint or a PALS concern"},
    )
    resolved_on = _date(
        "Date resolved (oral complaints resolved by the next working day only)",
        "Date resolved",
        required=False,
    )
    service = ServiceChoiceField(
        label="Service complained about",
        queryset=OrgUnit.objects.none(),
        empty_label="Choose a service",
        error_messages={"required": "Choose the service complained about"},
    )
    summary = forms.CharField(
        label="Summary of the complaint",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter a summary of the complaint"},
    )
    complainant_name = forms.CharField(
        label="Complainant's full name",
        max_length=200,
        error_messages={"required": "Enter the complainant's name"},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    complainant_email = forms.EmailField(
        label="Complainant's email address",
        help_text="Give at least one way to reach them: email, phone or address",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.com"},
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    complainant_phone = forms.CharField(
        label="Complainant's phone number",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    complainant_address = forms.CharField(
        label="Complainant's address",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    patient_name = forms.CharField(
        label="Patient's full name (optional)",
        help_text="Leave blank if the complainant is the patient and no patient record is needed",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    nhs_number = forms.CharField(
        label="Patient's NHS number (optional)",
        help_text="10 digits, for example 943 476 5919",
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={"class": "nhsuk-input--width-10", "inputmode": "numeric", "autocomplete": "off"}
        ),
    )

    def __init__(self, *args: Any, services: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["service"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = services

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("nhs_number", "").strip() and not cleaned.get("patient_name", "").strip():
            self.add_error("patient_name", "Enter the patient's name to go with the NHS number")
        return cleaned


# The forms of the workflow steps, one per step the case page offers.


class StepForm(NHSForm):
    """A step's form. Forms whose choices depend on the case read it in __init__."""

    def __init__(self, *args: Any, complaint: Complaint, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.complaint = complaint


class EmptyStepForm(StepForm):
    """A step with nothing to enter: the button is the confirmation."""


class ReferenceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ReferenceItem) -> str:
        return f"{obj.parent.label}: {obj.label}" if obj.parent else obj.label


def _reference(
    list_name: str, label: str, required_message: str, *, required: bool = True
) -> ReferenceChoiceField:
    return ReferenceChoiceField(
        label=label,
        required=required,
        queryset=ReferenceItem.objects.filter(list=list_name, is_active=True).select_related(
            "parent"
        ),
        empty_label="Choose one" if required else "None",
        error_messages={"required": required_message},
    )


class IssueForm(StepForm):
    description = forms.CharField(
        label="What is the issue?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Describe the issue"},
    )
    subject = _reference(ReferenceList.KO41A_SUBJECT, "KO41a subject", "Choose the subject")
    clinical_subcategory = _reference(
        ReferenceList.KO41A_CLINICAL_SUBCATEGORY,
        "Clinical treatment sub-category (if the subject has one)",
        "",
        required=False,
    )
    service_area = _reference(
        ReferenceList.KO41A_SERVICE_AREA, "KO41a service area", "Choose the service area"
    )
    profession = _reference(ReferenceList.PROFESSION, "Profession", "Choose the profession")


class IssueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ComplaintIssue) -> str:
        return obj.description[:80]


class IssueOutcomeForm(StepForm):
    issue = IssueChoiceField(
        label="Issue",
        queryset=ComplaintIssue.objects.none(),
        empty_label="Choose the issue",
        error_messages={"required": "Choose the issue"},
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose upheld, partially upheld or not upheld"},
    )

    def __init__(self, *args: Any, complaint: Complaint, **kwargs: Any) -> None:
        super().__init__(*args, complaint=complaint, **kwargs)
        field = self.fields["issue"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = complaint.issues.all()


class AcknowledgeForm(StepForm):
    acknowledged_on = _date("Date acknowledged", "Date acknowledged")
    discussion_offered_on = _date(
        "Date you offered to discuss the handling and timescale",
        "Date offered",
        hint="Regulation 13 asks for this offer. For example, 15 3 2026",
    )


class AgreeResponseDateForm(StepForm):
    response_due = _date("Response date agreed", "Response date")
    agreed_on = _date("Date the complainant agreed it", "Date agreed")
    how_agreed = forms.ChoiceField(
        label="How it was agreed",
        choices=[("", "Choose how it was agreed"), *HowAgreed.choices],
        error_messages={"required": "Say how the complainant agreed the date"},
    )


class SignOffForm(StepForm):
    capacity = forms.ChoiceField(
        label="You sign as",
        choices=SignOffCapacity.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether you sign as the responsible person or their delegate"
        },
    )


class RecordResponseForm(StepForm):
    responded_on = _date("Date the response was sent", "Date sent")


class CloseForm(StepForm):
    closed_on = _date(
        "Date closed",
        "Date closed",
        required=False,
        hint="Leave blank for today. For example, 15 3 2026",
    )


class ReopenForm(StepForm):
    reason = forms.CharField(
        label="Why is the complaint being reopened?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the complaint is being reopened"},
    )


class TransferForm(StepForm):
    transferred_to = forms.CharField(
        label="Organisation it was transferred to",
        max_length=200,
        error_messages={"required": "Enter the organisation it was transferred to"},
    )
