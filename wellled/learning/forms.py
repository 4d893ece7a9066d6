"""Forms for the learning pages: shape input only; the rules are in actions.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet

from wellled.complaints.models import ComplaintIssue, ReferenceItem
from wellled.core.forms import NHSDateField
from wellled.core.nhsforms import NHSForm
from wellled.organisation.models import OrgUnit


class _Named(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        if isinstance(obj, User):
            return obj.get_full_name() or obj.get_username()
        return str(getattr(obj, "label", None) or getattr(obj, "name", obj))


class _NamedMultiple(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_kind_display().lower()})"


class LibraryFilterForm(NHSForm):
    q = forms.CharField(label="Search the learning", required=False, max_length=200)
    theme = _Named(
        label="Theme", required=False, queryset=ReferenceItem.objects.none(), empty_label="Any"
    )
    service = _Named(
        label="Service", required=False, queryset=OrgUnit.objects.none(), empty_label="Any"
    )
    site = _Named(label="Site", required=False, queryset=OrgUnit.objects.none(), empty_label="Any")

    def __init__(
        self,
        *args: Any,
        themes: QuerySet[ReferenceItem],
        services: QuerySet[OrgUnit],
        sites: QuerySet[OrgUnit],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = themes  # type: ignore[attr-defined]
        self.fields["service"].queryset = services  # type: ignore[attr-defined]
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]


class IssueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ComplaintIssue) -> str:
        return f"{obj.subject.label}: {obj.description[:80]}"


class LearningActionForm(NHSForm):
    issue = IssueChoiceField(
        label="Issue", queryset=ComplaintIssue.objects.none(), empty_label=None
    )
    description = forms.CharField(
        label="What will change",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what will change"},
    )
    owner = _Named(
        label="Owner",
        queryset=User.objects.none(),
        error_messages={"required": "Choose who owns this action"},
    )
    due_on = NHSDateField(label="Due date", subject="Due date", help_text="For example, 15 3 2026")

    def __init__(
        self,
        *args: Any,
        issues: QuerySet[ComplaintIssue],
        owners: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issue"].queryset = issues  # type: ignore[attr-defined]
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class ShareLearningForm(NHSForm):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter a title"},
    )
    summary = forms.CharField(
        label="The learning to share",
        help_text="Staff across the trust will read this. Do not name or describe the "
        "complainant or patient, and do not give the case reference.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the learning to share"},
    )
    audience = _NamedMultiple(
        label="Share with",
        help_text="Choose the teams, services, care groups or sites whose staff should read it",
        queryset=OrgUnit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one team, service or site"},
    )

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["audience"].queryset = units  # type: ignore[attr-defined]


class YouSaidWeDidForm(NHSForm):
    service = _Named(
        label="Service",
        queryset=OrgUnit.objects.none(),
        error_messages={"required": "Choose a service"},
    )
    you_said = forms.CharField(
        label="You said",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what people told us"},
    )
    we_did = forms.CharField(
        label="We did",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what we did"},
    )
    month = NHSDateField(
        label="When the change was made",
        subject="When the change was made",
        help_text="Any day in the month, for example 1 3 2026",
    )

    def __init__(self, *args: Any, services: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services  # type: ignore[attr-defined]
