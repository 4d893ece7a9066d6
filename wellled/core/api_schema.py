"""How /api/v1/ describes itself in its OpenAPI schema, beyond what each view says.

- `add_error_responses`: the error answers every operation shares, added once.
- `AutoSchema`: read-only text fields that may be blank are described as such.

Each module describes its own successes; the errors come from one place (DRF's
authentication and permissions, `core.api`'s filter helpers, `path_id`,
pagination), so they are described here once and referenced by every operation,
instead of each view repeating them. A status an operation documents itself
(with a more specific body, such as the speak-up routes' 429) is left as it is.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# {"field": ["message", ...]}; nested serializers nest it, so values are left open.
_FIELD_ERRORS = {
    "type": "object",
    "additionalProperties": {},
    "description": "Messages for each parameter or field that was refused, by its name "
    "(non_field_errors for the request as a whole).",
}

SHARED_RESPONSES: dict[str, dict[str, Any]] = {
    "BadRequest": {
        "description": "A parameter or field was refused; nothing was changed.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FieldErrors"}}},
    },
    "Unauthorized": {
        "description": "No API token (or signed-in session), or one that is no longer valid.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
    "Forbidden": {
        "description": "Signed in, but your roles do not allow this.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
    "NotFound": {
        "description": "No such object that you may see, or no such page of results.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
}

_METHODS = {"get", "put", "patch", "post", "delete", "head", "options", "trace"}


def _shared_for(operation: dict[str, Any]) -> dict[str, str]:
    """status -> shared response for one operation."""
    shared = {"404": "NotFound"}
    # An operation with no security (the anonymous speak-up routes, which take no
    # login at all) never asks who you are; every other one can refuse a caller.
    if operation.get("security"):
        shared.update({"401": "Unauthorized", "403": "Forbidden"})
    if operation.get("parameters") or operation.get("requestBody"):
        shared["400"] = "BadRequest"
    return shared


def add_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS POSTPROCESSING_HOOKS)."""
    components = result.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.setdefault("Error", _DETAIL)
    schemas.setdefault("FieldErrors", _FIELD_ERRORS)
    components.setdefault("responses", {}).update(SHARED_RESPONSES)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status, name in _shared_for(operation).items():
                if status not in responses:
                    responses[status] = {"$ref": f"#/components/responses/{name}"}
    return result


def _model_field_may_be_blank(field: Any) -> bool:
    """Whether a serializer field shows a model text field that may hold ""."""
    from django.core.exceptions import FieldDoesNotExist
    from django.db import models

    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    source = getattr(field, "source", "")
    if model is None or not source or "." in source or source == "*":
        return False
    try:
        model_field = model._meta.get_field(source)
    except FieldDoesNotExist:
        return False
    return bool(model_field.blank) and isinstance(model_field, models.CharField | models.TextField)


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's, except that a read-only field showing a text column that
    may be blank is described as possibly "": DRF drops `allow_blank` from
    read-only fields, so the schema would otherwise promise an email address, a
    web address or one of the choices where the answer is "" (a unit that is not
    a service has no service line; an inspection without a rating)."""

    def _map_serializer_field(
        self, field: Any, direction: str, bypass_extensions: bool = False
    ) -> Any:
        if (
            getattr(field, "read_only", False)
            and hasattr(field, "allow_blank")
            and _model_field_may_be_blank(field)
        ):
            field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)

    def map_parsers(self) -> list[Any]:
        """Only JSON, or only multipart for an operation that takes a file. The
        server also reads the other encodings, but a form cannot carry null, a
        nested object or a list of objects, and JSON cannot carry a file, so a
        client following a schema that offered every encoding for every operation
        would send bodies the server must refuse."""
        parsers = super().map_parsers()
        wanted = "multipart/form-data" if _takes_files(self.get_request_serializer()) else None
        wanted = wanted or "application/json"
        return [media for media in parsers if media == wanted] or parsers

    def get_operation(self, *args: Any, **kwargs: Any) -> Any:
        operation = super().get_operation(*args, **kwargs)
        for parameter in (operation or {}).get("parameters", []):
            if parameter.get("in") == "query":
                _bound_query_parameter(parameter["schema"])
        return operation

    def _map_basic_serializer(self, serializer: Any, direction: str) -> Any:
        result = super()._map_basic_serializer(serializer, direction)
        if direction == "request":
            _require_non_space(serializer, result)
        return result


def _bound_query_parameter(schema: dict[str, Any]) -> None:
    """What core.api's query_int and query_text refuse with a 400: a whole number
    outside 64 bits, a NUL in text."""
    from wellled.core.api import LARGEST_ID, SMALLEST_INT

    if schema.get("type") == "integer":
        schema.setdefault("minimum", SMALLEST_INT)
        schema.setdefault("maximum", LARGEST_ID)
    elif schema.get("type") == "string" and not {"enum", "format", "pattern"} & set(schema):
        schema["pattern"] = _NO_NUL


def _takes_files(serializer: Any) -> bool:
    from drf_spectacular.plumbing import force_instance
    from rest_framework import serializers

    fields: Any = getattr(force_instance(serializer), "fields", None)
    # A serializer class (not yet bound) has a cached_property here, not fields.
    if not hasattr(fields, "values"):
        return False
    return any(
        isinstance(field, serializers.FileField)
        or isinstance(getattr(field, "child", None), serializers.FileField)
        for field in fields.values()
    )


# DRF refuses a NUL character in any text field; one that may not be blank also
# refuses all spaces (stripped before its blank check, or by the action).
_NO_NUL = r"^[^\u0000]*$"
_NOT_BLANK = r"^[^\u0000]*[^\s\u0000][^\u0000]*$"


def _require_non_space(serializer: Any, component: dict[str, Any]) -> None:
    """Say in a pattern what DRF's text fields refuse (see above): minLength alone
    would promise that a NUL or a space is enough."""
    from rest_framework import serializers

    properties = component.get("properties", {})
    for name, field in getattr(serializer, "fields", {}).items():
        child = getattr(field, "child", None)
        for each in (field, child):
            if type(each) is not serializers.CharField or name not in properties:
                continue
            target = properties[name]
            target = target.get("items", {}) if each is child else target
            if target.get("type") == "string" and not {"pattern", "format"} & set(target):
                target["pattern"] = _NO_NUL if each.allow_blank else _NOT_BLANK
