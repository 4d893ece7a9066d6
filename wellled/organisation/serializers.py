"""API shapes for the organisation.

Output serializers are read-only views of a model. Input serializers only check
and convert the request body: the view hands `validated_data` to an action in
wellled.organisation.actions, never to `serializer.save()`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wellled.organisation.models import (
    OrgUnit,
    Role,
    RoleAssignment,
    ServiceLine,
    Setting,
    StaffProfile,
    UnitKind,
)
from wellled.organisation.queries import logins_visible_to, units_visible_to


@extend_schema_field(OpenApiTypes.INT)
class VisibleUnitField(serializers.PrimaryKeyRelatedField[OrgUnit]):
    """A unit id, looked up among the units the requesting user may see."""

    default_error_messages = {
        "does_not_exist": "There is no unit with id {pk_value}.",
        "incorrect_type": "A unit is given by its id, a whole number.",
    }

    def get_queryset(self) -> QuerySet[OrgUnit]:
        return units_visible_to(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class ActiveUserField(serializers.PrimaryKeyRelatedField[User]):
    default_error_messages = {
        "does_not_exist": "There is no active user with id {pk_value}.",
        "incorrect_type": "A user is given by their id, a whole number.",
    }

    def get_queryset(self) -> QuerySet[User]:
        return User.objects.filter(is_active=True)


@extend_schema_field(OpenApiTypes.INT)
class ManagedLoginField(serializers.PrimaryKeyRelatedField[User]):
    """A login the requesting user may give roles to: the people page's list."""

    default_error_messages = {
        "does_not_exist": "There is no login with id {pk_value} among those you manage.",
        "incorrect_type": "A login is given by its id, a whole number.",
    }

    def get_queryset(self) -> QuerySet[User]:
        return logins_visible_to(self.context["request"].user)


# --- Units ---------------------------------------------------------------------


class UnitSerializer(serializers.ModelSerializer[OrgUnit]):
    sites = serializers.PrimaryKeyRelatedField[OrgUnit](many=True, read_only=True)

    class Meta:
        model = OrgUnit
        fields = [
            "id",
            "kind",
            "name",
            "parent",
            "path",
            "depth",
            "ods_code",
            "address",
            "postcode",
            "service_line",
            "setting",
            "sites",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class _UnitFieldsSerializer(serializers.Serializer[OrgUnit]):
    """The descriptive fields a unit's create and update share."""

    kind = serializers.ChoiceField(choices=UnitKind.choices)
    name = serializers.CharField(max_length=200)
    ods_code = serializers.CharField(max_length=10, required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=10, required=False, allow_blank=True)
    service_line = serializers.ChoiceField(
        choices=ServiceLine.choices, required=False, allow_blank=True
    )
    setting = serializers.ChoiceField(choices=Setting.choices, required=False, allow_blank=True)


class UnitCreateSerializer(_UnitFieldsSerializer):
    # A field called "parent" shadows Field.parent only in the type stubs: DRF's
    # metaclass moves declared fields off the class.
    parent = VisibleUnitField(  # type: ignore[assignment]
        required=False, allow_null=True, help_text="The unit this one sits under."
    )


class UnitUpdateSerializer(_UnitFieldsSerializer):
    """Every field is optional (PATCH). Moving a unit is its own endpoint."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["partial"] = True
        super().__init__(*args, **kwargs)


class UnitMoveSerializer(serializers.Serializer[OrgUnit]):
    parent = VisibleUnitField(  # type: ignore[assignment]
        help_text="The unit to move this one under."
    )


# --- Staff -----------------------------------------------------------------------


class StaffProfileSerializer(serializers.ModelSerializer[StaffProfile]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = StaffProfile
        fields = [
            "id",
            "full_name",
            "job_title",
            "email",
            "staff_number",
            "unit",
            "unit_name",
            "user",
            "is_active",
            "created_at",
        ]
        read_only_fields = fields


class StaffProfileCreateSerializer(serializers.Serializer[StaffProfile]):
    full_name = serializers.CharField(max_length=200)
    unit = VisibleUnitField()
    job_title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    staff_number = serializers.CharField(max_length=30, required=False, allow_blank=True)
    user = ActiveUserField(
        required=False, allow_null=True, help_text="The wellled login of this person, if any."
    )

    def validate_unit(self, unit: OrgUnit) -> OrgUnit:
        # The page offers open units only.
        if not unit.is_active:
            raise serializers.ValidationError(f"{unit} is closed: choose an open unit.")
        return unit


# --- Roles -----------------------------------------------------------------------


class RoleAssignmentSerializer(serializers.ModelSerializer[RoleAssignment]):
    username = serializers.CharField(source="user.username", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = RoleAssignment
        # "pending": granted, but holding nothing until approved (a speak-up guardian).
        fields = ["id", "user", "username", "role", "unit", "unit_name", "granted_at", "status"]
        read_only_fields = fields


class RoleGrantSerializer(serializers.Serializer[RoleAssignment]):
    user = ManagedLoginField()
    role = serializers.ChoiceField(choices=Role.choices)
    unit = VisibleUnitField(help_text="The role applies to this unit and everything below it.")
