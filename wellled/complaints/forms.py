"""Forms for the complaints pages. They only read and shape input: the rules are
in actions.py, whose ValidationErrors are shown on these forms by field."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from wellled.complaints import uploads
from wellled.complaints.models import (
    NEEDS_LEARNING,
    Channel,
    Complaint,
    ComplaintIssue,
    ConsentStatus,
    Exclusion,
    ExtensionRequestedBy,
    HowAgreed,
    Kind,
    LateResponseTask,
    LetterKind,
    Outcome,
    PHSODecision,
    PHSORecommendation,
    PHSOReferral,
    ReferenceItem,
    ReferenceList,
    RepresentativeBasis,
    SignOffCapacity,
    Status,
)
from wellled.complaints.queries import ANY_OPEN, ANY_STATUS, DEFAULT_SORT, SORT_CHOICES
from wellled.core.forms import NHSDateField
from wellled.core.nhsforms import NHSForm
from wellled.organisation.access import ROLE_CAPABILITIES, Cap, can
from wellled.organisation.models import OrgUnit

# Action error keys that have no field of their own, and the field to show them on.
_ALIASES = {
    "complainant_contact": "complainant_email",
    "complainant_name": "full_name",
    "patient_name": "full_name",
    "notified": "notified_on",
}


def action_aliases(form: forms.BaseForm) -> dict[str, str]:
    """For `run_action`: the action error keys this form has no field of its own for,
    and the field to show each on."""
    return {key: field for key, field in _ALIASES.items() if key not in form.fields}


def _date(label: str, subject: str, *, required: bool = True, hint: str = "") -> NHSDateField:
    return NHSDateField(
        label=label,
        subject=subject,
        required=required,
        help_text=hint or "For example, 15 3 2026",
    )


class CaseloadFilterForm(NHSForm):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text="A reference, a name, an NHS number or words from the summary",
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[
            ("", "Any open status"),
            (ANY_STATUS, "Any status, closed included"),
            *Status.choices,
        ],
        error_messages={"invalid_choice": "Choose a status from the list"},
    )
    overdue = forms.BooleanField(label="Overdue only", required=False)
    ordering = forms.ChoiceField(
        required=False,
        choices=[(key, key) for key in SORT_CHOICES],
        widget=forms.HiddenInput,
    )

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for queries.caseload, from what is valid of the filter: a
        bad status is shown beside its field while the search still runs."""
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        return {
            "q": data.get("q", ""),
            "status": data.get("status") or ANY_OPEN,
            "overdue": True if data.get("overdue") else None,
            "ordering": data.get("ordering") or DEFAULT_SORT,
        }


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

    complainant_relationship = forms.CharField(
        label="Complainant's relationship to the patient", required=False, max_length=100
    )
    representative_basis = forms.ChoiceField(
        label="On what basis are they complaining?",
        choices=RepresentativeBasis.choices,
        initial=RepresentativeBasis.SELF,
        required=False,
        widget=forms.RadioSelect,
    )
    consent_status = forms.ChoiceField(
        label="Consent status",
        choices=ConsentStatus.choices,
        initial=ConsentStatus.NOT_NEEDED,
        required=False,
        widget=forms.RadioSelect,
    )
    consent_evidence = forms.CharField(
        label="Evidence of consent", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    date_of_birth = _date("Patient's date of birth (optional)", "Date of birth", required=False)
    event_date = _date("When it happened (optional)", "Date it happened", required=False)
    aware_date = _date(
        "When the complainant became aware of it (optional)", "Date aware", required=False
    )
    late_acceptance_reason = forms.CharField(
        label="Notes on the 12-month time limit (optional)",
        help_text="If it was made over 12 months later, you decide on the case page "
        "whether to accept it",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
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
    """A step's form. Forms whose choices depend on the case read it in __init__.

    A date of something just done (acknowledged, sent, closed) starts at today, so
    the usual case is one click; a date still to come (a response date, a due date)
    or one that only applies sometimes starts empty, since a wrong default there
    would be sent on unread.
    """

    undated: ClassVar[frozenset[str]] = frozenset(
        {"response_due", "new_date", "notified_on", "due_on"}
    )

    def __init__(self, *args: Any, complaint: Complaint, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.complaint = complaint
        if not self.is_bound:
            today = timezone.localdate()
            for name, field in self.fields.items():
                if isinstance(field, NHSDateField) and name not in self.undated:
                    field.initial = field.initial or today


class _IssueStepForm(StepForm):
    """A step about one of the case's issues. With only one issue to choose from (or
    the page's issue given), the chooser is a hidden field and the page names it."""

    def __init__(
        self,
        *args: Any,
        complaint: Complaint,
        issue: ComplaintIssue | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, complaint=complaint, **kwargs)
        field = self.fields["issue"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = self.issues(complaint)
        choices = list(field.queryset[:2]) if issue is None else [issue]
        self.only_issue: ComplaintIssue | None = choices[0] if len(choices) == 1 else None
        if self.only_issue is not None:
            field.widget = forms.HiddenInput()
            field.initial = self.only_issue.pk

    def issues(self, complaint: Complaint) -> QuerySet[ComplaintIssue]:
        return complaint.issues.all()


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


class IssueOutcomeForm(_IssueStepForm):
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


_LIMB = [("yes", "Yes"), ("no", "No")]


class TimeLimitForm(StepForm):
    """Regulation 12: both limbs, each with its reasons (actions.time_limit)."""

    good_reason = forms.TypedChoiceField(
        label="Did the complainant have good reason for not complaining within 12 months?",
        choices=_LIMB,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the complainant had good reason for the delay"},
    )
    good_reason_note = forms.CharField(
        label="Why", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    still_investigable = forms.TypedChoiceField(
        label="Despite the delay, can it still be investigated effectively and fairly?",
        choices=_LIMB,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether it can still be investigated fairly"},
    )
    still_investigable_note = forms.CharField(
        label="Why", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    decided_on = _date("Date decided", "Date decided", required=False, hint="Leave blank for today")


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


class SetResponseDateForm(StepForm):
    response_due = _date("Response date set by the trust", "Response date")
    notified = forms.BooleanField(
        label="We have told the complainant this date in writing",
        required=False,
    )
    notified_on = _date("Date the complainant was told", "Date told", required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["notified"] = bool(cleaned.get("notified"))
        return cleaned


class ExtensionForm(StepForm):
    # The date agreed applies only when they agreed: it starts empty.
    undated = StepForm.undated | {"agreed_on"}
    new_date = _date("New response date", "New response date")
    complainant_agreed = forms.BooleanField(
        label="The complainant agreed to the new date", required=False
    )
    how_agreed = forms.ChoiceField(
        label="How they agreed",
        choices=[("", "Choose how they agreed"), *HowAgreed.choices],
        required=False,
    )
    agreed_on = _date("Date they agreed", "Date agreed", required=False)
    requested_by = forms.ChoiceField(
        label="Who asked for more time?",
        choices=ExtensionRequestedBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say who asked for more time"},
    )
    reason = forms.CharField(
        label="Why is more time needed?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why more time is needed"},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["complainant_agreed"] = bool(cleaned.get("complainant_agreed"))
        cleaned["how_agreed"] = cleaned.get("how_agreed") or ""
        # The action names what is missing: keep "agreed_on" even when empty.
        cleaned.setdefault("agreed_on", None)
        return cleaned


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


def eligible_handlers(complaint: Complaint) -> list[User]:
    """Active logins who may handle complaints about the case's service."""
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if Cap.MANAGE_COMPLAINTS in caps]
    users = (
        User.objects.filter(is_active=True, role_assignments__role__in=roles)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
    return [user for user in users if can(user, Cap.MANAGE_COMPLAINTS, complaint.service)]


class HandlerForm(StepForm):
    handler = UserChoiceField(
        label="Who handles the case?",
        queryset=User.objects.none(),
        required=False,
        empty_label="Nobody (unassigned)",
    )

    def __init__(self, *args: Any, complaint: Complaint, **kwargs: Any) -> None:
        super().__init__(*args, complaint=complaint, **kwargs)
        field = self.fields["handler"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(pk__in=[u.pk for u in eligible_handlers(complaint)])
        field.initial = complaint.handler_id


class LearningForm(_IssueStepForm):
    issue = IssueChoiceField(
        label="Issue",
        queryset=ComplaintIssue.objects.none(),
        empty_label="Choose the issue",
        error_messages={"required": "Choose the issue"},
    )
    learning_statement = forms.CharField(
        label="What was learned",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    no_learning_reason = forms.CharField(
        label="Or: why there is nothing to learn",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def issues(self, complaint: Complaint) -> QuerySet[ComplaintIssue]:
        return complaint.issues.filter(outcome__in=NEEDS_LEARNING)


class ConsentForm(StepForm):
    consent_status = forms.ChoiceField(
        label="Consent status",
        choices=ConsentStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the consent status"},
    )
    consent_evidence = forms.CharField(
        label="Evidence of consent",
        help_text="For example, signed consent form received on 4 March 2026",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, complaint: Complaint, **kwargs: Any) -> None:
        super().__init__(*args, complaint=complaint, **kwargs)
        self.fields["consent_status"].initial = complaint.complainant.consent_status
        self.fields["consent_evidence"].initial = complaint.complainant.consent_evidence


class PHSOReferralForm(StepForm):
    referred_on = _date("Date the complainant went to the Ombudsman", "Date referred")
    phso_reference = forms.CharField(label="Ombudsman's reference", required=False, max_length=60)


class ReferralChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PHSOReferral) -> str:
        return f"Referral of {obj.referred_on:%d %B %Y}" + (
            f" ({obj.phso_reference})" if obj.phso_reference else ""
        )


class PHSODecisionForm(StepForm):
    referral = ReferralChoiceField(
        label="Referral",
        queryset=PHSOReferral.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose the referral"},
    )
    decision = forms.ChoiceField(
        label="The Ombudsman's decision",
        choices=[c for c in PHSODecision.choices if c[0] != PHSODecision.PENDING],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the Ombudsman's decision"},
    )
    decision_on = _date("Date of the decision", "Date of the decision")
    decision_summary = forms.CharField(
        label="Summary of the decision", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, complaint: Complaint, **kwargs: Any) -> None:
        super().__init__(*args, complaint=complaint, **kwargs)
        field = self.fields["referral"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = complaint.phso_referrals.all()


class PHSORecommendationForm(PHSODecisionForm):
    decision = None  # type: ignore[assignment]
    decision_on = None  # type: ignore[assignment]
    decision_summary = None  # type: ignore[assignment]
    description = forms.CharField(
        label="What the Ombudsman recommended",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Describe what the Ombudsman recommended"},
    )
    due_on = _date("Due by", "Due date")


class RecommendationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PHSORecommendation) -> str:
        return f"{obj.description[:70]} (due {obj.due_on:%d %B %Y})"


class PHSOCompleteForm(StepForm):
    recommendation = RecommendationChoiceField(
        label="Recommendation",
        queryset=PHSORecommendation.objects.none(),
        empty_label="Choose the recommendation",
        error_messages={"required": "Choose the recommendation"},
    )
    completed_on = _date("Date completed", "Date completed")
    evidence = forms.CharField(
        label="Evidence it was done",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what shows the recommendation was carried out"},
    )

    def __init__(self, *args: Any, complaint: Complaint, **kwargs: Any) -> None:
        super().__init__(*args, complaint=complaint, **kwargs)
        field = self.fields["recommendation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = PHSORecommendation.objects.filter(
            referral__complaint=complaint, completed_on__isnull=True
        )


class LateTaskChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: LateResponseTask) -> str:
        return f"Response date {obj.missed_due:%d %B %Y} missed"


class LateLetterForm(StepForm):
    task = LateTaskChoiceField(
        label="Missed response date",
        queryset=LateResponseTask.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose the missed date"},
    )
    sent_on = _date("Date the letter was sent", "Date sent")
    reason_for_delay = forms.CharField(
        label="The reason for the delay given in the letter",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the response is late: the letter must explain it"},
    )

    def __init__(self, *args: Any, complaint: Complaint, **kwargs: Any) -> None:
        super().__init__(*args, complaint=complaint, **kwargs)
        field = self.fields["task"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = complaint.late_response_tasks.filter(letter_sent_on__isnull=True)


class ExcludeForm(StepForm):
    exclusion = forms.ChoiceField(
        label="Which part of regulation 8 applies?",
        choices=[c for c in Exclusion.choices if c[0] != Exclusion.ORAL_RESOLVED],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which part of regulation 8 applies"},
    )
    exclusion_reason = forms.CharField(
        label="Why it applies",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the complaint falls under this exclusion"},
    )


class EscalateForm(StepForm):
    escalated_on = _date(
        "Date the concern became a formal complaint",
        "Date escalated",
        required=False,
        hint="Leave blank for today. For example, 15 3 2026",
    )
    late_acceptance_reason = forms.CharField(
        label="Notes on the 12-month time limit (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AttachmentForm(StepForm):
    attachment = forms.FileField(
        label="Document",
        help_text=f"PDF, JPEG, PNG or Word (DOCX), up to {uploads.limit_label()}",
        error_messages={"required": "Choose a document to attach"},
    )


class DraftLetterForm(StepForm):
    kind = forms.ChoiceField(
        label="Kind of letter",
        choices=LetterKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of letter"},
    )

    def __init__(self, *args: Any, complaint: Complaint, **kwargs: Any) -> None:
        super().__init__(*args, complaint=complaint, **kwargs)
        # During the investigation the letter still to write is the final response.
        if complaint.status == Status.INVESTIGATING:
            self.fields["kind"].initial = LetterKind.FINAL


class LetterSentForm(NHSForm):
    sent_on = _date("Date sent", "Date sent")


class ComplainantForm(NHSForm):
    title = forms.CharField(
        label="Title (optional)",
        help_text="For example Ms, Mr, Mx or Dr: letters then open 'Dear Ms Rivera'",
        required=False,
        max_length=20,
        error_messages={"max_length": "Enter a title of 20 characters or fewer"},
    )
    full_name = forms.CharField(
        label="Full name", max_length=200, error_messages={"required": "Enter their name"}
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )
    phone = forms.CharField(label="Phone number", required=False, max_length=40)
    address = forms.CharField(
        label="Address", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    relationship = forms.CharField(
        label="Relationship to the patient", required=False, max_length=100
    )
    representative_basis = forms.ChoiceField(
        label="On what basis are they complaining?",
        choices=RepresentativeBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose on what basis they are complaining"},
    )
    consent_status = forms.ChoiceField(
        label="Consent status",
        choices=ConsentStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the consent status"},
    )
    consent_evidence = forms.CharField(
        label="Evidence of consent", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PatientForm(NHSForm):
    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={"required": "Enter the patient's name"},
    )
    nhs_number = forms.CharField(
        label="NHS number (optional)",
        help_text="10 digits, for example 943 476 5919",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10", "inputmode": "numeric"}),
    )
    date_of_birth = _date("Date of birth (optional)", "Date of birth", required=False)


class CaseDetailsForm(NHSForm):
    summary = forms.CharField(
        label="Summary of the complaint",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter a summary of the complaint"},
    )
    event_date = _date("When it happened (optional)", "Date it happened", required=False)
    aware_date = _date(
        "When the complainant became aware of it (optional)", "Date aware", required=False
    )
    late_acceptance_reason = forms.CharField(
        label="Notes on the 12-month time limit (optional)",
        help_text="If it was made over 12 months later, you decide on the case page "
        "whether to accept it",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# The letter forms live in letter_forms.py (this module's size); views use them as
# forms.LetterForm and so on.
from wellled.complaints.letter_forms import (  # noqa: E402
    FinalLetterForm as FinalLetterForm,
)
from wellled.complaints.letter_forms import LetterForm as LetterForm  # noqa: E402
from wellled.complaints.letter_forms import LetterheadForm as LetterheadForm  # noqa: E402
from wellled.complaints.letter_forms import (  # noqa: E402
    LetterTemplateForm as LetterTemplateForm,
)
from wellled.complaints.letter_forms import (  # noqa: E402
    SignedOffLetterForm as SignedOffLetterForm,
)
