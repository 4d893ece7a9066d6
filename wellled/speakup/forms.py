"""Forms for speaking up and for guardians' casework: validation and conversion only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile

from wellled.core.forms import NHSDateField
from wellled.core.nhsforms import NHSForm
from wellled.organisation.models import OrgUnit
from wellled.speakup.models import (
    Channel,
    EscalationRoute,
    FeedbackAnswer,
    Route,
    Status,
    Theme,
    WorkerGroup,
)
from wellled.speakup.uploads import ALLOWED_DESCRIPTION, MAX_FILES, max_bytes, refusals


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        problems = refusals(items)
        if problems:
            raise forms.ValidationError(problems)
        return [item for item in items if item]


def _files_help() -> str:
    return (
        f"Optional. Up to {MAX_FILES} files, each under {max_bytes() // (1024 * 1024)} MB: "
        f"{ALLOWED_DESCRIPTION}."
    )


def files_of(files: list[UploadedFile]) -> list[tuple[str, bytes]]:
    """(name, bytes) pairs for an action, from files the upload handler accepted."""
    return [(upload.name or "file", upload.read()) for upload in files]


WORKER_GROUP_CHOICES = [("", "Prefer not to say")] + [
    c for c in WorkerGroup.choices if c[0] != WorkerGroup.NOT_KNOWN
]


class AnonymousConcernForm(NHSForm):
    narrative = forms.CharField(
        label="What is your concern?",
        help_text="Say what happened or is happening, where, and who is affected. "
        "Leave out anything that would identify you if you want to stay anonymous.",
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
    )
    worker_group = forms.ChoiceField(
        label="Your staff group (optional)",
        choices=WORKER_GROUP_CHOICES,
        required=False,
        help_text="Used only for anonymous national statistics. In a small team it may "
        "narrow down who you are: leave it if so.",
    )
    files = MultipleFileField(label="Evidence files", help_text="")  # type: ignore[assignment]  # a field, not BaseForm.files
    strip_metadata = forms.BooleanField(
        label="Remove hidden details (such as camera, location and author) from my photos and PDFs",
        required=False,
    )
    notify_email = forms.EmailField(
        label="Email address for alerts (optional)",
        help_text="We will only ever email to say there is a reply, with no details. "
        "Use a personal address, not your work one. The address is encrypted with your "
        "concern and never shown to anyone.",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _files_help()


class StaffConcernForm(AnonymousConcernForm):
    route = forms.ChoiceField(
        label="Who may know it was you?",
        choices=[
            (Route.CONFIDENTIAL, "Confidential: only the guardian knows who I am"),
            (Route.OPEN, "Open: I am happy for my name to be known"),
        ],
        widget=forms.RadioSelect,
        initial=Route.CONFIDENTIAL,
    )
    reporter_contact = forms.CharField(
        label="How would you like the guardian to contact you? (optional)",
        required=False,
        max_length=200,
    )
    unit = forms.ModelChoiceField(
        label="Which part of the trust is it about? (optional)",
        queryset=OrgUnit.objects.filter(is_active=True),
        required=False,
    )

    field_order = ["route", "narrative", "unit", "worker_group", "reporter_contact", "files"]


class CodeForm(NHSForm):
    code = forms.CharField(
        label="Your code",
        help_text="The 25 letters and numbers you were given, like ABCDE-12345-FGHJK-67890-MNPQR. "
        "Spaces and dashes do not matter.",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ReporterMessageForm(NHSForm):
    body = forms.CharField(
        label="Your message", widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    files = MultipleFileField(label="Add files", help_text="")  # type: ignore[assignment]  # a field, not BaseForm.files
    strip_metadata = forms.BooleanField(
        label="Remove hidden details from my photos and PDFs", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _files_help()


class FeedbackForm(NHSForm):
    answer = forms.ChoiceField(
        label="Given your experience, would you speak up again?",
        choices=[c for c in FeedbackAnswer.choices if c[0] != FeedbackAnswer.BLANK],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Why? (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class RevealForm(NHSForm):
    level = forms.ChoiceField(
        label="Who may know your name?",
        choices=[
            (Route.CONFIDENTIAL, "Only the guardian (confidential)"),
            (Route.OPEN, "Anyone who needs to (open)"),
        ],
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label="Your name", max_length=200, required=False)
    contact = forms.CharField(label="How to contact you (optional)", max_length=200, required=False)
    confirm = forms.BooleanField(
        label="I understand that once I share my name I cannot take it back", required=False
    )


class KeySetupForm(NHSForm):
    passphrase = forms.CharField(
        label="Choose a passphrase",
        help_text="At least 12 characters. A few unrelated words work well. Nobody can reset "
        "it: if you forget it, another guardian must send your cases to a new key.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        required=False,
    )
    confirm = forms.CharField(
        label="Type it again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        required=False,
    )


class ChangePassphraseForm(NHSForm):
    old_passphrase = forms.CharField(
        label="Your current passphrase",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        required=False,
    )
    new_passphrase = forms.CharField(
        label="New passphrase",
        help_text="At least 12 characters.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        required=False,
    )
    confirm = forms.CharField(
        label="Type the new passphrase again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        required=False,
    )


class ResetKeyForm(KeySetupForm):
    understood = forms.BooleanField(
        label="I understand that I will lose access to every case sent to my old key",
        required=False,
    )


class UnlockForm(NHSForm):
    passphrase = forms.CharField(
        label="Your speak-up passphrase",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        required=False,
    )


class OnBehalfForm(NHSForm):
    channel = forms.ChoiceField(
        label="How did the concern reach you?",
        choices=[c for c in Channel.choices if c[0] != Channel.ONLINE],
        widget=forms.RadioSelect,
    )
    received_on = NHSDateField(label="Date received", subject="Date received")
    route = forms.ChoiceField(
        label="How does the worker want to speak up?",
        choices=Route.choices,
        widget=forms.RadioSelect,
    )
    reporter_name = forms.CharField(
        label="Worker's name", help_text="Leave blank if anonymous.", required=False, max_length=200
    )
    reporter_contact = forms.CharField(label="How to contact them", required=False, max_length=200)
    narrative = forms.CharField(
        label="The concern", widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    worker_group = forms.ChoiceField(label="Worker group", choices=WorkerGroup.choices)
    unit = forms.ModelChoiceField(
        label="Part of the trust concerned (optional)",
        queryset=OrgUnit.objects.filter(is_active=True),
        required=False,
    )
    issue_code = forms.BooleanField(
        label="Give the worker a code so they can read replies online", required=False
    )
    files = MultipleFileField(label="Files", help_text="")  # type: ignore[assignment]  # a field, not BaseForm.files

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _files_help()


class CaseloadFilterForm(NHSForm):
    status = forms.ChoiceField(
        label="Show",
        choices=[("open", "Open cases"), *Status.choices, ("all", "All cases")],
        required=False,
    )
    q = forms.CharField(
        label="Case reference or service",
        help_text="All or part of it. Summaries are sealed, so they are not searched.",
        required=False,
        max_length=100,
        error_messages={"max_length": "Search must be 100 characters or fewer"},
        widget=forms.TextInput(
            attrs={"class": "nhsuk-input--width-20", "spellcheck": "false", "autocomplete": "off"}
        ),
    )
    sort = forms.ChoiceField(
        label="Sort by",
        choices=[
            ("updated", "Latest activity first"),
            ("received", "Received, newest first"),
            ("received_oldest", "Received, oldest first"),
            ("overdue", "Overdue first"),
        ],
        required=False,
    )


class TriageForm(NHSForm):
    summary = forms.CharField(label="Summary for your caseload", max_length=200, required=False)
    element_patient_safety = forms.BooleanField(label="Patient safety or quality", required=False)
    element_worker_safety = forms.BooleanField(label="Worker safety or wellbeing", required=False)
    element_bullying_harassment = forms.BooleanField(label="Bullying or harassment", required=False)
    element_other_behaviour = forms.BooleanField(
        label="Other inappropriate attitudes or behaviours", required=False
    )
    worker_group = forms.ChoiceField(label="Worker group", choices=WorkerGroup.choices)
    unit = forms.ModelChoiceField(
        label="Directorate or service concerned",
        queryset=OrgUnit.objects.filter(is_active=True),
        required=False,
    )
    themes = forms.ModelMultipleChoiceField(
        label="Themes",
        queryset=Theme.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    new_theme = forms.CharField(label="Add a new theme (optional)", max_length=100, required=False)


class StatusForm(NHSForm):
    status = forms.ChoiceField(
        label="Status",
        choices=[
            (Status.TRIAGED, Status.TRIAGED.label),
            (Status.IN_PROGRESS, Status.IN_PROGRESS.label),
        ],
    )


class ReplyForm(NHSForm):
    body = forms.CharField(
        label="Message", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    internal = forms.BooleanField(
        label="Note for guardians only (the worker will not see it)", required=False
    )
    files = MultipleFileField(label="Files", help_text="")  # type: ignore[assignment]  # a field, not BaseForm.files


class ActionForm(NHSForm):
    description = forms.CharField(label="What is to be done", max_length=2000, required=False)
    owner = forms.CharField(label="Who will do it", max_length=200, required=False)
    due = NHSDateField(label="Due by", subject="Due date", required=False)


class EscalationForm(NHSForm):
    route = forms.ChoiceField(label="Escalated to", choices=EscalationRoute.choices)
    escalated_on = NHSDateField(label="Date escalated", subject="Date escalated")
    note = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class DetrimentForm(NHSForm):
    reported = forms.BooleanField(
        label="The worker reports being treated badly for speaking up (detriment)", required=False
    )
    follow_up_due = NHSDateField(
        label="Follow up by",
        subject="Follow-up date",
        required=False,
        help_text="Leave blank for four weeks from today.",
    )
    note = forms.CharField(
        label="Note (guardians only)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class GuardianChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class AssignForm(NHSForm):
    guardian = GuardianChoiceField(label="Guardian", queryset=User.objects.none())
    remove_self = forms.BooleanField(
        label="Hand the case over: remove my own access", required=False
    )

    def __init__(self, *args: Any, guardians: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if guardians is not None:
            field = self.fields["guardian"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = guardians


class CloseForm(NHSForm):
    outcome = forms.CharField(
        label="How was the concern resolved?",
        help_text="The worker reads this through their code, followed by the question "
        "“Given your experience, would you speak up again?”",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


class ShredForm(NHSForm):
    confirm = forms.BooleanField(
        label="I understand that nobody will ever be able to read this case again",
        required=False,
    )


class GuardianFeedbackForm(NHSForm):
    answer = forms.ChoiceField(
        label="Would the worker speak up again?",
        choices=FeedbackAnswer.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Their reason (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ApproveGuardianForm(NHSForm):
    fingerprint_checked = forms.BooleanField(
        label="I have checked this fingerprint with them, in person or by phone",
        required=False,
    )


class _HolderChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class RecoverySetupForm(NHSForm):
    holders = _HolderChoice(
        queryset=User.objects.none(),
        label="Who will hold the words",
        help_text="Choose people outside IT and outside casework, such as the executive lead "
        "for speaking up, the non-executive director for speaking up and the chief executive.",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    threshold = forms.IntegerField(
        label="How many of them are needed together",
        initial=2,
        min_value=2,
        max_value=7,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-2", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, holders: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["holders"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = User.objects.filter(pk__in=[u.pk for u in holders])


class RecoverCaseForm(NHSForm):
    reason = forms.CharField(
        label="Why does this case need the recovery key?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    share_1 = forms.CharField(
        label="First holder's words",
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"}),
        required=False,
    )
    share_2 = forms.CharField(
        label="Second holder's words",
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"}),
        required=False,
    )
    share_3 = forms.CharField(
        label="Third holder's words (only if three are needed)",
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"}),
        required=False,
    )
