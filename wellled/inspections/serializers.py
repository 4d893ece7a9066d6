"""API shapes for inspections and action plans.

They carry no personal data beyond the names of action owners and signers.
Input serializers only check and convert: the views hand the data to actions.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wellled.inspections.models import (
    SHOWN_STATUSES,
    ActionPlan,
    CompletionEvidence,
    EvidenceKind,
    Finding,
    Inspection,
    KeyQuestionRating,
    Milestone,
    PlanStatus,
    ProgressUpdate,
    StatementScore,
)
from wellled.inspections.report import person


class KeyQuestionRatingSerializer(serializers.ModelSerializer[KeyQuestionRating]):
    class Meta:
        model = KeyQuestionRating
        fields = ["key_question", "rating"]
        read_only_fields = fields


class StatementScoreSerializer(serializers.ModelSerializer[StatementScore]):
    class Meta:
        model = StatementScore
        fields = ["statement_id", "score"]
        read_only_fields = fields


class InspectionSerializer(serializers.ModelSerializer[Inspection]):
    scope_name = serializers.CharField(source="scope.name", read_only=True)
    ratings = KeyQuestionRatingSerializer(many=True, read_only=True)
    statement_scores = StatementScoreSerializer(many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "kind",
            "title",
            "methodology",
            "scope",
            "scope_name",
            "started_on",
            "ended_on",
            "report_published_on",
            "report_url",
            "overall_rating",
            "ratings",
            "statement_scores",
        ]
        read_only_fields = fields


class FindingSerializer(serializers.ModelSerializer[Finding]):
    statement_ids = serializers.SerializerMethodField()
    action = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = ["id", "kind", "reference", "regulation", "text", "statement_ids", "action"]
        read_only_fields = fields

    def get_statement_ids(self, finding: Finding) -> list[str]:
        return [link.statement_id for link in finding.statements.all()]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_action(self, finding: Finding) -> int | None:
        plan = ActionPlan.objects.filter(finding=finding).only("pk").first()
        return plan.pk if plan else None


class InspectionDetailSerializer(InspectionSerializer):
    findings = FindingSerializer(many=True, read_only=True)

    class Meta(InspectionSerializer.Meta):
        fields = [*InspectionSerializer.Meta.fields, "findings"]
        read_only_fields = fields


class ActionSerializer(serializers.ModelSerializer[ActionPlan]):
    inspection = serializers.IntegerField(source="finding.inspection_id", read_only=True)
    finding_kind = serializers.CharField(source="finding.kind", read_only=True)
    owner_name = serializers.SerializerMethodField()
    shown_status = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    signed_off_by_name = serializers.SerializerMethodField()
    awaiting_sign_off = serializers.BooleanField(read_only=True)

    class Meta:
        model = ActionPlan
        fields = [
            "id",
            "title",
            "inspection",
            "finding",
            "finding_kind",
            "owner",
            "owner_name",
            "due_date",
            "status",
            "shown_status",
            "overdue",
            "done_on",
            "awaiting_sign_off",
            "signed_off_by_name",
            "signed_off_on",
        ]
        read_only_fields = fields

    def get_owner_name(self, plan: ActionPlan) -> str:
        return person(plan.owner)

    @extend_schema_field(serializers.ChoiceField(choices=list(SHOWN_STATUSES)))
    def get_shown_status(self, plan: ActionPlan) -> str:
        return plan.shown_status(timezone.localdate())

    def get_overdue(self, plan: ActionPlan) -> bool:
        return plan.is_overdue(timezone.localdate())

    def get_signed_off_by_name(self, plan: ActionPlan) -> str:
        return person(plan.signed_off_by)


class MilestoneSerializer(serializers.ModelSerializer[Milestone]):
    class Meta:
        model = Milestone
        fields = ["id", "title", "due_date", "done_on"]
        read_only_fields = fields


class ProgressUpdateSerializer(serializers.ModelSerializer[ProgressUpdate]):
    class Meta:
        model = ProgressUpdate
        fields = ["written_on", "status", "note"]
        read_only_fields = fields


class EvidenceSerializer(serializers.ModelSerializer[CompletionEvidence]):
    download = serializers.SerializerMethodField()

    class Meta:
        model = CompletionEvidence
        fields = [
            "id",
            "kind",
            "title",
            "file_name",
            "content_type",
            "size",
            "url",
            "note",
            "added_on",
            "download",
        ]
        read_only_fields = fields

    def get_download(self, evidence: CompletionEvidence) -> str:
        if not evidence.file:
            return ""
        return reverse("inspections:evidence_file", args=[evidence.pk])


class ActionDetailSerializer(ActionSerializer):
    finding_text = serializers.CharField(source="finding.text", read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    updates = ProgressUpdateSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta(ActionSerializer.Meta):
        fields = [
            *ActionSerializer.Meta.fields,
            "finding_text",
            "sign_off_note",
            "milestones",
            "updates",
            "evidence",
        ]
        read_only_fields = fields


class ProgressInputSerializer(serializers.Serializer[None]):
    status = serializers.CharField(
        help_text=f"One of {', '.join(PlanStatus.values)}. Overdue follows from the due date."
    )
    note = serializers.CharField(allow_blank=True)
    written_on = serializers.DateField(required=False, allow_null=True, default=None)


class EvidenceInputSerializer(serializers.Serializer[None]):
    kind = serializers.ChoiceField(choices=EvidenceKind.choices)
    title = serializers.CharField(allow_blank=True)
    file = serializers.FileField(required=False, allow_null=True, default=None)
    url = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SignOffInputSerializer(serializers.Serializer[None]):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReopenInputSerializer(serializers.Serializer[None]):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class FindingChangeInputSerializer(serializers.Serializer[Finding]):
    """The finding becomes what is sent (statements included: [] unlinks them all)."""

    kind = serializers.CharField()
    text = serializers.CharField(allow_blank=True)
    regulation = serializers.CharField(required=False, allow_blank=True, default="")
    reference = serializers.CharField(required=False, allow_blank=True, default="")
    statement_ids = serializers.ListField(child=serializers.CharField(), default=list)
