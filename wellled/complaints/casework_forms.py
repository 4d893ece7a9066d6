"""Forms for the triage queue, the assignment rules and saved caseload filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet

from wellled.complaints.forms import ServiceChoiceField, UserChoiceField
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
