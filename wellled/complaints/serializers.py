"""API shapes for complaints.

`ComplaintSerializer` is what lists show: references, places, statuses and dates,
no personal data. `ComplaintDetailSerializer` adds the summary and the people, so
the view that returns it records the look on the audit trail (as the case page
does). Input serializers only check and convert the body: the view hands
`validated_data` to an action in wellled.complaints.actions.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from wellled.complaints import clocks, letters
from wellled.complaints.casework_models import WITH_WHOM_MAX_LENGTH, WITH_WHOM_TOO_LONG
from wellled.complaints.models import (
    Attachment,
    CaseNote,
    Channel,
    Complainant,
    Complaint,
    ComplaintIssue,
    ConsentStatus,
    Exclusion,
    ExtensionRequestedBy,
    HowAgreed,
    Kind,
    LateResponseTask,
    Letter,
    LetterKind,
    Outcome,
    Patient,
    PHSODecision,
    PHSORecommendation,
    PHSOReferral,
    ReferenceItem,
    ReferenceList,
    RepresentativeBasis,
    SignOffCapacity,
    Status,
)
from wellled.organisation.serializers import ActiveUserField, VisibleUnitField


class ComplaintSerializer(serializers.ModelSerializer[Complaint]):
    next_deadline = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "id",
            "reference",
            "kind",
            "channel",
            "status",
            "received_on",
            "service",
            "team",
            "site",
            "handler",
            "exclusion",
            "acknowledgement_due",
            "acknowledged_on",
            "discussion_offered_on",
            "response_due",
            "response_date_basis",
            "response_date_agreed_on",
            "response_date_how_agreed",
            "response_date_notified_on",
            "backstop_due",
            "signed_off_on",
            "responded_on",
            "closed_on",
            "reopened_on",
            "referred_to_phso_on",
            "next_deadline",
        ]
        read_only_fields = fields

    @extend_schema_field(
        inline_serializer(
            "NextDeadline",
            {"label": serializers.CharField(), "due": serializers.DateField()},
            allow_null=True,
        )
    )
    def get_next_deadline(self, complaint: Complaint) -> dict[str, Any] | None:
        deadline = clocks.next_deadline(
            acknowledgement_due=complaint.acknowledgement_due,
            acknowledged_on=complaint.acknowledged_on,
            response_due=complaint.response_due,
            backstop_due=complaint.backstop_due,
            responded_on=complaint.responded_on,
            reopened=complaint.status == Status.REOPENED,
        )
        if deadline is None:
            return None
        return {"label": deadline.label, "due": deadline.due}


class ComplainantSerializer(serializers.ModelSerializer[Complainant]):
    class Meta:
        model = Complainant
        fields = [
            "full_name",
            "email",
            "phone",
            "address",
            "relationship",
            "representative_basis",
            "consent_status",
        ]
        read_only_fields = fields


class PatientSerializer(serializers.ModelSerializer[Patient]):
    class Meta:
        model = Patient
        fields = ["full_name", "nhs_number", "date_of_birth"]
        read_only_fields = fields


class ComplaintDetailSerializer(ComplaintSerializer):
    complainant = ComplainantSerializer(read_only=True)
    patient = PatientSerializer(read_only=True, allow_null=True)

    class Meta(ComplaintSerializer.Meta):
        fields = [
            *ComplaintSerializer.Meta.fields,
            "summary",
            "event_date",
            "aware_date",
            "time_limit_decision",
            "late_good_reason",
            "late_still_investigable",
            "time_limit_decided_on",
            "complainant",
            "patient",
        ]
        read_only_fields = fields


class ComplaintCreateSerializer(serializers.Serializer[Any]):
    """The intake page's fields, named as the action names them in its errors."""

    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.COMPLAINT)
    channel = serializers.ChoiceField(choices=Channel.choices)
    received_on = serializers.DateField()
    resolved_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Only for an oral complaint resolved by the next working day.",
    )
    service = VisibleUnitField(help_text="The id of the service complained about.")
    team = VisibleUnitField(required=False, allow_null=True)
    site = VisibleUnitField(required=False, allow_null=True)
    summary = serializers.CharField()
    event_date = serializers.DateField(required=False, allow_null=True)
    aware_date = serializers.DateField(required=False, allow_null=True)
    late_acceptance_reason = serializers.CharField(required=False, allow_blank=True, default="")
    complainant_name = serializers.CharField()
    complainant_email = serializers.EmailField(required=False, allow_blank=True, default="")
    complainant_phone = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=40
    )
    complainant_address = serializers.CharField(required=False, allow_blank=True, default="")
    complainant_relationship = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=100
    )
    representative_basis = serializers.ChoiceField(
        choices=RepresentativeBasis.choices, default=RepresentativeBasis.SELF
    )
    consent_status = serializers.ChoiceField(
        choices=ConsentStatus.choices, default=ConsentStatus.NOT_NEEDED
    )
    consent_evidence = serializers.CharField(required=False, allow_blank=True, default="")
    patient_name = serializers.CharField(required=False, allow_blank=True, default="")
    nhs_number = serializers.CharField(required=False, allow_blank=True, default="")
    date_of_birth = serializers.DateField(required=False, allow_null=True)


class AcknowledgeSerializer(serializers.Serializer[Any]):
    acknowledged_on = serializers.DateField()
    discussion_offered_on = serializers.DateField(
        help_text="When you offered to discuss how the complaint will be handled (regulation 13)."
    )


class AgreeResponseDateSerializer(serializers.Serializer[Any]):
    response_due = serializers.DateField()
    agreed_on = serializers.DateField()
    how_agreed = serializers.ChoiceField(choices=HowAgreed.choices)


class ComplaintUpdateSerializer(serializers.Serializer[Any]):
    """PATCH: only the fields sent change; each goes through an action."""

    handler = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="The login who handles the case (null: unassigned).",
    )
    summary = serializers.CharField(required=False)
    team = VisibleUnitField(required=False, allow_null=True)
    site = VisibleUnitField(required=False, allow_null=True)
    event_date = serializers.DateField(required=False, allow_null=True)
    aware_date = serializers.DateField(required=False, allow_null=True)


class SetResponseDateSerializer(serializers.Serializer[Any]):
    response_due = serializers.DateField()
    notified = serializers.BooleanField(
        help_text="True once the complainant has been told the date in writing."
    )
    notified_on = serializers.DateField(required=False, allow_null=True, default=None)


class ExtendResponseDateSerializer(serializers.Serializer[Any]):
    new_date = serializers.DateField()
    complainant_agreed = serializers.BooleanField()
    how_agreed = serializers.ChoiceField(choices=HowAgreed.choices, required=False, default="")
    agreed_on = serializers.DateField(required=False, allow_null=True, default=None)
    requested_by = serializers.ChoiceField(choices=ExtensionRequestedBy.choices)
    reason = serializers.CharField()


class SignOffSerializer(serializers.Serializer[Any]):
    capacity = serializers.ChoiceField(choices=SignOffCapacity.choices)
    signed_off_on = serializers.DateField(required=False, allow_null=True)


class RecordResponseSerializer(serializers.Serializer[Any]):
    responded_on = serializers.DateField(
        help_text="Needs an unsent final response letter with its checklist confirmed."
    )


class CloseSerializer(serializers.Serializer[Any]):
    closed_on = serializers.DateField(required=False, allow_null=True)


class ReopenSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField()
    reopened_on = serializers.DateField(required=False, allow_null=True)


class EmptySerializer(serializers.Serializer[Any]):
    pass


# Issues -----------------------------------------------------------------------------


class ReferenceCodeField(serializers.SlugRelatedField[ReferenceItem]):
    """An entry of one reference list, given by its code (e.g. "communications").

    Retired entries are found too, so that the action can say plainly that the
    entry is no longer in use rather than that it does not exist.
    """

    default_error_messages = {
        "does_not_exist": "There is no {slug_name} {value} in this list.",
        "invalid": "Give the entry's code, a word such as 'communications'.",
    }

    def __init__(self, list_name: str, **kwargs: Any) -> None:
        self.list_name = list_name
        kwargs.setdefault("help_text", f"The code of an entry in the {list_name} list.")
        super().__init__(
            slug_field="code", queryset=ReferenceItem.objects.filter(list=list_name), **kwargs
        )


def _reference(list_name: str, *, required: bool) -> ReferenceCodeField:
    if required:
        return ReferenceCodeField(list_name)
    return ReferenceCodeField(list_name, required=False, allow_null=True)


class IssueSerializer(serializers.ModelSerializer[ComplaintIssue]):
    subject = _reference(ReferenceList.KO41A_SUBJECT, required=True)
    clinical_subcategory = _reference(ReferenceList.KO41A_CLINICAL_SUBCATEGORY, required=False)
    service_area = _reference(ReferenceList.KO41A_SERVICE_AREA, required=True)
    profession = _reference(ReferenceList.PROFESSION, required=True)
    hcat_domain = _reference(ReferenceList.HCAT_DOMAIN, required=False)
    hcat_category = _reference(ReferenceList.HCAT_CATEGORY, required=False)
    hcat_stage = _reference(ReferenceList.HCAT_STAGE, required=False)
    harm = _reference(ReferenceList.HARM, required=False)

    class Meta:
        model = ComplaintIssue
        fields = [
            "id",
            "description",
            "subject",
            "clinical_subcategory",
            "service_area",
            "profession",
            "hcat_domain",
            "hcat_category",
            "hcat_severity",
            "hcat_stage",
            "harm",
            "outcome",
            "learning_statement",
            "no_learning_reason",
        ]
        read_only_fields = fields


# The coding of an issue, as actions.add_issue and actions.update_issue take it.
ISSUE_CODING_FIELDS = (
    "description",
    "subject",
    "clinical_subcategory",
    "service_area",
    "profession",
    "hcat_domain",
    "hcat_category",
    "hcat_severity",
    "hcat_stage",
    "harm",
)


class IssueInputSerializer(serializers.Serializer[Any]):
    """An issue's coding. To add one, send at least description, subject, service_area
    and profession; to edit one (PATCH), only what changes."""

    description = serializers.CharField()
    subject = _reference(ReferenceList.KO41A_SUBJECT, required=True)
    clinical_subcategory = _reference(ReferenceList.KO41A_CLINICAL_SUBCATEGORY, required=False)
    service_area = _reference(ReferenceList.KO41A_SERVICE_AREA, required=True)
    profession = _reference(ReferenceList.PROFESSION, required=True)
    hcat_domain = _reference(ReferenceList.HCAT_DOMAIN, required=False)
    hcat_category = _reference(ReferenceList.HCAT_CATEGORY, required=False)
    hcat_severity = serializers.IntegerField(
        required=False, allow_null=True, help_text="0 (not present) to 3 (high)."
    )
    hcat_stage = _reference(ReferenceList.HCAT_STAGE, required=False)
    harm = _reference(ReferenceList.HARM, required=False)


class IssueOutcomeSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(choices=Outcome.choices)


class LearningSerializer(serializers.Serializer[Any]):
    """What was learned, or why there is nothing to learn: one of the two."""

    learning_statement = serializers.CharField(required=False, allow_blank=True, default="")
    no_learning_reason = serializers.CharField(required=False, allow_blank=True, default="")


# People -----------------------------------------------------------------------------


class HandlerSerializer(serializers.Serializer[Any]):
    handler = ActiveUserField(
        allow_null=True, help_text="The login who handles the case (null: unassigned)."
    )


class ConsentSerializer(serializers.Serializer[Any]):
    consent_status = serializers.ChoiceField(choices=ConsentStatus.choices)
    consent_evidence = serializers.CharField(required=False, allow_blank=True, default="")


class ComplainantFullSerializer(serializers.ModelSerializer[Complainant]):
    class Meta:
        model = Complainant
        fields = [
            "full_name",
            "email",
            "phone",
            "address",
            "relationship",
            "representative_basis",
            "consent_status",
            "consent_evidence",
        ]
        read_only_fields = fields


class ComplainantUpdateSerializer(serializers.Serializer[Any]):
    """PATCH: the fields sent replace the recorded ones; the rest stay."""

    full_name = serializers.CharField(required=False)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    address = serializers.CharField(required=False, allow_blank=True)
    relationship = serializers.CharField(required=False, allow_blank=True, max_length=100)
    representative_basis = serializers.ChoiceField(
        choices=RepresentativeBasis.choices, required=False
    )
    consent_status = serializers.ChoiceField(choices=ConsentStatus.choices, required=False)
    consent_evidence = serializers.CharField(required=False, allow_blank=True)


class PatientUpdateSerializer(serializers.Serializer[Any]):
    """PATCH: records the patient if there is none yet (full_name needed), or corrects them."""

    full_name = serializers.CharField(required=False, allow_blank=True)
    nhs_number = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="10 digits, spaces allowed; checked with the NHS modulus 11 check.",
    )
    date_of_birth = serializers.DateField(required=False, allow_null=True)


# Scope ------------------------------------------------------------------------------


class ExcludeSerializer(serializers.Serializer[Any]):
    exclusion = serializers.ChoiceField(choices=Exclusion.choices)
    exclusion_reason = serializers.CharField()


class TransferSerializer(serializers.Serializer[Any]):
    transferred_to = serializers.CharField(help_text="The organisation it was sent to.")
    transferred_on = serializers.DateField(required=False, allow_null=True)


class EscalateSerializer(serializers.Serializer[Any]):
    escalated_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The day the concern became a formal complaint (default today).",
    )
    late_acceptance_reason = serializers.CharField(required=False, allow_blank=True, default="")


# The Ombudsman ----------------------------------------------------------------------


class PHSORecommendationSerializer(serializers.ModelSerializer[PHSORecommendation]):
    class Meta:
        model = PHSORecommendation
        fields = ["id", "description", "due_on", "completed_on", "evidence"]
        read_only_fields = fields


class PHSOReferralSerializer(serializers.ModelSerializer[PHSOReferral]):
    recommendations = PHSORecommendationSerializer(many=True, read_only=True)

    class Meta:
        model = PHSOReferral
        fields = [
            "id",
            "referred_on",
            "phso_reference",
            "decision",
            "decision_on",
            "decision_summary",
            "recommendations",
        ]
        read_only_fields = fields


class PHSOReferInputSerializer(serializers.Serializer[Any]):
    referred_on = serializers.DateField()
    phso_reference = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=60
    )


class PHSODecisionInputSerializer(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(
        choices=[c for c in PHSODecision.choices if c[0] != PHSODecision.PENDING]
    )
    decision_on = serializers.DateField()
    decision_summary = serializers.CharField(required=False, allow_blank=True, default="")


class PHSORecommendationInputSerializer(serializers.Serializer[Any]):
    description = serializers.CharField()
    due_on = serializers.DateField(help_text="When the Ombudsman expects it done.")


class PHSOCompleteInputSerializer(serializers.Serializer[Any]):
    completed_on = serializers.DateField()
    evidence = serializers.CharField(help_text="What shows it was carried out.")


# Late responses ---------------------------------------------------------------------


class LateResponseTaskSerializer(serializers.ModelSerializer[LateResponseTask]):
    class Meta:
        model = LateResponseTask
        fields = ["id", "missed_due", "opened_on", "letter_sent_on", "reason_for_delay"]
        read_only_fields = fields


class LateLetterSentSerializer(serializers.Serializer[Any]):
    sent_on = serializers.DateField()
    reason_for_delay = serializers.CharField(help_text="Why the response is late.")


# Letters ----------------------------------------------------------------------------


class LetterSerializer(serializers.ModelSerializer[Letter]):
    checklist_complete = serializers.BooleanField(read_only=True)

    class Meta:
        model = Letter
        fields = [
            "id",
            "kind",
            "subject",
            "confirms_how_considered",
            "confirms_conclusions",
            "confirms_actions",
            "confirms_ombudsman_rights",
            "checklist_complete",
            "sent_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class LetterDetailSerializer(LetterSerializer):
    has_ombudsman_paragraph = serializers.SerializerMethodField()

    class Meta(LetterSerializer.Meta):
        fields = [*LetterSerializer.Meta.fields, "body", "has_ombudsman_paragraph"]
        read_only_fields = fields

    def get_has_ombudsman_paragraph(self, letter: Letter) -> bool:
        return letters.has_ombudsman_paragraph(letter.body)


class DraftLetterSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(
        choices=LetterKind.choices, help_text="Drafted from the trust's template for this kind."
    )


class LetterEditSerializer(serializers.Serializer[Any]):
    """PATCH: the fields sent replace the letter's; the checklist applies to a final
    response only."""

    subject = serializers.CharField(required=False, max_length=200)
    body = serializers.CharField(required=False)
    confirms_how_considered = serializers.BooleanField(required=False)
    confirms_conclusions = serializers.BooleanField(required=False)
    confirms_actions = serializers.BooleanField(required=False)
    confirms_ombudsman_rights = serializers.BooleanField(required=False)
    withdraw_sign_off = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Needed to change a signed-off final response: the change withdraws the "
        "sign-off, and the response must be signed off again",
    )


class LetterSentSerializer(serializers.Serializer[Any]):
    sent_on = serializers.DateField(
        help_text="Not for a final response: that is sent by record-response."
    )


# Attachments ------------------------------------------------------------------------


class AttachmentSerializer(serializers.ModelSerializer[Attachment]):
    class Meta:
        model = Attachment
        fields = ["id", "filename", "content_type", "size", "from_public_form", "uploaded_at"]
        read_only_fields = fields


class AttachmentUploadSerializer(serializers.Serializer[Any]):
    attachment = serializers.FileField(
        help_text="A PDF, JPEG, PNG or Word (DOCX) file of up to MAX_UPLOAD_BYTES (2 MB by "
        "default); its type is read from its content, and its name must end as that type "
        "does (.pdf, .jpg or .jpeg, .png, .docx)."
    )


# Investigation notes and the contact log -------------------------------------------
# The messages are the case page's (casework_forms), so a script and a person read the
# same words; the text's length and the date's being past are the action's to check.


def _date_messages(subject: str) -> dict[str, Any]:
    return {
        "required": f"Enter the {subject.lower()}",
        "null": f"Enter the {subject.lower()}",
        "invalid": f"{subject} must be a real date, like 2026-03-15",
    }


def _text_messages(missing: str) -> dict[str, Any]:
    return {"required": missing, "blank": missing, "null": missing}


class _RecordedBy(serializers.Serializer[Any]):
    recorded_by = serializers.SerializerMethodField(
        help_text="The name of the person who wrote it down ('' if not known)."
    )
    recorded_at = serializers.DateTimeField(read_only=True)

    def get_recorded_by(self, note: CaseNote) -> str:
        by = note.recorded_by
        return (by.get_full_name() or by.get_username()) if by else ""


class CaseNoteSerializer(_RecordedBy):
    id = serializers.IntegerField(read_only=True)
    noted_on = serializers.DateField(source="happened_on", read_only=True)
    text = serializers.CharField(read_only=True)


class CaseNoteInputSerializer(serializers.Serializer[Any]):
    noted_on = serializers.DateField(error_messages=_date_messages("Date of the note"))
    text = serializers.CharField(
        help_text="What you found, asked or decided, up to 10,000 characters.",
        error_messages=_text_messages("Write the note"),
    )


class ContactSerializer(_RecordedBy):
    id = serializers.IntegerField(read_only=True)
    contacted_on = serializers.DateField(source="happened_on", read_only=True)
    method = serializers.ChoiceField(choices=CaseNote.Method.choices, read_only=True)
    direction = serializers.ChoiceField(choices=CaseNote.Direction.choices, read_only=True)
    with_whom = serializers.CharField(read_only=True)
    summary = serializers.CharField(source="text", read_only=True)


class ContactInputSerializer(serializers.Serializer[Any]):
    contacted_on = serializers.DateField(error_messages=_date_messages("Date of the contact"))
    method = serializers.ChoiceField(
        choices=CaseNote.Method.choices,
        error_messages={
            "required": "Choose how you were in contact",
            "null": "Choose how you were in contact",
            "invalid_choice": "Choose how you were in contact",
        },
    )
    direction = serializers.ChoiceField(
        choices=CaseNote.Direction.choices,
        help_text="in: they contacted us; out: we contacted them.",
        error_messages={
            "required": "Say who made contact",
            "null": "Say who made contact",
            "invalid_choice": "Say who made contact",
        },
    )
    with_whom = serializers.CharField(
        max_length=WITH_WHOM_MAX_LENGTH,
        help_text="For example, the complainant.",
        error_messages={
            **_text_messages("Say who the contact was with, for example the complainant"),
            "max_length": WITH_WHOM_TOO_LONG,
        },
    )
    summary = serializers.CharField(
        help_text="What was said or agreed, up to 10,000 characters.",
        error_messages=_text_messages("Say what was said or agreed"),
    )
