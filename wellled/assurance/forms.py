"""Forms for CQC assurance: validation and conversion only; the rules are in actions.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet

from wellled.assurance import frameworks
from wellled.assurance.models import EvidenceItem, EvidenceKind
from wellled.core.forms import NHSDateField
from wellled.core.nhsforms import NHSForm
from wellled.engines.ratings import Rating, Rounding
from wellled.organisation.models import OrgUnit

_RATING_CHOICES = [("", "No previous rating")] + [(str(r), str(r)) for r in Rating]


def _person_label(user: User) -> str:
    return user.get_full_name() or user.get_username()


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _person_label(obj)


class OpenRoundForm(NHSForm):
    title = forms.CharField(label="Title", max_length=200, help_text="For example, Well-led Q3")
    scope = forms.ModelChoiceField(
        label="Scope",
        queryset=OrgUnit.objects.none(),
        help_text="The trust (well-led only) or a service or location (all five key questions)",
        empty_label="Choose the scope",
    )
    methodology = forms.ChoiceField(label="Methodology", choices=())
    rounding = forms.ChoiceField(
        label="Rounding of the published percentage",
        choices=[(m.value, m.value.replace("_", " ").capitalize()) for m in Rounding],
        initial=Rounding.HALF_UP.value,
    )

    def __init__(self, *args: Any, scopes: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_field = self.fields["scope"]
        assert isinstance(scope_field, forms.ModelChoiceField)
        scope_field.queryset = scopes
        method_field = self.fields["methodology"]
        assert isinstance(method_field, forms.ChoiceField)
        method_field.choices = [
            (m, frameworks.get_framework(m).title)
            for m in frameworks.self_assessment_framework_ids()
        ]
        method_field.initial = "saf_2024_statements"
        methodology = frameworks.get_framework("saf_2024_statements")
        for kq in methodology.key_questions:
            self.fields[f"previous_{kq.id}"] = forms.ChoiceField(
                label=f"Previous rating: {kq.name}",
                choices=_RATING_CHOICES,
                required=False,
                help_text="Statements left unscored take the score this rating implies",
            )

    def previous_ratings(self) -> dict[str, str]:
        return {
            name.removeprefix("previous_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("previous_") and value
        }


class ScoreForm(NHSForm):
    score = forms.ChoiceField(label="Score", widget=forms.RadioSelect, choices=())
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the evidence shows, and why it gives this score",
    )
    evidence = forms.ModelMultipleChoiceField(
        label="Evidence this score rests on",
        queryset=EvidenceItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        scale: list[frameworks.ScorePoint],
        evidence: QuerySet[EvidenceItem],
        categories: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        score_field = self.fields["score"]
        assert isinstance(score_field, forms.ChoiceField)
        score_field.choices = [(str(p.score), f"{p.score}: {p.meaning}") for p in scale]
        self.category_ids = [category for category, _ in categories or []]
        if categories:
            score_field.required = False
            score_field.help_text = (
                "Leave empty to take the score from the evidence category scores below"
            )
            for category, name in categories:
                self.fields[f"category_{category}"] = forms.ChoiceField(
                    label=f"Evidence category: {name}",
                    required=False,
                    choices=[("", "Not scored"), *[(str(p.score), str(p.score)) for p in scale]],
                )
        evidence_field = self.fields["evidence"]
        assert isinstance(evidence_field, forms.ModelMultipleChoiceField)
        evidence_field.queryset = evidence

    def category_fields(self) -> list[Any]:
        return [self[f"category_{category}"] for category in self.category_ids]


_FIT_CHOICES = [(str(r), str(r)) for r in reversed(Rating)]


class QuestionFitForm(NHSForm):
    """An assessment question under a framework with no scores (CQC's 2026 drafts)."""

    fit = forms.ChoiceField(
        label="Which rating's characteristics best fit?",
        widget=forms.RadioSelect,
        choices=_FIT_CHOICES,
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Which characteristics the evidence shows, and which it does not",
    )
    evidence = forms.ModelMultipleChoiceField(
        label="Evidence, carried over from the quality statements (wellled's mapping)",
        queryset=EvidenceItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, evidence: QuerySet[EvidenceItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        evidence_field = self.fields["evidence"]
        assert isinstance(evidence_field, forms.ModelMultipleChoiceField)
        evidence_field.queryset = evidence


class JudgementForm(NHSForm):
    rating = forms.ChoiceField(
        label="The trust's judgement (estimated, not CQC's)",
        widget=forms.RadioSelect,
        choices=_FIT_CHOICES,
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Weigh the assessment questions in the round: there is no score to add up",
    )


class OwnersForm(NHSForm):
    def __init__(
        self,
        *args: Any,
        statements: list[tuple[str, str, User | None]],
        people: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for statement_id, label, owner in statements:
            self.fields[f"owner_{statement_id}"] = PersonChoiceField(
                label=label,
                queryset=people,
                required=False,
                empty_label="No owner",
                initial=owner.pk if owner else None,
            )


class CloseRoundForm(NHSForm):
    reason = forms.CharField(
        label="Reason for closing with statements unscored",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Needed only when some statements have no score",
    )


class EvidenceForm(NHSForm):
    kind = forms.ChoiceField(label="Kind of evidence", choices=EvidenceKind.choices)
    title = forms.CharField(label="Title", max_length=200)
    description = forms.CharField(
        label="Description or note",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="For a note, the note itself. Do not include patients' or staff's details",
    )
    unit = forms.ModelChoiceField(
        label="Part of the trust it belongs to",
        queryset=OrgUnit.objects.none(),
        empty_label="Choose",
    )
    statements = forms.MultipleChoiceField(
        label="Quality statements", choices=(), widget=forms.CheckboxSelectMultiple, required=False
    )
    categories = forms.MultipleChoiceField(
        label="Evidence categories",
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    owner = PersonChoiceField(label="Owner", queryset=User.objects.none(), empty_label="Choose")
    evidence_date = NHSDateField(label="Date of the evidence", subject="the date of the evidence")
    review_date = NHSDateField(label="Review by", subject="the review date")
    url = forms.CharField(label="Web address (for a link)", required=False, max_length=500)
    file = forms.FileField(
        label="Document (for a document)",
        required=False,
        help_text="PDF, Word (DOCX), Excel (XLSX), PNG, JPEG, CSV or plain text",
    )
    measure_key = forms.ChoiceField(
        label="Live measure (for a measure)", choices=(), required=False
    )

    def __init__(
        self,
        *args: Any,
        units: QuerySet[OrgUnit],
        people: QuerySet[User],
        measures: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        methodology = frameworks.evidence_framework_methodology()
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = people
        statements_field = self.fields["statements"]
        assert isinstance(statements_field, forms.MultipleChoiceField)
        statements_field.choices = [
            (s.id, f"{s.label} {s.name}") for s in frameworks.all_statements(methodology)
        ]
        categories_field = self.fields["categories"]
        assert isinstance(categories_field, forms.MultipleChoiceField)
        categories_field.choices = list(methodology.evidence_categories.items())
        measure_field = self.fields["measure_key"]
        assert isinstance(measure_field, forms.ChoiceField)
        measure_field.choices = [("", "None"), *measures]


class ReviewEvidenceForm(NHSForm):
    review_date = NHSDateField(label="Next review date", subject="the next review date")


class EvidenceFilterForm(NHSForm):
    statement = forms.ChoiceField(label="Quality statement", required=False, choices=())
    category = forms.ChoiceField(label="Evidence category", required=False, choices=())
    stale = forms.ChoiceField(
        label="Review status",
        required=False,
        choices=[("", "Any"), ("yes", "Past its review date"), ("no", "Current")],
    )
    retired = forms.ChoiceField(
        label="Retired evidence",
        required=False,
        choices=[("", "Hide retired"), ("include", "Show retired too"), ("only", "Retired only")],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        methodology = frameworks.evidence_framework_methodology()
        statement_field = self.fields["statement"]
        assert isinstance(statement_field, forms.ChoiceField)
        statement_field.choices = [("", "Any")] + [
            (s.id, f"{s.label} {s.name}") for s in frameworks.all_statements(methodology)
        ]
        category_field = self.fields["category"]
        assert isinstance(category_field, forms.ChoiceField)
        category_field.choices = [("", "Any"), *methodology.evidence_categories.items()]


class EvidenceChangeForm(EvidenceForm):
    """Edit an item: the kind and unit stay as they are, a new file replaces the old."""

    def __init__(self, *args: Any, item: EvidenceItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["kind"]
        del self.fields["unit"]
        file_field = self.fields["file"]
        file_field.label = "Replace the document with a new version"
        file_field.help_text = (
            "Optional. PDF, Word (DOCX), Excel (XLSX), PNG, JPEG, CSV or plain text"
        )
        if item.kind != EvidenceKind.DOCUMENT:
            del self.fields["file"]
        if item.kind != EvidenceKind.LINK:
            del self.fields["url"]
        else:
            self.fields["url"].required = True
            self.fields["url"].label = "Web address"
        if item.kind != EvidenceKind.MEASURE:
            del self.fields["measure_key"]
        else:
            self.fields["measure_key"].label = "Live measure"


class RetireEvidenceForm(NHSForm):
    reason = forms.CharField(
        label="Why is the evidence retired?",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="For example, superseded by the 2026 strategy. It stays in the audit",
    )


LIMITER_LABELS: dict[str, str] = {
    "statement_scored_1": "A statement scored 1 limits the rating (rule switch)",
    "requirement_notice": "Requirement notice: at best Requires improvement",
    "warning_notice": "Warning notice: Inadequate",
    "condition_of_registration": "Condition of registration: Inadequate",
}


class LimitersForm(NHSForm):
    reason = forms.CharField(
        label="What the enforcement rests on",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Needed for a notice or condition: its reference, regulation and inspection",
    )

    def __init__(
        self,
        *args: Any,
        key_questions: list[tuple[str, str]],
        limiter_names: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.key_question_ids = [kq for kq, _ in key_questions]
        reason = self.fields.pop("reason")
        for kq_id, name in key_questions:
            self.fields[f"limiters_{kq_id}"] = forms.MultipleChoiceField(
                label=f"Limiters for {name}",
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[(n, LIMITER_LABELS.get(n, n)) for n in limiter_names],
            )
        self.fields["reason"] = reason

    def limiter_fields(self) -> list[Any]:
        return [self[f"limiters_{kq}"] for kq in self.key_question_ids]

    def limiters(self) -> dict[str, list[str]]:
        return {
            kq: list(self.cleaned_data.get(f"limiters_{kq}") or []) for kq in self.key_question_ids
        }
