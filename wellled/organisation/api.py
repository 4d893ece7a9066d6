"""/api/v1/ for the organisation: units, staff profiles and role assignments.

Each endpoint does what the matching page does: the same access check
(wellled.organisation.access), the same queryset or get_*_for_user helper
(wellled.organisation.queries) and the same action (wellled.organisation.actions).
An action's ValidationError becomes a 400 in wellled.core.api.exception_handler.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import include, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wellled.core import audit
from wellled.core.api import path_id, query_choice, query_int
from wellled.organisation import actions
from wellled.organisation.access import Cap, require
from wellled.organisation.models import OrgUnit, Role, RoleAssignment, StaffProfile, UnitKind
from wellled.organisation.queries import (
    get_grant_for_user,
    get_staff_profile_for_user,
    get_unit_for_user,
    role_assignments_visible_to,
    staff_visible_to,
    units_visible_to,
)
from wellled.organisation.serializers import (
    RoleAssignmentSerializer,
    RoleGrantSerializer,
    StaffProfileCreateSerializer,
    StaffProfileSerializer,
    UnitCreateSerializer,
    UnitMoveSerializer,
    UnitSerializer,
    UnitUpdateSerializer,
)

# --- Units ---------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List units",
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, enum=UnitKind.values),
            OpenApiParameter("parent", OpenApiTypes.INT, description="Direct children of."),
            OpenApiParameter("active", OpenApiTypes.STR, enum=["true", "false"]),
        ],
    ),
    retrieve=extend_schema(summary="Get a unit"),
    create=extend_schema(
        summary="Create a unit",
        request=UnitCreateSerializer,
        responses={201: UnitSerializer},
    ),
    partial_update=extend_schema(
        summary="Change a unit's details", request=UnitUpdateSerializer, responses=UnitSerializer
    ),
    move=extend_schema(
        summary="Move a unit under another parent",
        request=UnitMoveSerializer,
        responses=UnitSerializer,
    ),
    close=extend_schema(summary="Close a unit", request=None, responses=UnitSerializer),
    reopen=extend_schema(summary="Reopen a closed unit", request=None, responses=UnitSerializer),
)
class UnitViewSet(viewsets.GenericViewSet[OrgUnit]):
    serializer_class = UnitSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[OrgUnit]:
        return units_visible_to(self.request.user).prefetch_related("sites")

    def list(self, request: Request) -> Response:
        # The organisation page refuses anyone without VIEW_ORGANISATION; so does this.
        require(request.user, Cap.VIEW_ORGANISATION)
        units = self.get_queryset().order_by("path", "pk")
        kind = query_choice(request, "kind", UnitKind.values)
        if kind is not None:
            units = units.filter(kind=kind)
        parent = query_int(request, "parent")
        if parent is not None:
            units = units.filter(parent_id=parent)
        active = query_choice(request, "active", ["true", "false"])
        if active is not None:
            units = units.filter(is_active=active == "true")
        page = self.paginate_queryset(units)
        return self.get_paginated_response(UnitSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        unit = get_unit_for_user(request.user, path_id(pk))
        return Response(UnitSerializer(unit).data)

    def create(self, request: Request) -> Response:
        require(request.user, Cap.MANAGE_ORGANISATION)
        serializer = UnitCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        parent: OrgUnit | None = data.pop("parent", None)
        if parent is not None:
            require(request.user, Cap.MANAGE_ORGANISATION, parent)
        unit = actions.create_unit(acting_user=request.user, parent=parent, **data)
        return Response(UnitSerializer(unit).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        unit = get_unit_for_user(request.user, path_id(pk), manage=True)
        serializer = UnitUpdateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        unit = actions.update_unit(acting_user=request.user, unit=unit, **serializer.validated_data)
        return Response(UnitSerializer(unit).data)

    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str) -> Response:
        unit = get_unit_for_user(request.user, path_id(pk), manage=True)
        serializer = UnitMoveSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        parent: OrgUnit = serializer.validated_data["parent"]
        # Managing the unit is not enough: the new parent must be theirs to manage too.
        require(request.user, Cap.MANAGE_ORGANISATION, parent)
        unit = actions.update_unit(acting_user=request.user, unit=unit, parent=parent)
        return Response(UnitSerializer(unit).data)

    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        unit = get_unit_for_user(request.user, path_id(pk), manage=True)
        unit = actions.set_unit_active(acting_user=request.user, unit=unit, active=False)
        return Response(UnitSerializer(unit).data)

    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        unit = get_unit_for_user(request.user, path_id(pk), manage=True)
        unit = actions.set_unit_active(acting_user=request.user, unit=unit, active=True)
        return Response(UnitSerializer(unit).data)


# --- Staff profiles --------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List staff profiles you may see",
        parameters=[OpenApiParameter("unit", OpenApiTypes.INT, description="In this unit only.")],
    ),
    retrieve=extend_schema(summary="Get a staff profile"),
    create=extend_schema(
        summary="Add a staff profile",
        request=StaffProfileCreateSerializer,
        responses={201: StaffProfileSerializer},
    ),
)
class StaffProfileViewSet(viewsets.GenericViewSet[StaffProfile]):
    serializer_class = StaffProfileSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[StaffProfile]:
        return staff_visible_to(self.request.user)

    def list(self, request: Request) -> Response:
        require(request.user, Cap.VIEW_STAFF)
        staff = self.get_queryset().order_by("full_name", "pk")
        unit = query_int(request, "unit")
        if unit is not None:
            staff = staff.filter(unit_id=unit)
        page = self.paginate_queryset(staff)
        return self.get_paginated_response(StaffProfileSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        profile = get_staff_profile_for_user(request.user, path_id(pk))
        audit.record_view(acting_user=request.user, obj=profile)
        return Response(StaffProfileSerializer(profile).data)

    def create(self, request: Request) -> Response:
        # Staff records are part of the organisation: whoever manages a unit adds its staff.
        require(request.user, Cap.MANAGE_ORGANISATION)
        serializer = StaffProfileCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        require(request.user, Cap.MANAGE_ORGANISATION, data["unit"])
        profile = actions.create_staff_profile(acting_user=request.user, **data)
        return Response(StaffProfileSerializer(profile).data, status=status.HTTP_201_CREATED)


# --- Role assignments ------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List role assignments you manage",
        parameters=[
            OpenApiParameter("user", OpenApiTypes.INT),
            OpenApiParameter("unit", OpenApiTypes.INT),
            OpenApiParameter("role", OpenApiTypes.STR, enum=Role.values),
        ],
    ),
    retrieve=extend_schema(summary="Get a role assignment"),
    create=extend_schema(
        summary="Grant a role on a unit",
        request=RoleGrantSerializer,
        responses={201: RoleAssignmentSerializer},
    ),
    destroy=extend_schema(summary="Revoke a role assignment", responses={204: None}),
)
class RoleAssignmentViewSet(viewsets.GenericViewSet[RoleAssignment]):
    serializer_class = RoleAssignmentSerializer
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[RoleAssignment]:
        return role_assignments_visible_to(self.request.user)

    def list(self, request: Request) -> Response:
        require(request.user, Cap.MANAGE_ROLES)
        grants = self.get_queryset().order_by("user__username", "role", "pk")
        user = query_int(request, "user")
        if user is not None:
            grants = grants.filter(user_id=user)
        unit = query_int(request, "unit")
        if unit is not None:
            grants = grants.filter(unit_id=unit)
        role = query_choice(request, "role", Role.values)
        if role is not None:
            grants = grants.filter(role=role)
        page = self.paginate_queryset(grants)
        return self.get_paginated_response(RoleAssignmentSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        grant = get_grant_for_user(request.user, path_id(pk))
        return Response(RoleAssignmentSerializer(grant).data)

    def create(self, request: Request) -> Response:
        require(request.user, Cap.MANAGE_ROLES)
        serializer = RoleGrantSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        require(request.user, Cap.MANAGE_ROLES, data["unit"])
        grant = actions.grant_role(acting_user=request.user, **data)
        return Response(RoleAssignmentSerializer(grant).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, pk: str) -> Response:
        grant = get_grant_for_user(request.user, path_id(pk))
        actions.revoke_role(acting_user=request.user, grant=grant)
        return Response(status=status.HTTP_204_NO_CONTENT)


# Each module has a router of its own, without a root view, so that several can
# share /api/v1/ (see wellled/api_urls.py).
router = SimpleRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("staff", StaffProfileViewSet, basename="staff-profile")
router.register("role-assignments", RoleAssignmentViewSet, basename="role-assignment")

urlpatterns = [path("", include(router.urls))]
