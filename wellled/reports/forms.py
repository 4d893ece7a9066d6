"""Forms for the reports pages: input shape only; the rules are in actions.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet

from wellled.core.forms import NHSDateField
from wellled.core.nhsforms import NHSForm
from wellled.engines.spc import PROFILES
from wellled.organisation.models import OrgUnit
from wellled.reports import sources
from wellled.reports.models import Domain, Frequency, Improvement, Metric, SourceKind
from wellled.reports.queries import reportable_units


def service_choices(units: QuerySet[OrgUnit]) -> list[tuple[str, str]]:
    return [(str(u.pk), u.name) for u in units]


class OwnerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class MetricForm(NHSForm):
    name = forms.CharField(label="Name", max_length=200)
    definition = forms.CharField(
        label="Definition",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What is counted, the numerator and denominator, and where the data comes from",
    )
    owner = OwnerField(
        label="Owner",
        queryset=User.objects.none(),
        help_text="The person who writes the monthly narrative",
    )
    unit = forms.CharField(
        label="Unit", max_length=30, help_text='For example "%", "count" or "days"'
    )
    improvement = forms.ChoiceField(
        label="Which direction is better?", choices=Improvement.choices, widget=forms.RadioSelect
    )
    frequency = forms.ChoiceField(
        label="Frequency", choices=Frequency.choices, widget=forms.RadioSelect
    )
    domain = forms.ChoiceField(label="Report section (domain)", choices=Domain.choices)
    service = forms.ChoiceField(
        label="Service",
        required=False,
        help_text="Leave as the whole trust unless the metric is about one service",
    )
    source_key = forms.ChoiceField(
        label="Where the values come from",
        required=False,
        help_text="Imported values are uploaded as a CSV file or sent through the API",
    )
    target = forms.FloatField(label="Target (optional)", required=False)
    target_from = NHSDateField(
        label="Target applies from (optional)",
        subject="the date the target applies from",
        required=False,
        help_text="For example, 1 4 2025",
    )
    target_to = NHSDateField(
        label="Target applies until (optional)",
        subject="the date the target applies until",
        required=False,
        help_text="For example, 31 3 2026",
    )
    profile = forms.ChoiceField(
        label="SPC rules (profile)",
        choices=[(name, f"{name}: {p.description}") for name, p in PROFILES.items()],
        help_text="Which NHS England tool the chart must match; mdc_excel_v5 unless told otherwise",
    )
    baseline_points = forms.IntegerField(
        label="Baseline points (optional)",
        required=False,
        min_value=0,
        help_text="Fix the limits on the first this many points",
    )

    def __init__(self, *args: Any, editing: Metric | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = User.objects.filter(is_active=True).order_by("first_name", "last_name")
        service = self.fields["service"]
        assert isinstance(service, forms.ChoiceField)
        service.choices = [("", "The whole trust"), *service_choices(reportable_units())]
        source = self.fields["source_key"]
        assert isinstance(source, forms.ChoiceField)
        if editing is not None:
            del self.fields["source_key"]
            self.fields["is_active"] = forms.BooleanField(
                label="Show this metric in the report", required=False
            )
        else:
            source.choices = [("", "Imported (CSV upload or API)")] + [
                (s.key, f"Computed by wellled: {s.title}") for s in sources.all_sources()
            ]

    def clean_service(self) -> OrgUnit | None:
        raw = self.cleaned_data.get("service")
        if not raw:
            return None
        return reportable_units().filter(pk=raw).first()

    def action_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if "source_key" in data:
            key = data.pop("source_key")
            data["source_kind"] = SourceKind.REGISTERED if key else SourceKind.IMPORTED
            data["source_key"] = key
        return data


class UploadForm(NHSForm):
    metric = forms.ChoiceField(
        label="Metric",
        required=False,
        help_text="The metric the rows are for, when the file has no 'metric' column",
    )
    file = forms.FileField(label="CSV file", help_text="Up to 2 MB, saved as CSV UTF-8")

    def __init__(self, *args: Any, metrics: QuerySet[Metric], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["metric"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Named on each row")] + [(m.slug, m.name) for m in metrics]


class AnnotationForm(NHSForm):
    period = NHSDateField(
        label="Period",
        subject="the period",
        help_text="The first day of the month (or the Monday of the week), for example 1 3 2026",
    )
    text = forms.CharField(
        label="What happened", max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )


class RebaseForm(NHSForm):
    period = NHSDateField(
        label="Recalculate the limits from",
        subject="the first period of the new limits",
        help_text="The first day of the month (or the Monday of the week), for example 1 3 2026",
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What changed in the process then (a new pathway, a new team ...)",
    )


class NarrativeForm(NHSForm):
    what = forms.CharField(
        label="What",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the chart shows this month",
    )
    so_what = forms.CharField(
        label="So what",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What it means for patients, staff or the trust",
    )
    what_next = forms.CharField(
        label="What next",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What is being done about it, by whom and by when",
    )


class IprFilterForm(NHSForm):
    domain = forms.ChoiceField(label="Section", required=False)
    service = forms.ChoiceField(label="Service", required=False)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        domain = self.fields["domain"]
        assert isinstance(domain, forms.ChoiceField)
        domain.choices = [("", "Every section"), *Domain.choices]
        service = self.fields["service"]
        assert isinstance(service, forms.ChoiceField)
        service.choices = [("", "The whole trust"), *service_choices(units)]
