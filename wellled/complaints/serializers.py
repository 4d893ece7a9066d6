"""API shapes for complaints.

`ComplaintSerializer` is what lists show: references, places, statuses and dates,
no personal data. `ComplaintDetailSerializer` adds the summary and the people, so
the view that returns it records the look on the audit trail (as the case page
does). Input serializers only check and convert the body: the view hands
`validated_data` to an action in wellled.complaints.actions.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from wellled.complaints import clocks
from wellled.complaints.models import (
    Channel,
    Complainant,
    Complaint,
    ConsentStatus,
    HowAgreed,
    Kind,
    Patient,
    RepresentativeBasis,
    Status,
)
from wellled.organisation.serializers import VisibleUnitField


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
