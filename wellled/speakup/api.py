"""/api/v1/speak-up/anonymous/: everything an anonymous reporter can do in the pages.

No authentication, no session, no cookies, and the same protections as the
pages (`protection.anonymous_route`): the client address, user agent and
forwarding headers are removed before the view runs, and requests, wrong codes
and submissions are counted per daily-rotated keyed hash of the connection. The
receipt code is always sent in the request body, never in the URL (URLs end up
in logs).

Send JSON, or multipart form data to include files (field `files`, repeatable).
A GET on any of these endpoints describes the service's limits.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    parser_classes,
    permission_classes,
)
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from wellled.core.api import validation_error_detail
from wellled.speakup import actions, forms, protection, queries, uploads
from wellled.speakup.models import FeedbackAnswer, WorkerGroup

NOT_RECOGNISED = "That code was not recognised."


class ConcernSerializer(serializers.Serializer[Any]):
    narrative = serializers.CharField(
        trim_whitespace=False, error_messages={"blank": "Tell us what your concern is"}
    )
    worker_group = serializers.ChoiceField(
        choices=WorkerGroup.choices, required=False, default=WorkerGroup.NOT_KNOWN
    )
    notify_email = serializers.EmailField(required=False, allow_blank=True, default="")
    strip_metadata = serializers.BooleanField(required=False, default=False)
    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=uploads.MAX_FILES
    )


class CodeSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(allow_blank=True, max_length=100)


class ReporterMessageSerializer(CodeSerializer):
    body = serializers.CharField(allow_blank=True, required=False, default="")
    strip_metadata = serializers.BooleanField(required=False, default=False)
    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=uploads.MAX_FILES
    )


class FeedbackSerializer(CodeSerializer):
    answer = serializers.ChoiceField(
        choices=[c for c in FeedbackAnswer.choices if c[0] != FeedbackAnswer.BLANK]
    )
    reason = serializers.CharField(allow_blank=True, required=False, default="")


_MESSAGE = inline_serializer(
    "SpeakUpReporterMessage",
    {
        "seq": serializers.IntegerField(),
        "author": serializers.CharField(),
        "sent": serializers.CharField(help_text="A day, or a week for your own anonymous messages"),
        "body": serializers.CharField(),
        "is_feedback_request": serializers.BooleanField(),
        "files": serializers.ListField(child=serializers.DictField()),
    },
)
_CASE = inline_serializer(
    "SpeakUpReporterCase",
    {
        "status": serializers.CharField(),
        "received": serializers.CharField(),
        "disclosure": serializers.CharField(),
        "narrative": serializers.CharField(),
        "can_answer_feedback": serializers.BooleanField(),
        "messages": _MESSAGE.__class__(many=True),
    },
)
_INFO = inline_serializer(
    "SpeakUpAnonymousInfo",
    {
        "max_file_bytes": serializers.IntegerField(),
        "max_files": serializers.IntegerField(),
        "file_types": serializers.ListField(child=serializers.CharField()),
        "worker_groups": serializers.DictField(),
        "feedback_answers": serializers.DictField(),
    },
)
_SUBMITTED = inline_serializer(
    "SpeakUpSubmitted",
    {
        "code": serializers.CharField(help_text="Shown only this once: keep it"),
        "detail": serializers.CharField(),
    },
)
_ERROR = OpenApiResponse(description="Not recognised, or refused with a reason")


def _info() -> dict[str, Any]:
    return {
        "max_file_bytes": uploads.max_bytes(),
        "max_files": uploads.MAX_FILES,
        "file_types": sorted(uploads.ALLOWED),
        "worker_groups": dict(WorkerGroup.choices),
        "feedback_answers": {k: v for k, v in FeedbackAnswer.choices if k != FeedbackAnswer.BLANK},
    }


def _anonymous(methods: list[str]) -> Any:
    """The decorators every endpoint here shares."""

    def decorate(view: Any) -> Any:
        view = parser_classes([JSONParser, MultiPartParser, FormParser])(view)
        view = permission_classes([AllowAny])(view)
        view = authentication_classes([])(view)
        view = api_view(methods)(view)
        return protection.anonymous_route(_memory_uploads(view))

    return decorate


def _memory_uploads(view: Any) -> Any:
    def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.method == "POST":
            multipart = str(request.META.get("CONTENT_TYPE", "")).startswith("multipart/")
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            # DRF's JSON and form parsers read the whole body, whatever its size.
            if not multipart and length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                return JsonResponse(
                    {"detail": "The request is too large: send files as multipart form data"},
                    status=413,
                )
            uploads.install_handler(request)
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    wrapper.cls = view.cls  # type: ignore[attr-defined]
    wrapper.initkwargs = view.initkwargs  # type: ignore[attr-defined]
    return wrapper


def _invalid(error: DjangoValidationError) -> Response:
    return Response(validation_error_detail(error), status=status.HTTP_400_BAD_REQUEST)


def _too_many(refusal: protection.Refusal) -> Response:
    return Response(
        {"detail": refusal.message},
        status=status.HTTP_429_TOO_MANY_REQUESTS,
        headers={"Retry-After": str(refusal.retry_after)},
    )


def _code_refused(request: Request) -> Response | None:
    """429 before the body is read, when this client has had too many wrong codes."""
    refusal = protection.code_refused(request._request)
    return None if refusal is None else _too_many(refusal)


def _open(request: Request, code: str) -> actions.ReporterSession | Response:
    if protection.code_malformed(code):
        # A typing slip, not a guess: not counted against the client.
        return Response({"code": [protection.BAD_CODE]}, status=status.HTTP_400_BAD_REQUEST)
    try:
        return actions.open_with_code(code=code)
    except actions.CodeNotRecognised:
        protection.record_code_failure(request._request)
        return Response({"detail": NOT_RECOGNISED}, status=status.HTTP_404_NOT_FOUND)


def _refused_files(request: Request) -> Response | None:
    """400 naming every file the upload handler refused, before anything is checked."""
    problems = uploads.refusals(request.FILES.getlist("files"))
    if not problems:
        return None
    return Response({"files": problems}, status=status.HTTP_400_BAD_REQUEST)


def _case_json(session: actions.ReporterSession) -> dict[str, Any]:
    case = session.case
    case.refresh_from_db()
    return {
        "status": case.status,
        "received": queries.week_label(case.received_week),
        "disclosure": case.disclosure,
        "narrative": queries.narrative_of(case, session.case_key),
        "can_answer_feedback": case.feedback_requested and case.feedback_answer == "blank",
        "messages": [
            {
                "seq": m.seq,
                "author": m.author_label,
                "sent": m.sent_label,
                "body": m.body,
                "is_feedback_request": m.is_feedback_request,
                "files": [
                    {"name": f["name"], "type": f["type"], "size": f["size"]} for f in m.attachments
                ],
            }
            for m in queries.messages_for(case, session.case_key, for_reporter=True)
        ],
    }


def _files(uploaded: list[Any]) -> list[tuple[str, bytes]]:
    return forms.files_of(list(uploaded))


@extend_schema(
    methods=["GET"], summary="The limits of the anonymous channel", responses=_INFO, auth=[]
)
@extend_schema(
    methods=["POST"],
    summary="Raise an anonymous concern; the answer holds the receipt code, once",
    request=ConcernSerializer,
    responses={201: _SUBMITTED, 400: _ERROR, 429: _ERROR},
    auth=[],
)
@_anonymous(["GET", "POST"])
def submit(request: Request) -> Response:
    if request.method == "GET":
        return Response(_info())
    refusal = protection.submission_refused(request._request)
    if refusal is not None:
        return _too_many(refusal)
    # Every attempt counts, sent or refused: each one costs the server.
    protection.record_submission(request._request)
    refused_files = _refused_files(request)
    if refused_files is not None:
        return refused_files
    serializer = ConcernSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    concern = actions.NewConcern(
        narrative=data["narrative"],
        worker_group=data["worker_group"],
        notify_email=data["notify_email"],
        strip_metadata=data["strip_metadata"],
        files=_files(data["files"]),
    )
    try:
        result = actions.submit_anonymous_concern(concern=concern)
    except DjangoValidationError as error:
        return _invalid(error)
    return Response(
        {"code": result.code, "detail": "Keep this code: it is the only way back to your concern."},
        status=status.HTTP_201_CREATED,
    )


@extend_schema(
    methods=["GET"], summary="The limits of the anonymous channel", responses=_INFO, auth=[]
)
@extend_schema(
    methods=["POST"],
    summary="Open your concern with its code: status, your concern and the messages",
    request=CodeSerializer,
    responses={200: _CASE, 404: _ERROR, 429: _ERROR},
    auth=[],
)
@_anonymous(["GET", "POST"])
def open_case(request: Request) -> Response:
    if request.method == "GET":
        return Response(_info())
    refused = _code_refused(request)
    if refused is not None:
        return refused
    serializer = CodeSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    session = _open(request, serializer.validated_data["code"])
    if isinstance(session, Response):
        return session
    return Response(_case_json(session))


@extend_schema(
    methods=["GET"], summary="The limits of the anonymous channel", responses=_INFO, auth=[]
)
@extend_schema(
    methods=["POST"],
    summary="Send a message or files on your concern",
    request=ReporterMessageSerializer,
    responses={201: _CASE, 400: _ERROR, 404: _ERROR, 429: _ERROR},
    auth=[],
)
@_anonymous(["GET", "POST"])
def post_message(request: Request) -> Response:
    if request.method == "GET":
        return Response(_info())
    refused = _code_refused(request)
    if refused is not None:
        return refused
    if request.FILES:
        # Files sent on a case count as a submission, whether kept or refused.
        refusal = protection.submission_refused(request._request)
        protection.record_submission(request._request)
        if refusal is not None:
            return _too_many(refusal)
    refused_files = _refused_files(request)
    if refused_files is not None:
        return refused_files
    serializer = ReporterMessageSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    session = _open(request, data["code"])
    if isinstance(session, Response):
        return session
    try:
        actions.post_reporter_message(
            session=session,
            body=data["body"],
            files=_files(data["files"]),
            strip_metadata=data["strip_metadata"],
        )
    except DjangoValidationError as error:
        return _invalid(error)
    return Response(_case_json(session), status=status.HTTP_201_CREATED)


@extend_schema(
    methods=["GET"], summary="The limits of the anonymous channel", responses=_INFO, auth=[]
)
@extend_schema(
    methods=["POST"],
    summary="Answer “Given your experience, would you speak up again?”",
    request=FeedbackSerializer,
    responses={200: _CASE, 400: _ERROR, 404: _ERROR, 429: _ERROR},
    auth=[],
)
@_anonymous(["GET", "POST"])
def feedback(request: Request) -> Response:
    if request.method == "GET":
        return Response(_info())
    refused = _code_refused(request)
    if refused is not None:
        return refused
    serializer = FeedbackSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    session = _open(request, data["code"])
    if isinstance(session, Response):
        return session
    try:
        actions.answer_feedback(session=session, answer=data["answer"], reason=data["reason"])
    except DjangoValidationError as error:
        return _invalid(error)
    return Response(_case_json(session))


urlpatterns: list[URLPattern] = [
    path("speak-up/anonymous/concerns/", submit, name="speakup-anonymous-submit"),
    path("speak-up/anonymous/open/", open_case, name="speakup-anonymous-open"),
    path("speak-up/anonymous/messages/", post_message, name="speakup-anonymous-messages"),
    path("speak-up/anonymous/feedback/", feedback, name="speakup-anonymous-feedback"),
]
