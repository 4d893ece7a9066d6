"""Use case: the database is down and a script calls the API.

Whatever fails, and wherever (token lookup, session, the view), a client under
/api/ gets JSON it can parse, never the HTML error page meant for people.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client

from wellled.core.testing import Trust


def _database_is_down(execute: Callable[..., Any], *args: Any) -> Any:
    raise OperationalError("could not connect to server: Connection refused")


@pytest.fixture
def database_down(trust: Trust) -> Iterator[None]:
    with connection.execute_wrapper(_database_is_down):
        yield


def _assert_json(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Token 0123456789abcdef0123456789abcdef01234567"}],
    ids=["anonymous", "with-a-token"],
)
def test_an_api_call_while_the_database_is_down_is_answered_in_json(
    database_down: None, headers: dict[str, str]
) -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/units/", headers=headers)
    body = _assert_json(response, 401 if not headers else 500)
    assert body["detail"]


def test_a_logged_in_browser_calling_the_api_while_the_database_is_down_gets_json(
    trust: Trust,
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(trust.people["trust_admin"])
    with connection.execute_wrapper(_database_is_down):
        response = client.get("/api/v1/units/")
    body = _assert_json(response, 500)
    assert body == {"detail": "Sorry, there is a problem with the service. Try again later."}


def test_pages_keep_the_html_error_page_when_the_database_is_down(trust: Trust) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(trust.people["trust_admin"])
    with connection.execute_wrapper(_database_is_down):
        response = client.get("/organisation/people/")
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.content


@pytest.mark.parametrize(("status", "path"), [(404, "/api/v1/no-such-thing/"), (404, "/api/x")])
def test_an_unknown_api_address_is_json(trust: Trust, status: int, path: str) -> None:
    _assert_json(Client().get(path), status)


def test_the_anonymous_speak_up_api_answers_in_json_while_the_database_is_down(
    database_down: None,
) -> None:
    """The routes with no login at all: a reporter's script still gets JSON."""
    client = Client(raise_request_exception=False)
    response = client.post(
        "/api/v1/speak-up/anonymous/concerns/",
        {"narrative": "The ward is short of staff at night."},
        content_type="application/json",
    )
    body = _assert_json(response, 500)
    assert body == {"detail": "Sorry, there is a problem with the service. Try again later."}
