"""API shapes for inspections and their findings (the actions that answer findings
are improvement actions, in wellled.improvement.serializers).
Input serializers only check and convert: the views hand the data to actions.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wellled.inspections.models import (
    Finding,
    FindingKind,
    Inspection,
    KeyQuestionRating,
    StatementScore,
)
from wellled.inspections.queries import finding_actions


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
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = [
            "id",
            "kind",
            "reference",
            "regulation",
            "text",
            "statement_ids",
            "action",
            "actions",
        ]
        read_only_fields = fields

    def get_statement_ids(self, finding: Finding) -> list[str]:
        return [link.statement_id for link in finding.statements.all()]

    def _action_ids(self, finding: Finding) -> list[int]:
        by_finding = self.context.get("finding_actions")
        if by_finding is None:
            by_finding = finding_actions([finding.pk])
        return [action.pk for action in by_finding.get(finding.pk, [])]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_action(self, finding: Finding) -> int | None:
        """The first action raised on it (/api/v1/actions/{id}/), or null."""
        ids = self._action_ids(finding)
        return ids[0] if ids else None

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_actions(self, finding: Finding) -> list[int]:
        """Every improvement action raised on it (/api/v1/actions/{id}/)."""
        return self._action_ids(finding)


class InspectionDetailSerializer(InspectionSerializer):
    findings = FindingSerializer(many=True, read_only=True)

    class Meta(InspectionSerializer.Meta):
        fields = [*InspectionSerializer.Meta.fields, "findings"]
        read_only_fields = fields


class FindingChangeInputSerializer(serializers.Serializer[Finding]):
    """The finding becomes what is sent (statements included: [] unlinks them all)."""

    kind = serializers.ChoiceField(
        choices=FindingKind.choices,
        error_messages={
            "invalid_choice": "Choose must-do, should-do, requirement notice, warning "
            "notice or condition"
        },
    )
    text = serializers.CharField(
        error_messages={"blank": "Enter the finding as the report words it"}
    )
    regulation = serializers.CharField(required=False, allow_blank=True, default="")
    reference = serializers.CharField(required=False, allow_blank=True, default="")
    statement_ids = serializers.ListField(child=serializers.CharField(), default=list)
