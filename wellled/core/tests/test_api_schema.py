"""Use case: a developer writes a client from /api/v1/schema/ alone.

Every status the API can answer must be in the schema: the shared errors (400 for
a refused parameter or field, 401, 403, 404) on every operation, and "" wherever a
read-only field can be blank.
"""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    result: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    return result


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_every_operation_documents_the_shared_errors(schema: dict[str, Any]) -> None:
    missing = []
    for path, method, operation in _operations(schema):
        wanted = {"404"}
        if operation.get("security"):
            wanted |= {"401", "403"}
        if operation.get("parameters") or operation.get("requestBody"):
            wanted.add("400")
        if not wanted <= set(operation["responses"]):
            missing.append(
                f"{method.upper()} {path}: {sorted(wanted - set(operation['responses']))}"
            )
    assert missing == []


def test_the_shared_errors_are_described_once_and_referenced(schema: dict[str, Any]) -> None:
    assert set(schema["components"]["responses"]) == {
        "BadRequest",
        "Unauthorized",
        "Forbidden",
        "NotFound",
    }
    units = schema["paths"]["/api/v1/units/"]["get"]["responses"]
    assert units["401"] == {"$ref": "#/components/responses/Unauthorized"}
    assert units["400"] == {"$ref": "#/components/responses/BadRequest"}
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["detail"]


def test_an_operation_that_documents_its_own_error_keeps_it(schema: dict[str, Any]) -> None:
    """The speak-up routes describe their own 400 and 429 bodies."""
    submit = schema["paths"]["/api/v1/speak-up/anonymous/concerns/"]["post"]
    assert "$ref" not in submit["responses"]["400"]
    assert "429" in submit["responses"]
    # No login on these routes: nobody is refused for who they are.
    assert "401" not in submit["responses"]


def test_a_read_only_field_that_may_be_blank_allows_an_empty_string(
    schema: dict[str, Any],
) -> None:
    """A unit that is not a service has no service line or setting: "" in the answer."""
    unit = schema["components"]["schemas"]["Unit"]["properties"]
    for name in ("service_line", "setting"):
        refs = [option.get("$ref") for option in unit[name].get("oneOf", [])]
        assert "#/components/schemas/BlankEnum" in refs, unit[name]
    # Never blank, so no "" offered.
    assert "oneOf" not in unit["kind"]
