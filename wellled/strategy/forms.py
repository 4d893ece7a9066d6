"""Forms for the strategy pages: they read and shape input; the rules are in
actions.py, whose ValidationErrors land beside these fields (same names)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.forms.boundfield import BoundField

from wellled.core.forms import NHSDateField
from wellled.core.nhsforms import NHSForm
from wellled.improvement.access import people_in_scope
from wellled.improvement.forms import PersonChoiceField
from wellled.organisation.models import OrgUnit
from wellled.reports.models import Metric
from wellled.strategy.models import (
    Agreement,
    AppetiteLevel,
    AssuranceRating,
    MetricKind,
    Objective,
    RiskCategory,
    Theme,
)


def _date(label: str, subject: str, hint: str = "For example, 15 3 2026") -> NHSDateField:
    return NHSDateField(label=label, subject=subject, required=False, help_text=hint)


class StrategyForm(NHSForm):
    """No field is required here: the action names what is missing, in its words."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    def rows(self) -> list[tuple[BoundField, bool]]:
        return [(self[name], isinstance(f, NHSDateField)) for name, f in self.fields.items()]


class MetricChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.unit})"


class ObjectiveChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.theme.title}: {obj.title}"


class ProposeForm(StrategyForm):
    objective = ObjectiveChoiceField(
        label="Breakthrough objective it drives",
        queryset=Objective.objects.select_related("theme"),
        empty_label="Choose",
    )
    metric = MetricChoiceField(
        label="Metric",
        queryset=Metric.objects.filter(is_active=True).order_by("name"),
        empty_label="Choose",
        help_text="From the metric catalogue. A new team-level series is added there first.",
    )
    kind = forms.ChoiceField(
        label="Driver or watch metric",
        choices=MetricKind.choices,
        widget=forms.RadioSelect,
        help_text="Driver metrics are within the team's control and actively driven (2 to 3).",
    )
    owner = PersonChoiceField(label="Owner", queryset=User.objects.none(), empty_label="Choose")
    target = forms.FloatField(label="Target you propose")
    comment = forms.CharField(
        label="Note for the level above", widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, unit: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owners: forms.ModelChoiceField = self.fields["owner"]  # type: ignore[assignment]
        owners.queryset = people_in_scope(unit).order_by("last_name", "first_name")


class ReplyForm(StrategyForm):
    decision = forms.ChoiceField(
        label="Your answer",
        choices=[(Agreement.AGREED, "Accept"), (Agreement.RETURNED, "Return with a comment")],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed when you return it: what should the team change?",
    )


class ReviewForm(StrategyForm):
    month = _date(
        "Month reviewed", "The month reviewed", "Any day of the month, for example 1 11 2026"
    )


class CountermeasureForm(StrategyForm):
    problem = forms.CharField(label="Problem", widget=forms.Textarea(attrs={"rows": 3}))
    root_cause = forms.CharField(label="Root cause", widget=forms.Textarea(attrs={"rows": 3}))
    countermeasure = forms.CharField(label="Countermeasure", max_length=200)
    owner = PersonChoiceField(label="Owner", queryset=User.objects.none(), empty_label="Choose")
    due_on = _date("Due date", "The due date")

    def __init__(self, *args: Any, unit: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owners: forms.ModelChoiceField = self.fields["owner"]  # type: ignore[assignment]
        owners.queryset = people_in_scope(unit).order_by("last_name", "first_name")


class CloseReviewForm(StrategyForm):
    notes = forms.CharField(label="Notes of the review", widget=forms.Textarea(attrs={"rows": 4}))


class ObjectiveForm(StrategyForm):
    theme = forms.ModelChoiceField(
        label="True-north theme", queryset=Theme.objects.all(), empty_label="Choose"
    )
    title = forms.CharField(label="Breakthrough objective", max_length=200)
    target = forms.CharField(label="Target", max_length=300)
    executive = PersonChoiceField(
        label="Executive owner", queryset=User.objects.none(), empty_label="Choose"
    )
    starts_on = _date("Starts", "The start date")
    ends_on = _date("Ends", "The end date")

    def __init__(self, *args: Any, trust: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people: forms.ModelChoiceField = self.fields["executive"]  # type: ignore[assignment]
        people.queryset = people_in_scope(trust).order_by("last_name", "first_name")


# Board Assurance Framework ----------------------------------------------------------


def _score(label: str) -> forms.IntegerField:
    # A number, not a list of choices: a value outside 1-5 reaches the action, which
    # names the field in its own words.
    return forms.IntegerField(
        label=label, widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-2"})
    )


def _text(label: str, hint: str = "") -> forms.CharField:
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 3}), help_text=hint)


class RiskForm(StrategyForm):
    """What the risk is and who holds it (scores are on the re-score page)."""

    title = forms.CharField(label="Title", max_length=200)
    cause = _text("Cause", "Because of …")
    event = _text("Event", "There is a risk that …")
    effect = _text("Effect", "Resulting in …")
    objective = ObjectiveChoiceField(
        label="Strategic objective it threatens",
        queryset=Objective.objects.select_related("theme"),
        empty_label="Choose",
    )
    category = forms.ChoiceField(
        label="Risk category",
        choices=[("", "Choose"), *RiskCategory.choices],
        help_text="Its appetite is the board's for this category.",
    )
    owner = PersonChoiceField(
        label="Executive owner", queryset=User.objects.none(), empty_label="Choose"
    )
    committee = forms.CharField(label="Lead committee", max_length=100)
    assurance_rating = forms.ChoiceField(
        label="Assurance rating", choices=AssuranceRating.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, trust: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people: forms.ModelChoiceField = self.fields["owner"]  # type: ignore[assignment]
        people.queryset = people_in_scope(trust).order_by("last_name", "first_name")


class NewRiskForm(RiskForm):
    reference = forms.CharField(label="Reference", max_length=20, help_text="For example, SR9")
    inherent_likelihood = _score("Inherent likelihood (before any control)")
    inherent_consequence = _score("Inherent consequence")
    current_likelihood = _score("Current likelihood")
    current_consequence = _score("Current consequence")
    target_likelihood = _score("Target likelihood")
    target_consequence = _score("Target consequence")
    target_reason = _text("Why the target is worse than now", "Only when it is")
    next_review_on = _date("Next review", "The next review date", "For example, 15 3 2027")

    field_order = ["reference"]


class RescoreForm(StrategyForm):
    current_likelihood = _score("Current likelihood")
    current_consequence = _score("Current consequence")
    target_likelihood = _score("Target likelihood")
    target_consequence = _score("Target consequence")
    target_reason = _text("Why the target is worse than now", "Only when it is")
    reason = _text(
        "Why this score", "The evidence: what changed since the last review, or why nothing did"
    )
    next_review_on = _date("Next review", "The next review date", "For example, 15 3 2027")


class AppetiteForm(StrategyForm):
    category = forms.ChoiceField(
        label="Risk category", choices=[("", "Choose"), *RiskCategory.choices]
    )
    level = forms.ChoiceField(
        label="Appetite", choices=AppetiteLevel.choices, widget=forms.RadioSelect
    )
    max_score = forms.IntegerField(
        label="Highest score tolerated",
        help_text="A score of the 5x5 matrix: a risk scoring more is above appetite.",
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-2"}),
    )
    statement = _text("Appetite statement", "In the board's words")
    approved_on = _date("Approved by the board on", "The date the board approved it")
