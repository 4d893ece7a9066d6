"""Forms for the walkround pages: they read and shape input; the rules are in the
actions, whose ValidationErrors land beside these fields (the names match)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.forms.boundfield import BoundField

from wellled.core.forms import NHSDateField
from wellled.core.nhsforms import NHSForm
from wellled.leadership import checklists
from wellled.leadership.models import LeaderKind, ProgrammeKind, Session
from wellled.organisation.models import OrgUnit


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


def _date(label: str, subject: str, hint: str = "") -> NHSDateField:
    return NHSDateField(
        label=label,
        subject=subject,
        required=False,
        help_text=hint or "For example, 15 3 2027",
    )


def _text(label: str, hint: str = "", rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, help_text=hint, widget=forms.Textarea(attrs={"rows": rows})
    )


class PageForm(NHSForm):
    """Laid out in order by form_page.html. Nothing is required here: the
    action says what is missing, with every other refusal, in its own words."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    def rows(self) -> list[tuple[BoundField, bool]]:
        return [
            (self[name], isinstance(field, NHSDateField)) for name, field in self.fields.items()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A date left empty is the action's to name; a date typed wrongly the form's.
        for name, field in self.fields.items():
            if (
                isinstance(field, NHSDateField)
                and data.get(name) is None
                and name not in self.errors
            ):
                self.add_error(name, f"Enter {str(field.label).lower()}")
        return data


class ProgrammeForm(PageForm):
    name = forms.CharField(label="Name", max_length=200)
    kind = forms.ChoiceField(label="Kind of visit", choices=ProgrammeKind.choices)
    scope = UnitChoiceField(
        label="Which part of the trust", queryset=OrgUnit.objects.none(), empty_label=None
    )
    starts_on = _date("First day", "The first day")
    ends_on = _date("Last day", "The last day")
    visits_per_place = forms.IntegerField(
        label="Visits to each site and ward", initial=1, min_value=1, max_value=12
    )
    out_of_hours_percent = forms.IntegerField(
        label="Out of hours (evenings and weekends), per cent of visits",
        initial=20,
        min_value=0,
        max_value=100,
    )
    include_wards = forms.BooleanField(label="Visit each inpatient ward too", initial=True)
    feedback_days = forms.IntegerField(
        label="Feedback to the team within (working days)", initial=5, min_value=1, max_value=30
    )

    def __init__(self, *args: Any, scopes: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].queryset = scopes  # type: ignore[attr-defined]


class LeaderForm(PageForm):
    user = PersonChoiceField(label="Leader", queryset=User.objects.none(), empty_label="Choose")
    kind = forms.ChoiceField(label="Role on the visits", choices=LeaderKind.choices)

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people  # type: ignore[attr-defined]


class UnavailabilityForm(PageForm):
    starts_on = _date("First day away", "The first day away")
    ends_on = _date("Last day away", "The last day away")


class MoveForm(PageForm):
    planned_on = _date("Date of the visit", "The date of the visit")
    session = forms.ChoiceField(label="When", choices=Session.choices, widget=forms.RadioSelect)
    executive = PersonChoiceField(
        label="Executive director", queryset=User.objects.none(), empty_label="Choose"
    )
    non_executive = PersonChoiceField(
        label="Non-executive director", queryset=User.objects.none(), empty_label="None"
    )
    reason = _text("Why the visit is changing", "Kept with the visit's history", rows=2)

    def __init__(
        self, *args: Any, executives: QuerySet[User], non_executives: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["executive"].queryset = executives  # type: ignore[attr-defined]
        self.fields["non_executive"].queryset = non_executives  # type: ignore[attr-defined]


class RecordForm(PageForm):
    held_on = _date("Date of the visit", "The date of the visit")
    themes = _text("Themes", "What staff talked about, in a few words each")
    good_practice = _text("Good practice", "What is going well and should be shared")
    concerns = _text(
        "Concerns",
        "What staff or patients are worried about. Write about the service, never name anyone",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in checklists.current().items:
            self.fields[f"check_{item.key}"] = forms.ChoiceField(
                label=f"{item.theme}: {item.text}",
                choices=list(checklists.ANSWERS.items()),
                widget=forms.RadioSelect,
                required=False,
            )

    def action_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("check_")}
        data["checklist"] = {
            k.removeprefix("check_"): v
            for k, v in self.cleaned_data.items()
            if k.startswith("check_")
        }
        return data


class FeedbackForm(PageForm):
    sent_on = _date("Date feedback was given", "The date feedback was given")
    feedback = _text(
        "Feedback to the team",
        "What you heard, what will happen and who will do it: the team reads this",
        rows=6,
    )


class ConfirmForm(PageForm):
    pass
