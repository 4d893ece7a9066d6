"""Forms for the triage queue, the assignment rules, saved caseload filters, and a
case's investigation notes and contact log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet

from wellled.complaints.casework_models import WITH_WHOM_MAX_LENGTH, WITH_WHOM_TOO_LONG
from wellled.complaints.forms import ServiceChoiceField, StepForm, UserChoiceField
from wellled.complaints.models import CaseNote
from wellled.core.forms import NHSDateField
from wellled.core.nhsforms import NHSForm
from wellled.organisation.access import ROLE_CAPABILITIES, Cap
from wellled.organisation.models import OrgUnit


class SaveFilterForm(NHSForm):
    name = forms.CharField(
        label="Save this search and filter as",
        max_length=80,
        help_text="For example, Closed in surgery. Only you see your saved filters.",
        error_messages={"required": "Enter a name for the filter"},
    )
    query = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)


def complaint_handlers() -> QuerySet[User]:
    """Active logins holding a role that handles complaints somewhere.

    The action checks the chosen handler against the service itself.
    """
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if Cap.MANAGE_COMPLAINTS in caps]
    users = User.objects.filter(
        is_active=True, role_assignments__role__in=roles, role_assignments__status="active"
    )
    return users.distinct().order_by("first_name", "last_name", "username")


class AssignmentRuleForm(NHSForm):
    service = ServiceChoiceField(
        label="Service",
        queryset=OrgUnit.objects.none(),
        empty_label="Choose the service",
        error_messages={
            "required": "Choose the service",
            "invalid_choice": "Choose one of the services from the list",
        },
    )
    handler = UserChoiceField(
        label="Who handles its new cases?",
        queryset=User.objects.none(),
        empty_label="Choose the handler",
        error_messages={
            "required": "Choose who handles new cases about this service",
            "invalid_choice": "Choose a complaints handler from the list",
        },
    )

    def __init__(self, *args: Any, services: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        service = self.fields["service"]
        handler = self.fields["handler"]
        assert isinstance(service, forms.ModelChoiceField)
        assert isinstance(handler, forms.ModelChoiceField)
        service.queryset = services
        handler.queryset = complaint_handlers()


class CQCRequestForm(NHSForm):
    """CQC's request for a summary of complaints (2014 Regulations, reg 16(3))."""

    received_on = NHSDateField(
        label="Date the request was received",
        subject="Date received",
        help_text="The 28 days begin on the day after. For example, 15 3 2026",
    )
    period_start = NHSDateField(
        label="Complaints received from", subject="Start of the period", required=True
    )
    period_end = NHSDateField(
        label="Complaints received until", subject="End of the period", required=True
    )
    cqc_reference = forms.CharField(
        label="CQC's reference (optional)", max_length=60, required=False
    )
    other_information = forms.CharField(
        label="Any other information CQC asked for (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CQCSentForm(NHSForm):
    sent_on = NHSDateField(
        label="Date sent", subject="Date sent", required=False, help_text="Leave blank for today"
    )


class CaseNoteForm(StepForm):
    noted_on = NHSDateField(
        label="Date", subject="Date of the note", help_text="For example, 15 3 2026"
    )
    text = forms.CharField(
        label="Note",
        help_text="What you found, asked or decided. Only people who may open the case read it.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write the note"},
    )


class ContactForm(StepForm):
    contacted_on = NHSDateField(
        label="Date", subject="Date of the contact", help_text="For example, 15 3 2026"
    )
    method = forms.ChoiceField(
        label="How",
        choices=CaseNote.Method.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how you were in contact",
            "invalid_choice": "Choose how you were in contact",
        },
    )
    direction = forms.ChoiceField(
        label="Who made contact",
        choices=CaseNote.Direction.choices,
        widget=forms.RadioSelect,
        initial=CaseNote.Direction.OUT,
        error_messages={
            "required": "Say who made contact",
            "invalid_choice": "Say who made contact",
        },
    )
    with_whom = forms.CharField(
        label="With whom",
        max_length=WITH_WHOM_MAX_LENGTH,
        initial="The complainant",
        error_messages={
            "required": "Say who the contact was with, for example the complainant",
            "max_length": WITH_WHOM_TOO_LONG,
        },
    )
    summary = forms.CharField(
        label="What was said or agreed",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what was said or agreed"},
    )
