"""Use case: a script sends the API anything its published schema allows.

Schemathesis generates requests from /api/v1/'s OpenAPI schema for every
operation, as two people with API tokens (a governance lead, who can reach most
of the API, and a member of staff, who is refused most of it), and checks each
answer: never a server error, a status the schema documents for that operation,
the content type and body it documents. An operation on one object is tried
with ids the generator invents and with the id of a real object (the samples the
URL permission walk uses, tests/url_matrix.py), so that real answers are checked
too. As the governance lead, a request the schema calls valid must also be
accepted (schemathesis's positive_data_acceptance): a 400 means the schema
promises more than the server takes. The run is bounded (a few examples per
operation, the same ones each time) so that it stays in the normal suite; it
prints its counts of requests, operations and failures by kind.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import PositiveDataAcceptanceConfig
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.url_catalogue import all_routes, resolve
from tests.url_matrix import SAMPLES
from wellled.accounts.actions import issue_api_token
from wellled.core.testing import Trust

pytestmark = pytest.mark.api_fuzz

PERSONAS = ["governance_lead", "staff_member"]
EXAMPLES_PER_OPERATION = 4
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# The governance lead may reach most of the API, so a request the schema calls valid
# must not be refused as bad data (400/422) when sent as them. Refusals that are not
# about the data are acceptance: no permission for this object or action (401/403),
# an id the generator invented that names nothing (404), throttling (429). A 5xx is
# caught by not_a_server_error and is not excused here.
ACCEPTING_PERSONA = "governance_lead"
ACCEPTED_STATUSES = ["2xx", "3xx", "401", "403", "404", "429"]
# Operations whose valid requests the server may still refuse with a 400 for a reason
# no schema can state: the request names other objects by id (a generated id names
# none), or the object must first be in some state (reached by earlier steps). The
# other checks still apply to them.
NEEDS_STATE = {
    "POST /api/v1/actions/": "owner and executive are user ids; a generated id names no one",
    "POST /api/v1/actions/{id}/complete/": "an action is completed only once it has evidence",
    "POST /api/v1/actions/{id}/reopen/": "only a done action can be reopened",
    "POST /api/v1/actions/{id}/replan/": "the new due date must be on or after the day raised",
    "POST /api/v1/actions/{id}/progress/": "the update's date must be on or after the day raised",
    "POST /api/v1/actions/{id}/evidence/": "a document needs its file, a link its address",
    "POST /api/v1/assurance/evidence/": "unit and owner are ids; a generated id names nothing",
    "POST /api/v1/assurance/evidence/{id}/change/": "owner is a user id",
    "POST /api/v1/assurance/evidence/{id}/retire/": "evidence is retired once",
    "POST /api/v1/assurance/findings/{id}/change/": "statement ids come from the framework",
    "POST /api/v1/assurance/ratings/": "statement and key question ids come from the framework",
    "POST /api/v1/metrics/{id}/values/": "each period must fall on the metric's own interval",
    "POST /api/v1/assurance/rounds/": "scope is a unit id; a generated id names nothing",
    "POST /api/v1/assurance/rounds/{id}/close/": "a closed round cannot close again",
    "POST /api/v1/assurance/rounds/{id}/limiters/": "a closed round's scores cannot change",
    "POST /api/v1/learning/actions/{id}/complete/": "a done action cannot complete again",
    "POST /api/v1/speak-up/anonymous/concerns/": "a file's type is judged by its content",
    "POST /api/v1/speak-up/anonymous/feedback/": "the code names a concern raised earlier",
    "POST /api/v1/speak-up/anonymous/messages/": "the code names a concern raised earlier",
    "POST /api/v1/speak-up/anonymous/open/": "the code names a concern raised earlier",
}


@dataclass(frozen=True)
class Failure:
    operation: str
    persona: str
    status: int
    kind: str  # "Server error", "Response violates schema", "Undocumented status code", ...
    problem: str
    answer: str  # the start of the response body, which says why a request was refused


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """The real WSGI application, inside the test's transaction: as Django's test
    client does, connections are not closed at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _real_path_parameters(trust: Trust, operations: list[Any]) -> dict[str, dict[str, str]]:
    """operation label -> path parameters naming real objects, from the URL samples."""
    urls = [
        resolve(route, SAMPLES, trust)
        for route in all_routes()
        if route.route.startswith("api/v1/") and route.needs_kwargs
    ]
    found: dict[str, dict[str, str]] = {}
    for operation in operations:
        template = re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(operation.path))
        for url in urls:
            match = re.fullmatch(template, url)
            if match:
                found[operation.label] = match.groupdict()
                break
    return found


def _fuzz(
    operation: Any,
    app: Any,
    persona: str,
    token: str,
    found: list[Failure],
    path_parameters: dict[str, str] | None = None,
) -> int:
    accepting = persona == ACCEPTING_PERSONA and operation.label not in NEEDS_STATE
    checks = [*CHECKS, positive_data_acceptance] if accepting else CHECKS
    sent = 0

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(path_parameters=path_parameters))
    def run(case: Any) -> None:
        nonlocal sent
        sent += 1
        response = case.call(app=app, headers={"Authorization": f"Token {token}"})
        try:
            case.validate_response(response, checks=checks)
        except (AssertionError, FailureGroup) as failed:
            # Counted rather than raised: Hypothesis would stop at, and shrink, the first.
            answer = " ".join(response.text.split())[:160]
            for kind, problem in _problems(failed):
                found.append(
                    Failure(operation.label, persona, response.status_code, kind, problem, answer)
                )

    run()
    return sent


def _problems(failed: BaseException) -> list[tuple[str, str]]:
    parts = failed.exceptions if isinstance(failed, FailureGroup) else [failed]
    return [
        (str(getattr(part, "title", type(part).__name__)), " ".join(str(part).split())[:120])
        for part in parts
    ]


def test_no_operation_answers_a_valid_request_with_an_error_or_off_its_schema(
    trust: Trust, wsgi_app: Any
) -> None:
    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
        expected_statuses=ACCEPTED_STATUSES
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 100
    # A stale name would silently hold a new operation to less.
    assert set(NEEDS_STATE) <= {operation.label for operation in operations}
    real = _real_path_parameters(trust, operations)
    assert len(real) > 40
    found: list[Failure] = []
    sent = 0
    for persona in PERSONAS:
        token, _ = issue_api_token(acting_user=None, user=trust.people[persona])
        for operation in operations:
            sent += _fuzz(operation, wsgi_app, persona, token.key, found)
            if operation.label in real:
                sent += _fuzz(operation, wsgi_app, persona, token.key, found, real[operation.label])
    # Every operation was tried, as each person, with and without a real object.
    assert sent >= len(PERSONAS) * (len(operations) + len(real)) * 2
    by_kind = dict(Counter(f.kind for f in found))
    print(
        f"API fuzz: {sent} requests, {len(operations)} operations "
        f"({len(NEEDS_STATE)} not held to acceptance), failures {by_kind}"
    )
    report = "\n".join(
        f"{f.persona} {f.operation} -> {f.status}: {f.problem} | {f.answer}"
        for f in sorted(set(found), key=str)
    )
    assert not found, f"{len(found)} of {sent} requests failed {by_kind}:\n{report}"
