"""API shapes for improvement actions.

They carry no personal data beyond the names of owners, executives and signers.
Input serializers only check and convert: the views hand the data to the actions.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wellled.assurance.models import EvidenceKind
from wellled.improvement import sources
from wellled.improvement.models import (
    OPEN_STATUSES,
    Action,
    DueDateChange,
    Milestone,
    ProgressUpdate,
    Status,
)
from wellled.organisation.models import Role


def person(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


class ActionSourceSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    id = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    href = serializers.CharField()


class ImprovementActionSerializer(serializers.ModelSerializer[Action]):
    """One row of the register. The source's label comes from `context["sources"]`
    (read once per kind for the whole page)."""

    source = serializers.SerializerMethodField()  # type: ignore[assignment]
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    owner_name = serializers.SerializerMethodField()
    executive_name = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    days_overdue = serializers.SerializerMethodField()
    awaiting_sign_off = serializers.SerializerMethodField()
    signed_off_by_name = serializers.SerializerMethodField()

    class Meta:
        model = Action
        fields = [
            "id",
            "title",
            "source",
            "unit",
            "unit_name",
            "team",
            "owner",
            "owner_name",
            "executive",
            "executive_name",
            "raised_on",
            "due_on",
            "status",
            "overdue",
            "days_overdue",
            "done_on",
            "measure",
            "sign_off_role",
            "awaiting_sign_off",
            "signed_off_by_name",
            "signed_off_on",
        ]
        read_only_fields = fields

    @extend_schema_field(ActionSourceSerializer)
    def get_source(self, action: Action) -> dict[str, str]:
        found = self.context.get("sources", {})
        info = found.get((action.source_kind, action.source_id))
        return {
            "kind": action.source_kind,
            "id": action.source_id,
            "label": info.label if info else "",
            "href": info.href if info else "",
        }

    def get_owner_name(self, action: Action) -> str:
        return person(action.owner)

    def get_executive_name(self, action: Action) -> str:
        return person(action.executive)

    def get_overdue(self, action: Action) -> bool:
        return action.is_overdue(timezone.localdate())

    def get_days_overdue(self, action: Action) -> int:
        today = timezone.localdate()
        return (today - action.due_on).days if action.is_overdue(today) else 0

    def get_awaiting_sign_off(self, action: Action) -> bool:
        return action.status == Status.DONE and action.needs_sign_off

    def get_signed_off_by_name(self, action: Action) -> str:
        return person(action.signed_off_by)


class ActionMilestoneSerializer(serializers.ModelSerializer[Milestone]):
    class Meta:
        model = Milestone
        fields = ["id", "title", "due_on", "done_on"]
        read_only_fields = fields


class ActionProgressUpdateSerializer(serializers.ModelSerializer[ProgressUpdate]):
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = ProgressUpdate
        fields = ["written_on", "status", "note", "author_name"]
        read_only_fields = fields

    def get_author_name(self, update: ProgressUpdate) -> str:
        return person(update.author)


class ActionReplanSerializer(serializers.ModelSerializer[DueDateChange]):
    changed_by_name = serializers.SerializerMethodField()

    class Meta:
        model = DueDateChange
        fields = ["previous_due_on", "new_due_on", "reason", "changed_on", "changed_by_name"]
        read_only_fields = fields

    def get_changed_by_name(self, change: DueDateChange) -> str:
        return person(change.changed_by)


class ImprovementActionDetailSerializer(ImprovementActionSerializer):
    milestones = ActionMilestoneSerializer(many=True, read_only=True)
    updates = ActionProgressUpdateSerializer(many=True, read_only=True)
    replans = ActionReplanSerializer(many=True, read_only=True)
    evidence_ids = serializers.SerializerMethodField()

    class Meta(ImprovementActionSerializer.Meta):
        fields = [
            *ImprovementActionSerializer.Meta.fields,
            "description",
            "completion_note",
            "sign_off_note",
            "milestones",
            "updates",
            "replans",
            "evidence_ids",
        ]
        read_only_fields = fields

    def get_evidence_ids(self, action: Action) -> list[int]:
        """Items of the assurance evidence library (/api/v1/assurance/evidence/)."""
        return list(action.evidence_links.order_by("pk").values_list("item_id", flat=True))


# Input ------------------------------------------------------------------------------


class ActionMilestoneInputSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(allow_blank=True)
    due_on = serializers.DateField(allow_null=True, required=False)


class RaiseActionInputSerializer(serializers.Serializer[Any]):
    source_kind = serializers.CharField(help_text="A registered kind of source")
    source_id = serializers.CharField()
    title = serializers.CharField(allow_blank=True, help_text="What will change")
    description = serializers.CharField(allow_blank=True, required=False, default="")
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    executive = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), allow_null=True, required=False, default=None
    )
    due_on = serializers.DateField(allow_null=True)
    milestones = ActionMilestoneInputSerializer(many=True, required=False, default=list)
    measure = serializers.CharField(allow_blank=True, required=False, default="")
    sign_off_role = serializers.ChoiceField(
        choices=["", *Role.values],
        required=False,
        allow_null=True,
        default=None,
        help_text="Omit for the source's default; empty for no sign-off",
    )

    def validate_source_kind(self, value: str) -> str:
        if sources.get(value) is None:
            raise serializers.ValidationError("Choose a registered kind of source")
        return value


class ActionProgressInputSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(
        choices=[(s.value, s.label) for s in OPEN_STATUSES],
        help_text="Done is the complete endpoint, with evidence. "
        "Overdue follows from the due date.",
        error_messages={
            "invalid_choice": "Choose not started, on track or at risk (mark it done by "
            "completing it, with its evidence)"
        },
    )
    note = serializers.CharField(
        error_messages={"blank": "Write what has happened since the last update"}
    )
    written_on = serializers.DateField(required=False, allow_null=True, default=None)


class ActionReplanInputSerializer(serializers.Serializer[Any]):
    due_on = serializers.DateField(allow_null=True)
    reason = serializers.CharField(error_messages={"blank": "Say why the due date moves"})


class ActionCompleteInputSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(allow_blank=True)
    done_on = serializers.DateField(required=False, allow_null=True, default=None)
    measure = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        help_text="A metric catalogue slug or registered metric source key: did it work?",
    )


class ActionSignOffInputSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(allow_blank=True, required=False, default="")


class ActionEvidenceInputSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=EvidenceKind.choices)
    title = serializers.CharField(allow_blank=True)
    statement_ids = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Quality statements it supports; omit for the source's own",
    )
    description = serializers.CharField(required=False, allow_blank=True, default="")
    url = serializers.CharField(required=False, allow_blank=True, default="")
    file = serializers.FileField(required=False, allow_null=True, default=None)
    measure_key = serializers.CharField(required=False, allow_blank=True, default="")
    evidence_date = serializers.DateField(required=False, allow_null=True, default=None)


class ActionReopenInputSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(allow_blank=True)
