"""/api/v1/actions/: improvement actions, with the same permissions as the pages.

Reads go through `actions_visible_to` / `get_action_for_user`; writes call the
actions package, whose ValidationError becomes a 400 in
wellled.core.api.exception_handler and whose PermissionDenied a 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.urls import include, path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action as endpoint
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wellled.core.api import path_id, query_choice, query_int
from wellled.improvement import access, actions, sources
from wellled.improvement.forms import STATES
from wellled.improvement.models import Action
from wellled.improvement.queries import (
    Filters,
    actions_visible_to,
    filtered,
    get_action_for_user,
    get_care_group,
    register_order,
    source_labels,
    with_people,
)
from wellled.improvement.serializers import (
    ActionCompleteInputSerializer,
    ActionEvidenceInputSerializer,
    ActionProgressInputSerializer,
    ActionReopenInputSerializer,
    ActionReplanInputSerializer,
    ActionSignOffInputSerializer,
    ImprovementActionDetailSerializer,
    ImprovementActionSerializer,
    RaiseActionInputSerializer,
)

_STATES = [value for value, _ in STATES if value]


def _detail(request: Request, pk: int) -> Response:
    action = get_action_for_user(request.user, pk)
    context = {"sources": source_labels([action], request.user)}
    return Response(ImprovementActionDetailSerializer(action, context=context).data)


def _sign_off_refusal(user: Any, action: Action) -> str:
    if action.owner_id == user.pk:
        return "You own this action, so you cannot sign it off: someone else must"
    return "Only someone holding the action's sign-off role can sign it off"


def _filters(request: Request) -> Filters:
    care_group_id = query_int(request, "care_group")
    care_group = None
    if care_group_id is not None:
        care_group = get_care_group(care_group_id)
    return Filters(
        state=query_choice(request, "state", _STATES) or "",
        source_kind=query_choice(request, "source_kind", [t.kind for t in sources.all_types()])
        or "",
        care_group=care_group,
        owner_id=query_int(request, "owner"),
        executive_id=query_int(request, "executive"),
    )


@extend_schema_view(
    list=extend_schema(
        summary="List the improvement actions you may see",
        description="Overdue first, then at risk, then by due date; done last.",
        parameters=[
            OpenApiParameter("state", OpenApiTypes.STR, enum=_STATES),
            # The URLconf, and so this module, loads after every app has registered
            # its kinds of source (in ready()).
            OpenApiParameter(
                "source_kind",
                OpenApiTypes.STR,
                enum=sorted(t.kind for t in sources.all_types()),
                description="A kind of source.",
            ),
            OpenApiParameter("care_group", OpenApiTypes.INT, description="A care group's id."),
            OpenApiParameter("owner", OpenApiTypes.INT, description="Owned by this user id."),
            OpenApiParameter("executive", OpenApiTypes.INT, description="This executive's."),
        ],
    ),
    retrieve=extend_schema(
        summary="Get an action with its milestones, updates, re-plans and evidence",
        responses=ImprovementActionDetailSerializer,
    ),
    create=extend_schema(
        summary="Raise an action on a source (whoever the source lets raise actions)",
        request=RaiseActionInputSerializer,
        responses={201: ImprovementActionDetailSerializer},
    ),
    progress=extend_schema(
        summary="Record progress and the status it leaves the action in (owner or manager)",
        request=ActionProgressInputSerializer,
        responses=ImprovementActionDetailSerializer,
    ),
    replan=extend_schema(
        summary="Move the due date, with the reason (a manager)",
        request=ActionReplanInputSerializer,
        responses=ImprovementActionDetailSerializer,
    ),
    complete=extend_schema(
        summary="Mark the action done, after its evidence (owner or manager)",
        request=ActionCompleteInputSerializer,
        responses=ImprovementActionDetailSerializer,
    ),
    sign_off=extend_schema(
        summary="Sign a done action off (a holder of its sign-off role, not its owner)",
        request=ActionSignOffInputSerializer,
        responses=ImprovementActionDetailSerializer,
    ),
    evidence=extend_schema(
        summary="File evidence of completion in the library and link it (owner or manager)",
        description=(
            "A document (multipart, field `file`), a link, a note or a live measure, "
            "tagged to the quality statements it supports (the source's own if omitted)."
        ),
        request={
            "multipart/form-data": ActionEvidenceInputSerializer,
            "application/json": ActionEvidenceInputSerializer,
        },
        responses={201: ImprovementActionDetailSerializer},
    ),
    reopen=extend_schema(
        summary="Reopen a done action, with the reason (a manager or its sign-off role)",
        request=ActionReopenInputSerializer,
        responses=ImprovementActionDetailSerializer,
    ),
)
class ActionViewSet(viewsets.GenericViewSet[Action]):
    serializer_class = ImprovementActionSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Action]:
        return actions_visible_to(self.request.user)

    def list(self, request: Request) -> Response:
        # No capability needed: everyone lists what they may see (their own
        # actions, those they sign off, and those their roles cover).
        today = timezone.localdate()
        chosen = filtered(self.get_queryset(), _filters(request), today)
        page = self.paginate_queryset(with_people(register_order(chosen, today)))
        rows = list(page or [])
        context = {"sources": source_labels(rows, request.user)}
        return self.get_paginated_response(
            ImprovementActionSerializer(rows, many=True, context=context).data
        )

    def retrieve(self, request: Request, pk: str) -> Response:
        return _detail(request, path_id(pk))

    def create(self, request: Request) -> Response:
        serializer = RaiseActionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        milestones = [(m["title"], m.get("due_on")) for m in data.pop("milestones")]
        raised = actions.raise_action(acting_user=request.user, milestones=milestones, **data)
        response = _detail(request, raised.pk)
        response.status_code = status.HTTP_201_CREATED
        return response

    def _to_update(self, request: Request, pk: str) -> Action:
        action = get_action_for_user(request.user, path_id(pk))
        # The permission first: someone who may not act learns nothing from a 400.
        if not access.may_update(request.user, action):
            raise PermissionDenied("Only the action's owner or a manager can update it")
        return action

    @endpoint(detail=True, methods=["post"])
    def progress(self, request: Request, pk: str) -> Response:
        action = self._to_update(request, pk)
        serializer = ActionProgressInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actions.record_progress(
            acting_user=request.user, action=action, **serializer.validated_data
        )
        return _detail(request, action.pk)

    @endpoint(detail=True, methods=["post"])
    def replan(self, request: Request, pk: str) -> Response:
        action = get_action_for_user(request.user, path_id(pk))
        if not access.may_manage(request.user, action):
            raise PermissionDenied("Only a manager of this part of the trust can re-plan it")
        serializer = ActionReplanInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actions.replan_action(acting_user=request.user, action=action, **serializer.validated_data)
        return _detail(request, action.pk)

    @endpoint(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        action = self._to_update(request, pk)
        serializer = ActionCompleteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actions.complete_action(
            acting_user=request.user, action=action, **serializer.validated_data
        )
        return _detail(request, action.pk)

    @endpoint(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request: Request, pk: str) -> Response:
        action = get_action_for_user(request.user, path_id(pk))
        user = request.user
        if not isinstance(user, User) or not access.may_sign_off(user, action):
            raise PermissionDenied(_sign_off_refusal(user, action))
        serializer = ActionSignOffInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actions.sign_off_action(
            acting_user=user, action=action, note=serializer.validated_data["note"]
        )
        return _detail(request, action.pk)

    @endpoint(
        detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser]
    )
    def evidence(self, request: Request, pk: str) -> Response:
        action = self._to_update(request, pk)
        serializer = ActionEvidenceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        statement_ids = data.pop("statement_ids")
        if statement_ids is None:
            info = source_labels([action]).get((action.source_kind, action.source_id))
            statement_ids = list(info.statement_ids) if info else []
        actions.add_evidence(
            acting_user=request.user,
            action=action,
            statement_ids=statement_ids,
            upload=data.pop("file"),
            **data,
        )
        response = _detail(request, action.pk)
        response.status_code = status.HTTP_201_CREATED
        return response

    @endpoint(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        action = get_action_for_user(request.user, path_id(pk))
        user = request.user
        if not (
            access.may_manage(user, action)
            or (isinstance(user, User) and access.may_sign_off(user, action))
        ):
            raise PermissionDenied("Only a manager or the signing role can reopen the action")
        serializer = ActionReopenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actions.reopen_action(acting_user=user, action=action, **serializer.validated_data)
        return _detail(request, action.pk)


router = SimpleRouter()
router.register("actions", ActionViewSet, basename="improvement-action")

urlpatterns = [path("", include(router.urls))]
